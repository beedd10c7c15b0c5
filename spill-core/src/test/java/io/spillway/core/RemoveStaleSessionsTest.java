package io.spillway.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Spillway#removeStaleSessions(Path)} (issue 17, part 5) over folders laid out as the {@code file} store lays
 * them out: it removes dead ephemeral sessions and the remains of interrupted removals, and nothing else.
 * {@link RemoveStaleSessionsIT} does the same with sessions of real processes, one killed and one alive.
 */
class RemoveStaleSessionsTest {
  /** The lock file the file store keeps in each session folder, and holds locked while the session lives. */
  static final String LOCK_FILE = "session.lock";

  @TempDir Path tmp;

  /** A session folder as a dead process leaves it: lock file (no longer locked by anyone) and a log file. */
  private static Path deadSession(Path spillDir, String name) throws IOException {
    Path dir = Files.createDirectories(spillDir.resolve(name));
    Files.createFile(dir.resolve(LOCK_FILE));
    Files.write(dir.resolve("00000001.log"), new byte[] {1, 2, 3});
    return dir;
  }

  @Test
  void removesDeadSessionsAndRemainsOfRemovals_andLeavesEverythingElse() throws IOException {
    Path spillDir = tmp.resolve("spill");
    try (SpillManager live = Spillway.newManager(SpillConfig.builder().spillDir(spillDir).store("file").build())) {
      live.registerSegment("x", 3);
      live.spill("x", new byte[] {7, 8, 9});
      Path liveSession = onlySessionFolder(spillDir);
      // A pid and start time no process of this test has: the folder is another process's, and its lock is free.
      Path dead = deadSession(spillDir, "session-999999999-1-0123456789abcdef");
      Path remains = Files.createDirectories(spillDir.resolve("deleting-00112233aabbccdd"));
      Files.write(remains.resolve("00000002.log"), new byte[] {4});
      // A persistent session's folder with its lock free (its owner closed it) is still never touched.
      Path persistent = deadSession(spillDir, "persistent-x");
      // A session folder without a lock file is taken for one being created, until it is ten minutes old.
      Path beingCreated = Files.createDirectories(spillDir.resolve("session-999999999-1-fedcba9876543210"));
      Path notes = Files.writeString(spillDir.resolve("notes.txt"), "mine", StandardCharsets.UTF_8);
      Path sessionNamedFile = Files.writeString(spillDir.resolve("session-but-a-file"), "mine");
      Path other = deadSession(spillDir, "other-folder");
      Path outside = deadSession(tmp, "session-outside");
      Path link = Files.createSymbolicLink(spillDir.resolve("session-999999999-1-1111111111111111"), outside);

      int removed = Spillway.removeStaleSessions(spillDir);

      assertThat(removed).isEqualTo(2);
      assertThat(dead).doesNotExist();
      assertThat(remains).doesNotExist();
      assertThat(liveSession.resolve(LOCK_FILE)).isRegularFile();
      assertThat(persistent.resolve(LOCK_FILE)).isRegularFile();
      assertThat(persistent.resolve("00000001.log")).hasBinaryContent(new byte[] {1, 2, 3});
      assertThat(beingCreated).isDirectory();
      assertThat(notes).hasContent("mine");
      assertThat(sessionNamedFile).hasContent("mine");
      assertThat(other.resolve("00000001.log")).hasBinaryContent(new byte[] {1, 2, 3});
      assertThat(link).isSymbolicLink();
      assertThat(outside.resolve("00000001.log")).hasBinaryContent(new byte[] {1, 2, 3});
      assertThat(live.reload("x")).hasValue(new byte[] {7, 8, 9});
      assertThat(Spillway.removeStaleSessions(spillDir)).as("a second sweep finds nothing").isZero();
    }
  }

  @Test
  void aMissingDirectory_removesNothing_andIsNotCreated() {
    Path missing = tmp.resolve("never-created");

    assertThat(Spillway.removeStaleSessions(missing)).isZero();
    assertThat(missing).doesNotExist();
  }

  /** The one session folder of this process in {@code spillDir}. */
  static Path onlySessionFolder(Path spillDir) throws IOException {
    try (Stream<Path> entries = Files.list(spillDir)) {
      List<Path> sessions = entries.filter(p -> p.getFileName().toString().startsWith("session-")).toList();
      assertThat(sessions).hasSize(1);
      return sessions.get(0);
    }
  }
}
