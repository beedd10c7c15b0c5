package io.spillway.compress;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a main class of these tests in a JVM of its own, for what one JVM cannot undo (a native library loaded). */
final class ChildJvms {
  private ChildJvms() {}

  /**
   * Runs {@code main} with {@code args} on this JVM's class path and with its {@code java.io.tmpdir}
   * ({@code -Xmx256m}, then {@code jvmOptions}, which may set another), its output in files under {@code dir}
   * named after {@code run}, and waits up to 120 s for it to exit with 0.
   *
   * @return the lines it printed on standard output
   * @throws AssertionError if it did not end in time or exited otherwise (the message holds its standard error)
   */
  static List<String> run(Path dir, String run, List<String> jvmOptions, Class<?> main, String... args)
      throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElseThrow(
        () -> new AssertionError("cannot tell which java binary runs this test"));
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m",
        "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir")));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    Path out = dir.resolve(run + ".out");
    Path err = dir.resolve(run + ".err");
    Process child = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!child.waitFor(120, TimeUnit.SECONDS)) {
      child.destroyForcibly();
      throw new AssertionError(run + ": the child JVM did not end in 120 s; stderr: " + Files.readString(err));
    }
    assertThat(child.exitValue()).as("%s: exit code; stderr: %s", run, Files.readString(err)).isZero();
    return Files.readAllLines(out, UTF_8);
  }
}
