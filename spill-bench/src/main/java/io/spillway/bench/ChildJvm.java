package io.spillway.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a measurement's {@code main} in a fresh JVM on the Parallel collector, whose heap reading after a full
 * collection is the exact size of the live objects, and returns what it printed. The child gets this JVM's class
 * path and {@code bench.dir}; its standard error goes to ours.
 */
final class ChildJvm {
  private ChildJvm() {}

  /**
   * @param main the class whose {@code main} to run
   * @param maxHeap the child's {@code -Xmx} value, e.g. {@code "4g"}
   * @param arg the single argument to pass
   * @return the child's standard output
   * @throws IllegalStateException if the child exits with a non-zero status, or this thread is interrupted
   */
  static String run(Class<?> main, String maxHeap, String arg) throws IOException {
    return run(main, List.of("-XX:+UseParallelGC", "-Xmx" + maxHeap), List.of(arg));
  }

  /**
   * Runs {@code main} with {@code args} in a JVM started with {@code jvmOptions} and this JVM's class path.
   *
   * @return the child's standard output
   * @throws IllegalStateException if the child exits with a non-zero status, or this thread is interrupted
   */
  static String run(Class<?> main, List<String> jvmOptions, List<String> args) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>(List.of(java.toString()));
    command.addAll(jvmOptions);
    String benchDir = System.getProperty("bench.dir");
    if (benchDir != null) {
      command.add("-Dbench.dir=" + benchDir);
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(args);
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (process.waitFor() != 0) {
        throw new IllegalStateException(main.getSimpleName() + " JVM failed (exit " + process.exitValue() + "): "
            + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + main.getSimpleName(), e);
    }
    return output;
  }
}
