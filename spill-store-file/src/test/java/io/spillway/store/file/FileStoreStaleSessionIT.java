package io.spillway.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.SpillConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Stale-session removal against real processes: one killed, one alive, and this JVM. */
class FileStoreStaleSessionIT {
  @TempDir
  Path tempDir;

  private final List<Process> processes = new ArrayList<>();
  private final List<FileSpillStore> stores = new ArrayList<>();

  @AfterEach
  void cleanUp() throws IOException, InterruptedException {
    for (Process process : processes) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    for (FileSpillStore store : stores) {
      store.close();
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void create_removesSessionOfKilledProcessAndKeepsLiveSessions() throws Exception {
    Path spillDir = tempDir.resolve("spill");
    SpillConfig config = SpillConfig.builder().spillDir(spillDir).build();
    FileSpillStore own = open(config);
    own.write("mine", ByteBuffer.wrap(new byte[] {4, 2}));
    Child alive = Child.start(spillDir, tempDir.resolve("alive.err"), processes);
    Child killed = Child.start(spillDir, tempDir.resolve("killed.err"), processes);
    Path childLog = killed.session.resolve(FileNames.logFile(1));
    assertThat(childLog).as("log file holding the value the child wrote").isRegularFile();
    assertThat(Files.size(childLog)).isPositive();

    killed.process.destroyForcibly();
    assertThat(killed.process.waitFor(30, TimeUnit.SECONDS)).as("killed child exited").isTrue();
    assertThat(killed.session).as("folder of the killed child before the next start").isDirectory();

    FileSpillStore next = open(config);

    assertThat(killed.session).as("folder of the killed child").doesNotExist();
    assertThat(alive.session.resolve(FileNames.logFile(1))).as("log file of the live child").isRegularFile();
    assertThat(own.read("mine")).containsExactly(4, 2);
    assertThat(next.list()).as("keys of the new session").isEmpty();
    assertThat(FileSpillStoreTest.listNames(spillDir)).containsExactlyInAnyOrder(
        own.sessionDir().getFileName().toString(),
        alive.session.getFileName().toString(),
        next.sessionDir().getFileName().toString());

    alive.process.getOutputStream().close();
    assertThat(alive.process.waitFor(30, TimeUnit.SECONDS)).as("live child exited after its input ended").isTrue();
    assertThat(alive.process.exitValue()).as("exit code of the live child; stderr: %s", alive.stderr()).isZero();
    assertThat(alive.session).as("folder of the child that closed its store").doesNotExist();
  }

  private FileSpillStore open(SpillConfig config) throws IOException {
    FileSpillStore store = (FileSpillStore) new FileSpillStoreProvider().create(config);
    stores.add(store);
    return store;
  }

  private static final class Child {
    final Process process;
    final Path session;
    final Path stderrFile;

    private Child(Process process, Path session, Path stderrFile) {
      this.process = process;
      this.session = session;
      this.stderrFile = stderrFile;
    }

    static Child start(Path spillDir, Path stderrFile, List<Process> started) throws Exception {
      String java = ProcessHandle.current().info().command().orElseThrow(
          () -> new AssertionError("cannot tell which java binary runs this test"));
      Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
          SessionHolderMain.class.getName(), spillDir.toString())
          .redirectError(stderrFile.toFile())
          .start();
      started.add(process);
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line = CompletableFuture.supplyAsync(() -> {
        try {
          return out.readLine();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).get(60, TimeUnit.SECONDS);
      Child child = new Child(process, Path.of(line == null ? "" : line.substring(SessionHolderMain.READY.length())),
          stderrFile);
      assertThat(line).as("first line of the child; stderr: %s", child.stderr())
          .startsWith(SessionHolderMain.READY);
      return child;
    }

    String stderr() {
      try {
        return Files.exists(stderrFile) ? Files.readString(stderrFile) : "";
      } catch (IOException e) {
        return "(unreadable: " + e + ")";
      }
    }
  }
}
