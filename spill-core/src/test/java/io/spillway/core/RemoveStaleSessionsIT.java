package io.spillway.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Spillway#removeStaleSessions(Path)} against sessions of real processes: one child JVM killed
 * ({@code kill -9}: its folder stays, its lock goes with it), one alive, and a manager of this JVM.
 */
class RemoveStaleSessionsIT {
  @TempDir Path tmp;

  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void killChildren() throws InterruptedException {
    for (Process process : processes) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void removesTheKilledChildsSession_andKeepsTheLiveChilds_thisProcesss_andAPersistentOne() throws Exception {
    Path spillDir = tmp.resolve("spill");
    try (SpillManager own = Spillway.newManager(SpillConfig.builder().spillDir(spillDir).store("file").build())) {
      own.registerSegment("mine", 2);
      own.spill("mine", new byte[] {4, 2});
      Path persistent = Files.createDirectories(spillDir.resolve("persistent-x"));
      Files.createFile(persistent.resolve(RemoveStaleSessionsTest.LOCK_FILE));
      Files.write(persistent.resolve("00000001.log"), new byte[] {5});
      Process alive = start(spillDir, "alive");
      Process killed = start(spillDir, "killed");
      Path aliveSession = sessionOf(spillDir, alive.pid());
      Path killedSession = sessionOf(spillDir, killed.pid());
      killed.destroyForcibly();
      assertThat(killed.waitFor(60, TimeUnit.SECONDS)).as("the killed child exited").isTrue();
      assertThat(killedSession).as("what the killed child left").isDirectory();

      int removed = Spillway.removeStaleSessions(spillDir);

      assertThat(removed).isEqualTo(1);
      assertThat(killedSession).doesNotExist();
      assertThat(aliveSession.resolve(RemoveStaleSessionsTest.LOCK_FILE)).isRegularFile();
      assertThat(persistent.resolve("00000001.log")).hasBinaryContent(new byte[] {5});
      assertThat(own.reload("mine")).hasValue(new byte[] {4, 2});

      // The live child still has its session whole: it reloads its segment, verified, and closes it.
      alive.getOutputStream().close();
      assertThat(alive.waitFor(60, TimeUnit.SECONDS)).as("the live child exited once its input ended").isTrue();
      assertThat(alive.exitValue()).as("exit code of the live child; stderr: %s", stderr("alive")).isZero();
      assertThat(aliveSession).as("closed by its owner").doesNotExist();
    }
  }

  private Process start(Path spillDir, String tag) throws Exception {
    String java = ProcessHandle.current().info().command()
        .orElseThrow(() -> new AssertionError("cannot tell which java binary runs this test"));
    Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        StaleSessionChildMain.class.getName(), spillDir.toString())
        .redirectError(tmp.resolve(tag + ".err").toFile()).start();
    processes.add(process);
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    // Log lines may come first (logback writes to the standard output): wait for the one that says it is ready.
    String ready = CompletableFuture.supplyAsync(() -> {
      try {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          if (line.startsWith(StaleSessionChildMain.READY)) {
            return line;
          }
        }
        return null;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }).get(120, TimeUnit.SECONDS);
    assertThat(ready).as("the %s child's ready line; stderr: %s", tag, stderr(tag))
        .isEqualTo(StaleSessionChildMain.READY + process.pid());
    return process;
  }

  /** The session folder of the process {@code pid}: the file store names it {@code session-<pid>-...}. */
  private static Path sessionOf(Path spillDir, long pid) throws IOException {
    try (Stream<Path> entries = Files.list(spillDir)) {
      List<Path> sessions = entries.filter(p -> p.getFileName().toString().startsWith("session-" + pid + "-"))
          .toList();
      assertThat(sessions).as("session folders of process %s", pid).hasSize(1);
      return sessions.get(0);
    }
  }

  private String stderr(String tag) {
    Path file = tmp.resolve(tag + ".err");
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }
}
