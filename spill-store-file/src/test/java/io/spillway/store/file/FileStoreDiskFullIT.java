package io.spillway.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.SpillConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fills a real, small tmpfs until the disk is full. The tmpfs is the directory named by {@code SPILLWAY_TMPFS}
 * (default {@value #DEFAULT_TMPFS}), mounted by {@code .ci/setup-tmpfs.sh}; {@link TmpfsMounts#require} says what
 * happens when it is missing (never a skip).
 */
class FileStoreDiskFullIT {
  static final String DEFAULT_TMPFS = "/mnt/spillway-tmpfs";
  private static final int VALUE_SIZE = 1024 * 1024;
  private static final long MAX_TMPFS_SIZE = 64L * 1024 * 1024;
  private static final String RUN_PREFIX = "disk-full-it-";

  private static Path tmpfs = Path.of(DEFAULT_TMPFS);

  /** The small tmpfs, once {@link #requireTmpfs()} found or mounted it; for other tests that fill a disk. */
  static Path tmpfs() {
    return tmpfs;
  }

  @BeforeAll
  static void requireTmpfs() throws Exception {
    tmpfs = TmpfsMounts.require("SPILLWAY_TMPFS", DEFAULT_TMPFS, "The disk-full test needs a small tmpfs");
  }

  /** Log files of two 1 MiB values each, so that deleting two values frees a whole file. */
  private static final String LOG_FILE_SIZE = "2MiB";

  private Path spillDir = Path.of("");

  private FileSpillStore open(boolean background, String compactBelow) throws IOException {
    removeLeftoversOfDeadRuns();
    long capacity = Files.getFileStore(tmpfs).getTotalSpace();
    assertThat(capacity).as("size of the tmpfs at %s; the test fills it", tmpfs).isLessThanOrEqualTo(MAX_TMPFS_SIZE);
    spillDir = tmpfs.resolve(RUN_PREFIX + ProcessHandle.current().pid() + "-" + System.nanoTime());
    SpillConfig config = SpillConfig.builder().spillDir(spillDir)
        .option(FileSpillStoreProvider.LOG_FILE_SIZE, LOG_FILE_SIZE)
        .option(FileSpillStoreProvider.COMPACT_BELOW, compactBelow)
        .build();
    return FileSpillStore.open(spillDir, FileStoreSettings.from(config), background);
  }

  private void closeAndCheck(FileSpillStore store) throws IOException {
    store.close();
    assertThat(FileSpillStoreTest.listNames(spillDir)).as("session folders left in %s", spillDir).isEmpty();
    Files.delete(spillDir);
  }

  /** What filling the disk left: the values stored, and the write that failed. */
  private record Filled(Map<String, byte[]> stored, IOException failure, String failedKey) {}

  private static Filled fill(FileSpillStore store) throws IOException {
    long capacity = Files.getFileStore(store.sessionDir()).getTotalSpace();
    Map<String, byte[]> stored = new LinkedHashMap<>();
    for (int i = 0; i <= capacity / VALUE_SIZE + 1; i++) {
      String key = "value-" + i;
      byte[] value = value(i);
      try {
        store.write(key, ByteBuffer.wrap(value));
        stored.put(key, value);
      } catch (IOException e) {
        return new Filled(stored, e, key);
      }
    }
    throw new AssertionError("no write failed although " + stored.size() + " MiB went to a tmpfs of "
        + capacity + " bytes");
  }

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void write_onFullDisk_failsCleanlyKeepsEarlierValuesAndRecoversWhenAFileIsFreed() throws Exception {
    FileSpillStore store = open(false, "0.5");
    try {
      Filled filled = fill(store);
      Map<String, byte[]> stored = filled.stored();

      assertThat(stored).as("values stored before the disk filled up").hasSizeGreaterThanOrEqualTo(3);
      assertThat(filled.failure().getMessage()).contains("'" + filled.failedKey() + "'")
          .contains(store.sessionDir().toString()).contains("log-");
      assertThat(causeMessages(filled.failure())).as("causes of %s", filled.failure())
          .anyMatch(m -> m.contains("No space left"));
      assertIntact(store, stored);

      String first = stored.keySet().iterator().next();
      byte[] larger = value(1_000);
      IOException overwrite = writeExpectingFailure(store, first, ByteBuffer.wrap(larger), ByteBuffer.wrap(larger));
      assertThat(overwrite.getMessage()).contains("'" + first + "'");
      assertIntact(store, stored);

      // Space comes back when a log file dies: both values of the first file deleted.
      Path firstFile = store.placement(first).file();
      List<String> inFirstFile = keysIn(store, stored, firstFile);
      assertThat(inFirstFile).hasSize(2);
      for (String key : inFirstFile) {
        assertThat(store.delete(key)).isTrue();
        stored.remove(key);
      }
      assertThat(firstFile).as("dead log file").doesNotExist();
      byte[] retried = value(2_000);
      store.write(filled.failedKey(), ByteBuffer.wrap(retried));
      stored.put(filled.failedKey(), retried);
      assertIntact(store, stored);
    } finally {
      closeAndCheck(store);
    }
  }

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void compaction_onFullDisk_failsWithoutMovingOrLosingAnythingAndWorksOnceSpaceIsBack() throws Exception {
    FileSpillStore store = open(false, "0.6");
    try {
      Map<String, byte[]> stored = fill(store).stored();
      // One value of each of the first two full files deleted: both are half live, below 0.6, worth compacting.
      List<Path> files = store.logFiles().stream().sorted().toList();
      assertThat(files).hasSizeGreaterThanOrEqualTo(3);
      for (Path file : files.subList(0, 2)) {
        String victim = keysIn(store, stored, file).get(0);
        assertThat(store.delete(victim)).isTrue();
        stored.remove(victim);
      }
      Map<String, FileSpillStore.Placement> before = placements(store, stored);

      assertThatThrownBy(store::compactNow)
          .isInstanceOf(IOException.class)
          .satisfies(e -> assertThat(causeMessages(e)).anyMatch(m -> m.contains("No space left")));

      assertThat(placements(store, stored)).as("index after the failed compaction").isEqualTo(before);
      assertThat(store.stats().compactionFailures()).isEqualTo(1);
      assertIntact(store, stored);

      // Free a whole file (the third), then compaction goes through.
      for (String key : keysIn(store, stored, files.get(2))) {
        assertThat(store.delete(key)).isTrue();
        stored.remove(key);
      }
      assertThat(store.compactNow()).isEqualTo(2);
      assertThat(files.get(0)).as("compacted file").doesNotExist();
      assertThat(files.get(1)).as("compacted file").doesNotExist();
      assertIntact(store, stored);
    } finally {
      closeAndCheck(store);
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void backgroundCompaction_onFullDisk_backsOffAndRetriesWhenAFileIsFreed() throws Exception {
    FileSpillStore store = open(true, "0.6");
    try {
      Map<String, byte[]> stored = fill(store).stored();
      List<Path> files = store.logFiles().stream().sorted().toList();
      String victim = keysIn(store, stored, files.get(0)).get(0);
      assertThat(store.delete(victim)).isTrue();
      stored.remove(victim);

      awaitCondition(() -> store.stats().compactionFailures() >= 1, "a failed background compaction");
      assertIntact(store, stored);
      assertThat(files.get(0)).as("file whose compaction failed").exists();

      for (String key : keysIn(store, stored, files.get(1))) {
        assertThat(store.delete(key)).isTrue();
        stored.remove(key);
      }
      awaitCondition(() -> !Files.exists(files.get(0)), "the compaction retried once a file was freed");
      assertIntact(store, stored);
    } finally {
      closeAndCheck(store);
    }
  }

  private static void awaitCondition(java.util.function.BooleanSupplier condition, String what)
      throws InterruptedException {
    for (int i = 0; i < 600 && !condition.getAsBoolean(); i++) {
      Thread.sleep(100);
    }
    assertThat(condition.getAsBoolean()).as(what).isTrue();
  }

  private static List<String> keysIn(FileSpillStore store, Map<String, byte[]> stored, Path file) {
    List<String> keys = new ArrayList<>();
    for (String key : stored.keySet()) {
      if (store.placement(key).file().equals(file)) {
        keys.add(key);
      }
    }
    return keys;
  }

  private static Map<String, FileSpillStore.Placement> placements(FileSpillStore store, Map<String, byte[]> stored) {
    Map<String, FileSpillStore.Placement> placements = new LinkedHashMap<>();
    for (String key : stored.keySet()) {
      placements.put(key, store.placement(key));
    }
    return placements;
  }

  /** A run killed before its cleanup would leave the tmpfs partly full for every later run. */
  private static void removeLeftoversOfDeadRuns() throws IOException {
    try (Stream<Path> entries = Files.list(tmpfs)) {
      for (Path entry : entries.toList()) {
        String name = entry.getFileName().toString();
        if (!name.startsWith(RUN_PREFIX)) {
          continue;
        }
        String pid = name.substring(RUN_PREFIX.length()).split("-", 2)[0];
        if (pid.matches("\\d{1,18}") && ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
          SessionFolders.deleteRecursively(entry);
        }
      }
    }
  }

  private static IOException writeExpectingFailure(FileSpillStore store, String key, ByteBuffer... chunks) {
    try {
      store.write(key, chunks);
    } catch (IOException e) {
      return e;
    }
    throw new AssertionError("writing " + key + " succeeded although the disk is full");
  }

  /**
   * The store lists exactly {@code stored}, which read back intact; the folder holds only the lock and log files,
   * whose sizes are what the store accounts (a failed append was cut back), and a scan of them finds a record for
   * each stored value where the index points, and no record of any other key: no partial bytes can be read back.
   */
  private static void assertIntact(FileSpillStore store, Map<String, byte[]> stored) throws IOException {
    assertThat(store.list()).containsExactlyInAnyOrderElementsOf(stored.keySet());
    long total = 0;
    for (Map.Entry<String, byte[]> entry : stored.entrySet()) {
      assertThat(store.read(entry.getKey())).as("value of %s", entry.getKey()).isEqualTo(entry.getValue());
      total += entry.getValue().length;
    }
    assertThat(store.usage()).isEqualTo(total);
    List<String> names = FileSpillStoreTest.listNames(store.sessionDir());
    assertThat(names).as("files in the session folder").contains(FileNames.LOCK_FILE)
        .allMatch(n -> n.equals(FileNames.LOCK_FILE) || FileNames.logNumber(n).isPresent());
    long onDisk = 0;
    Map<Path, List<RecordFormat.Header>> records = new LinkedHashMap<>();
    for (Path file : store.logFiles()) {
      onDisk += Files.size(file);
      records.put(file, LogScanner.scan(file, FileNames.logNumber(file.getFileName().toString()).getAsInt())
          .records());
    }
    assertThat(onDisk).as("bytes in log files").isEqualTo(store.stats().diskBytes());
    for (String key : stored.keySet()) {
      FileSpillStore.Placement placement = store.placement(key);
      assertThat(records.get(placement.file())).as("records in %s", placement.file())
          .anySatisfy(h -> {
            assertThat(h.key()).isEqualTo(key);
            assertThat(h.valueOffset()).isEqualTo(placement.valueOffset());
          });
    }
    for (List<RecordFormat.Header> inFile : records.values()) {
      for (RecordFormat.Header header : inFile) {
        assertThat(header.key()).as("key of a record on disk").startsWith("value-");
        assertThat(header.valueLength()).isEqualTo(VALUE_SIZE);
      }
    }
  }

  private static byte[] value(int seed) {
    byte[] value = new byte[VALUE_SIZE];
    new SplittableRandom(seed).nextBytes(value);
    return value;
  }

  private static List<String> causeMessages(Throwable failure) {
    List<String> messages = new ArrayList<>();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      messages.add(String.valueOf(t.getMessage()));
    }
    return messages;
  }

  /** Whether {@code dir} is itself where a tmpfs is mounted, according to {@code /proc/mounts}. */
}
