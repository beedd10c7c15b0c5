package io.spillway.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A child JVM for crash tests: runs a main class on this JVM's class path, with its standard error in a file, and is
 * read line by line until the test kills it with SIGKILL. The child's protocol: every line it prints ends in
 * {@code " ."}, so that a line cut short by the kill can be told from a whole one, and its first line is
 * {@code "ready ."}.
 *
 * <pre>{@code
 * try (KillableChild child = KillableChild.start(stderr, WriterMain.class, dir.toString())) {
 *   for (String line; (line = child.nextLine()) != null; ) {
 *     ... if (enough) child.kill();
 *   }
 *   child.assertKilled();
 * }
 * }</pre>
 *
 * <p>Not thread-safe.
 */
public final class KillableChild implements AutoCloseable {
  private final Process process;
  private final BufferedReader out;
  private final Path stderr;
  private boolean killed;

  private KillableChild(Process process, Path stderr) {
    this.process = process;
    this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.stderr = stderr;
  }

  /**
   * Starts {@code main} with {@code args} in a JVM of its own ({@code -Xmx256m}) and waits for its first line.
   *
   * @throws AssertionError if that line is not {@code "ready ."} (the message holds the child's standard error)
   */
  public static KillableChild start(Path stderr, Class<?> main, String... args) throws IOException {
    String java = ProcessHandle.current().info().command().orElseThrow(
        () -> new AssertionError("cannot tell which java binary runs this test"));
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        main.getName()));
    command.addAll(List.of(args));
    KillableChild child = new KillableChild(new ProcessBuilder(command).redirectError(stderr.toFile()).start(),
        stderr);
    String first = child.out.readLine();
    if (!"ready .".equals(first)) {
      child.close();
      throw new AssertionError("the first line of " + main.getSimpleName() + " was " + first + ", not 'ready .';"
          + " stderr: " + child.stderr());
    }
    return child;
  }

  /** The next whole line the child printed, without its {@code " ."}; null once it ended or a line was cut short. */
  public @Nullable String nextLine() throws IOException {
    String line = out.readLine();
    return line == null || !line.endsWith(" .") ? null : line.substring(0, line.length() - 2);
  }

  /** Kills the child with SIGKILL; unlike {@link Process#destroy()}, it keeps our end of the pipe readable. */
  public void kill() {
    process.toHandle().destroyForcibly();
    killed = true;
  }

  /** Whether {@link #kill()} was called. */
  public boolean killed() {
    return killed;
  }

  /**
   * @throws AssertionError if the child was not killed: it ended on its own, so the test did not test a crash
   */
  public void assertKilled() {
    if (!killed) {
      throw new AssertionError("the child ended before it was killed; stderr: " + stderr());
    }
  }

  /** What the child wrote to its standard error so far. */
  public String stderr() {
    try {
      return Files.exists(stderr) ? Files.readString(stderr) : "";
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /**
   * Kills the child if it still runs and waits for it to end.
   *
   * @throws AssertionError if it does not end within 60 seconds
   */
  @Override
  public void close() throws IOException {
    process.toHandle().destroyForcibly();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError("the child did not end within 60 s of SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for the child", e);
    } finally {
      out.close();
    }
  }
}
