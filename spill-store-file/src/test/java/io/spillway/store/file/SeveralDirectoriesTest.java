package io.spillway.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.SpillConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A session spread over several spill directories: placement, a failing directory, recovery from all of them. */
class SeveralDirectoriesTest {
  private static final FileStoreSettings SMALL_FILES =
      new FileStoreSettings(64 * 1024, FileStoreSettings.DEFAULT_OWN_FILE_THRESHOLD, 0.5, false);

  @TempDir
  Path temp;

  private static byte[] value(int i) {
    byte[] value = new byte[20_000 + i];
    new SplittableRandom(i).nextBytes(value);
    return value;
  }

  private static long logFilesIn(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return 0;
    }
    try (Stream<Path> entries = Files.list(folder)) {
      return entries.filter(p -> FileNames.logNumber(p.getFileName().toString()).isPresent()).count();
    }
  }

  private static Map<String, byte[]> writeValues(FileSpillStore store, int from, int to) throws IOException {
    Map<String, byte[]> written = new HashMap<>();
    for (int i = from; i < to; i++) {
      byte[] value = value(i);
      store.write("k" + i, ByteBuffer.wrap(value));
      written.put("k" + i, value);
    }
    return written;
  }

  private static void assertHolds(FileSpillStore store, Map<String, byte[]> values) throws IOException {
    assertThat(store.list()).containsExactlyInAnyOrderElementsOf(values.keySet());
    for (Map.Entry<String, byte[]> entry : values.entrySet()) {
      assertThat(store.read(entry.getKey())).as(entry.getKey()).isEqualTo(entry.getValue());
    }
  }

  @Test
  void newLogFiles_goToEachDirectoryInTurn_andReadsFindEveryValue() throws IOException {
    List<Path> dirs = List.of(temp.resolve("a"), temp.resolve("b"), temp.resolve("c"));
    try (FileSpillStore store = FileSpillStore.open(dirs, SMALL_FILES, false)) {
      Map<String, byte[]> values = writeValues(store, 0, 30);

      assertThat(store.sessionDirs()).hasSize(3);
      List<Long> counts = new java.util.ArrayList<>();
      for (Path folder : store.sessionDirs()) {
        counts.add(logFilesIn(folder));
      }
      assertThat(counts).as("log files per directory, in turn").allMatch(n -> n >= 2);
      assertThat(java.util.Collections.max(counts) - java.util.Collections.min(counts)).as("spread of %s", counts)
          .isLessThanOrEqualTo(1);
      assertHolds(store, values);
      for (int i = 0; i < 30; i += 2) {
        store.write("k" + i, ByteBuffer.wrap(value(i + 1_000)));
        values.put("k" + i, value(i + 1_000));
      }
      store.rollLogFile();
      store.compactNow();
      assertHolds(store, values);
    }
    for (Path dir : dirs) {
      assertThat(FileSpillStoreTest.listNames(dir)).as("%s after close", dir).isEmpty();
    }
  }

  @Test
  void directoryThatFails_isSkipped_andWritesGoOnInTheOthers() throws IOException {
    List<Path> dirs = List.of(temp.resolve("a"), temp.resolve("b"));
    try (FileSpillStore store = FileSpillStore.open(dirs, SMALL_FILES, false)) {
      Map<String, byte[]> values = writeValues(store, 0, 6);
      Path broken = store.sessionDirs().get(1);
      // The disk behind b goes away: no new file can be created there (open channels keep their files).
      SessionFolders.deleteRecursively(broken);
      Files.writeString(broken, "not a folder any more");

      values.putAll(writeValues(store, 6, 40));

      assertHolds(store, values);
      assertThat(logFilesIn(store.sessionDirs().get(0))).as("files created in a since").isGreaterThan(5);
      Files.delete(broken);
    }
  }

  @Test
  void persistentSession_overSeveralDirectories_isRecoveredFromAllOfThem() throws IOException {
    List<Path> dirs = List.of(temp.resolve("a"), temp.resolve("b"));
    Map<String, byte[]> values;
    try (FileSpillStore store = FileSpillStore.openPersistent(dirs, "spread", SMALL_FILES, false)) {
      values = writeValues(store, 0, 20);
      store.delete("k3");
      values.remove("k3");
      assertThat(logFilesIn(store.sessionDirs().get(1))).isPositive();
    }
    try (FileSpillStore next = FileSpillStore.openPersistent(dirs, "spread", SMALL_FILES, false)) {
      assertHolds(next, values);
      assertThat(next.sessionDirs()).containsExactly(dirs.get(0).resolve("persistent-spread").toRealPath(),
          dirs.get(1).resolve("persistent-spread").toRealPath());
    }
  }

  @Test
  void provider_spreadsOverSpillDirs_andRemovesStaleSessionsInEach() throws IOException {
    Path a = temp.resolve("a");
    Path b = temp.resolve("b");
    Path stale = b.resolve("session-1-1-00000000000000aa");
    Files.createDirectories(stale);
    Files.writeString(stale.resolve(FileNames.LOCK_FILE), "");
    SpillConfig config = SpillConfig.builder().spillDirs(a, b)
        .option(FileSpillStoreProvider.LOG_FILE_SIZE, "64KiB").build();
    try (FileSpillStore store = (FileSpillStore) new FileSpillStoreProvider().create(config)) {
      Map<String, byte[]> values = writeValues(store, 0, 10);
      assertThat(stale).as("a dead session's folder in the second directory").doesNotExist();
      assertThat(store.sessionDirs()).hasSize(2);
      assertThat(logFilesIn(store.sessionDirs().get(1))).isPositive();
      assertHolds(store, values);
    }
  }
}
