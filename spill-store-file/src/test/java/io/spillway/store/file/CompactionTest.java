package io.spillway.store.file;

import static io.spillway.store.file.FileSpillStoreTest.bytes;
import static io.spillway.store.file.FileSpillStoreTest.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compaction run on the test's thread ({@link FileSpillStore#compactNow()}), so that every step is deterministic. */
class CompactionTest {
  private static final long LOG_FILE_SIZE = 64 * 1024;
  private static final double THRESHOLD = 0.5;

  @TempDir
  Path tempDir;

  private final List<FileSpillStore> stores = new ArrayList<>();

  @AfterEach
  void closeStores() throws IOException {
    for (FileSpillStore store : stores) {
      store.close();
    }
  }

  private FileSpillStore open(boolean fsync) throws IOException {
    FileStoreSettings settings = new FileStoreSettings(LOG_FILE_SIZE, FileStoreSettings.DEFAULT_OWN_FILE_THRESHOLD,
        THRESHOLD, fsync);
    FileSpillStore store = FileSpillStore.open(tempDir.resolve("spill"), settings, false);
    stores.add(store);
    return store;
  }

  /** Random writes, overwrites and deletes of values of 100 B to 8 KiB over 300 keys, compacting every 50 steps. */
  private static Map<String, byte[]> churn(FileSpillStore store, int steps, long seed) throws IOException {
    Map<String, byte[]> model = new HashMap<>();
    SplittableRandom random = new SplittableRandom(seed);
    for (int step = 1; step <= steps; step++) {
      String key = "key-" + random.nextInt(300);
      int action = random.nextInt(10);
      if (action < 7) {
        byte[] value = bytes(random.nextInt(100, 8_192), random.nextLong());
        store.write(key, ByteBuffer.wrap(value));
        model.put(key, value);
      } else if (action < 9) {
        assertThat(store.delete(key)).as("delete %s", key).isEqualTo(model.remove(key) != null);
      } else if (model.containsKey(key)) {
        assertThat(store.read(key)).as("read %s at step %d", key, step).isEqualTo(model.get(key));
      }
      if (step % 50 == 0) {
        store.compactNow();
        assertBounds(store);
      }
    }
    return model;
  }

  /**
   * The stated bounds. Space: every full file stays at least {@code t} live, so the disk holds at most the live
   * record bytes / t plus the active file and one file being compacted (each at most a file size plus one record).
   * Writing: every copied byte is matched by (1-t)/t dead bytes reclaimed, each made dead by a caller's overwrite or
   * delete (or a copy that lost a race): copies ≤ t/(1-t) × (appended + dead-on-arrival copies).
   */
  private static void assertBounds(FileSpillStore store) {
    FileSpillStore.Stats stats = store.stats();
    long slack = 2 * (LOG_FILE_SIZE + 8_192 + RecordFormat.HEADER_BYTES + 8);
    assertThat(stats.diskBytes()).as("disk bytes, %s", stats)
        .isLessThanOrEqualTo((long) (stats.liveRecordBytes() / THRESHOLD) + slack);
    assertThat((double) stats.compactionBytes()).as("bytes written by compaction, %s", stats)
        .isLessThanOrEqualTo(THRESHOLD / (1 - THRESHOLD) * (stats.appendedBytes() + stats.deadOnArrivalBytes()));
  }

  private static void assertHolds(FileSpillStore store, Map<String, byte[]> model) throws IOException {
    assertThat(store.list()).containsExactlyInAnyOrderElementsOf(model.keySet());
    long total = 0;
    for (Map.Entry<String, byte[]> entry : model.entrySet()) {
      assertThat(store.read(entry.getKey())).as(entry.getKey()).isEqualTo(entry.getValue());
      total += entry.getValue().length;
    }
    assertThat(store.usage()).isEqualTo(total);
    FileSpillStore.Stats stats = store.stats();
    long records = 0;
    for (String key : model.keySet()) {
      records += RecordFormat.recordBytes(key.length(), model.get(key).length);
    }
    assertThat(stats.liveRecordBytes()).as("live bytes of the files").isEqualTo(records);
  }

  @Test
  void compactNow_afterManyRounds_keepsEveryLiveValueIntactWithinTheBounds() throws IOException {
    FileSpillStore store = open(false);

    Map<String, byte[]> model = churn(store, 20_000, 1);

    assertHolds(store, model);
    FileSpillStore.Stats stats = store.stats();
    assertThat(stats.compactedFiles()).as("files compacted").isGreaterThan(100);
    assertThat(stats.compactionBytes()).isPositive();
    // Every record on disk where the index points is the value's own, with its key.
    for (String key : model.keySet()) {
      FileSpillStore.Placement placement = store.placement(key);
      int number = FileNames.logNumber(placement.file().getFileName().toString()).getAsInt();
      List<RecordFormat.Header> records = LogScanner.scan(placement.file(), number).records();
      assertThat(records).as("records of %s", placement.file())
          .anySatisfy(h -> {
            assertThat(h.key()).isEqualTo(key);
            assertThat(h.valueOffset()).isEqualTo(placement.valueOffset());
            assertThat(h.valueLength()).isEqualTo(model.get(key).length);
          });
    }
  }

  @Test
  void compactNow_withFsync_keepsEveryLiveValueIntact() throws IOException {
    FileSpillStore store = open(true);

    Map<String, byte[]> model = churn(store, 3_000, 2);

    assertHolds(store, model);
    assertThat(store.stats().compactedFiles()).isPositive();
  }

  @Test
  void compactNow_copiesTheLiveRecordsKeepingTheirSequenceAndDeletesTheFile() throws IOException {
    FileSpillStore store = open(false);
    for (int i = 0; i < 6; i++) {
      store.write("k" + i, ByteBuffer.wrap(bytes(10_000, i)));
    }
    Path first = store.logFiles().get(0);
    List<RecordFormat.Header> before = LogScanner.scan(first, 1).records();
    store.rollLogFile();
    for (int i = 0; i < 4; i++) {
      store.delete("k" + i);
    }

    assertThat(store.compactNow()).isEqualTo(1);

    assertThat(first).doesNotExist();
    Path second = store.logFiles().get(0);
    assertThat(second.getFileName().toString()).isEqualTo("log-0000000002.log");
    List<RecordFormat.Header> after = LogScanner.scan(second, 2).records();
    assertThat(after).extracting(RecordFormat.Header::key).containsExactly("k4", "k5");
    assertThat(after).extracting(RecordFormat.Header::sequence)
        .containsExactly(before.get(4).sequence(), before.get(5).sequence());
    assertThat(store.read("k4")).isEqualTo(bytes(10_000, 4));
    assertThat(store.read("k5")).isEqualTo(bytes(10_000, 5));
    assertThat(store.compactNow()).as("nothing left to compact").isZero();
  }

  @Test
  void compactNow_leavesFilesAtOrAboveTheThreshold() throws IOException {
    FileSpillStore store = open(false);
    for (int i = 0; i < 6; i++) {
      store.write("k" + i, ByteBuffer.wrap(bytes(10_000, i)));
    }
    store.rollLogFile();
    for (int i = 0; i < 3; i++) {
      store.delete("k" + i); // exactly half live: not below the threshold
    }

    assertThat(store.compactNow()).isZero();
    assertThat(store.stats().compactionBytes()).isZero();
  }

  @Test
  void compactNow_whileReadersHoldChannels_keepsTheirBytesAndDeletesTheFileAfterTheLastReader() throws IOException {
    FileSpillStore store = open(false);
    for (int i = 0; i < 6; i++) {
      store.write("k" + i, ByteBuffer.wrap(bytes(10_000, i)));
    }
    Path first = store.logFiles().get(0);
    store.rollLogFile();
    for (int i = 0; i < 4; i++) {
      store.delete("k" + i);
    }
    SeekableByteChannel moved = store.openRead("k4");
    SeekableByteChannel deleted = store.openRead("k5");
    moved.position(1_000);
    store.delete("k5");

    store.compactNow();

    assertThat(store.placement("k4").file()).isNotEqualTo(first);
    assertThat(first).as("compacted file while two readers have it open").exists();
    assertThat(readAll(moved)).isEqualTo(java.util.Arrays.copyOfRange(bytes(10_000, 4), 1_000, 10_000));
    moved.close();
    assertThat(first).as("compacted file while one reader has it open").exists();
    assertThat(readAll(deleted)).isEqualTo(bytes(10_000, 5));
    deleted.close();
    assertThat(first).as("compacted file after its last reader").doesNotExist();
    assertThat(store.read("k4")).isEqualTo(bytes(10_000, 4));
    assertThatThrownBy(() -> store.read("k5")).isInstanceOf(NoSuchFileException.class);
  }

  /**
   * Writes k0 to k7 (7,000 B each) into the first log file, seals it and deletes k0 to k4, so that 3 of its 8
   * records are live: below the threshold. Returns that file.
   */
  private static Path threeOfEightLive(FileSpillStore store) throws IOException {
    for (int i = 0; i < 8; i++) {
      store.write("k" + i, ByteBuffer.wrap(bytes(7_000, i)));
    }
    Path first = store.logFiles().get(0);
    store.rollLogFile();
    for (int i = 0; i < 5; i++) {
      store.delete("k" + i);
    }
    return first;
  }

  @Test
  void compactNow_updateOrDeleteDuringACopy_isNeverUndone() throws IOException {
    FileSpillStore store = open(false);
    Path first = threeOfEightLive(store);
    byte[] replacement = bytes(777, 99);
    List<String> copied = new ArrayList<>();
    store.afterCompactionCopy(key -> {
      copied.add(key);
      try {
        if (key.equals("k5")) {
          store.write("k5", ByteBuffer.wrap(replacement)); // copied, then replaced before the copy is published
        } else if (key.equals("k6")) {
          store.delete("k6"); // copied, then deleted
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });

    assertThat(store.compactNow()).isEqualTo(1);

    assertThat(copied).containsExactly("k5", "k6", "k7");
    assertThat(store.read("k5")).isEqualTo(replacement);
    assertThatThrownBy(() -> store.read("k6")).isInstanceOf(NoSuchFileException.class);
    assertThat(store.read("k7")).isEqualTo(bytes(7_000, 7));
    assertThat(store.list()).containsExactlyInAnyOrder("k5", "k7");
    assertThat(store.usage()).isEqualTo(777 + 7_000);
    FileSpillStore.Stats stats = store.stats();
    assertThat(stats.deadOnArrivalBytes()).isEqualTo(2 * RecordFormat.recordBytes(2, 7_000));
    assertThat(stats.liveRecordBytes())
        .isEqualTo(RecordFormat.recordBytes(2, 777) + RecordFormat.recordBytes(2, 7_000));
    assertThat(first).doesNotExist();
  }

  @Test
  void compactNow_whileADeleteIsBetweenTheIndexAndTheAccounting_leavesTheFileForLater_andWarnsOfNothing()
      throws IOException {
    FileSpillStore store = open(false);
    Path first = threeOfEightLive(store);
    List<LogRecord> warnings = new ArrayList<>();
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
          warnings.add(record);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger logger = Logger.getLogger(FileSpillStoreProvider.class.getName());
    logger.addHandler(handler);
    List<Integer> compactedDuringTheDelete = new ArrayList<>();
    try {
      // k7 is out of the index but its bytes still count live: compaction must not take them for lost ones.
      store.afterIndexRemoval(key -> {
        try {
          compactedDuringTheDelete.add(store.compactNow());
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      assertThat(store.delete("k7")).isTrue();
      store.afterIndexRemoval(null);
    } finally {
      logger.removeHandler(handler);
    }

    assertThat(compactedDuringTheDelete).as("a file with a removal in flight waits").containsExactly(0);
    assertThat(warnings).extracting(LogRecord::getMessage).isEmpty();
    assertThat(first).as("k5 and k6 still there").exists();
    assertThat(store.compactNow()).as("then it is compacted as any other").isEqualTo(1);
    assertThat(first).doesNotExist();
    assertThat(store.read("k5")).isEqualTo(bytes(7_000, 5));
    assertThat(store.read("k6")).isEqualTo(bytes(7_000, 6));
    assertThat(store.list()).containsExactlyInAnyOrder("k5", "k6");
    assertThat(store.stats().liveRecordBytes()).isEqualTo(2 * RecordFormat.recordBytes(2, 7_000));
  }

  @Test
  void compactNow_headerThatFailsItsCheck_leavesTheFileAloneAndEveryValueReadable() throws IOException {
    FileSpillStore store = open(false);
    for (int i = 0; i < 6; i++) {
      store.write("k" + i, ByteBuffer.wrap(bytes(10_000, i)));
    }
    Path first = store.logFiles().get(0);
    store.rollLogFile();
    store.delete("k0");
    store.delete("k1");
    store.delete("k3");
    store.delete("k5");
    // Damage k4's header on disk: its key length field, so that the checksum fails.
    long k4Header = store.placement("k4").valueOffset() - RecordFormat.HEADER_BYTES - 2;
    try (FileChannel channel = FileChannel.open(first, StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(new byte[] {9}), k4Header + 6);
    }

    assertThat(store.compactNow()).isZero();

    assertThat(first).exists();
    assertThat(store.placement("k2").file()).as("moved before the damage was found").isNotEqualTo(first);
    assertThat(store.placement("k4").file()).isEqualTo(first);
    assertThat(store.read("k2")).isEqualTo(bytes(10_000, 2));
    assertThat(store.read("k4")).as("the value itself is intact").isEqualTo(bytes(10_000, 4));
    store.delete("k2");
    assertThat(store.compactNow()).as("the damaged file is not tried again").isZero();
    assertThat(store.stats().compactionFailures()).isZero();
  }

  @Test
  void compactNow_afterClose_isRefused() throws IOException {
    FileSpillStore store = open(false);
    store.write("k", ByteBuffer.wrap(bytes(100, 1)));
    Path dir = store.sessionDir();

    store.close();

    assertThat(dir).doesNotExist();
    assertThatThrownBy(store::compactNow).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void steadyChurn_ofFixedSizeValues_usesAtMostOneAndAHalfTimesTheLiveBytes() throws IOException {
    FileSpillStore store = open(false);
    int keys = 200;
    int valueBytes = 4_096;
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < keys; i++) {
      store.write("k" + i, ByteBuffer.wrap(bytes(valueBytes, i)));
    }
    double sum = 0;
    int samples = 0;
    for (int step = 0; step < 40_000; step++) {
      store.write("k" + random.nextInt(keys), ByteBuffer.wrap(bytes(valueBytes, step)));
      if (step % 10 == 0) {
        store.compactNow();
      }
      if (step >= 10_000 && step % 100 == 0) {
        FileSpillStore.Stats stats = store.stats();
        sum += stats.diskBytes() / (double) stats.liveRecordBytes();
        samples++;
      }
    }
    FileSpillStore.Stats stats = store.stats();
    double space = sum / samples;
    // Live 200 x 4 KiB = 800 KiB in 64 KiB files; the average space and the writes are the expected ones for
    // uniform random overwrites with a 50% threshold: about 1/0.72 and under 2.
    assertThat(space).as("mean disk bytes per live byte in steady state, %s", stats).isLessThanOrEqualTo(1.5);
    double recordAmplification = (stats.appendedBytes() + stats.compactionBytes()) / (double) stats.appendedBytes();
    assertThat(recordAmplification).as("record bytes written per record byte appended, %s", stats)
        .isLessThanOrEqualTo(2.0);
    System.out.printf("steady churn: space %.3f x live, write amplification %.3f (values), %.3f (records)%n",
        space, stats.writeAmplification(), recordAmplification);
  }

  @Test
  void write_findingMoreThanAFileOfDeadBytesWaiting_compactsOneFileItself() throws IOException {
    FileSpillStore store = open(false);
    // Two full files of six records each, then five of six records of each deleted: both are eligible, and together
    // they hold about 100 KB of dead bytes waiting, more than one 64 KiB log file.
    for (int i = 0; i < 12; i++) {
      store.write("k" + i, ByteBuffer.wrap(bytes(10_000, i)));
      if (i % 6 == 5) {
        store.rollLogFile();
      }
    }
    List<Path> full = store.logFiles().stream().sorted().toList();
    for (int i = 0; i < 12; i++) {
      if (i % 6 != 0) {
        store.delete("k" + i);
      }
    }
    assertThat(store.stats().compactedFiles()).isZero();

    store.write("new", ByteBuffer.wrap(bytes(100, 99)));

    FileSpillStore.Stats stats = store.stats();
    assertThat(stats.compactionAssists()).isEqualTo(1);
    assertThat(stats.compactedFiles()).isEqualTo(1);
    assertThat(full.stream().filter(Files::exists).count()).as("full files left").isEqualTo(1);
    for (int i = 0; i < 12; i += 6) {
      assertThat(store.read("k" + i)).isEqualTo(bytes(10_000, i));
    }
    assertThat(store.read("new")).isEqualTo(bytes(100, 99));

    store.write("again", ByteBuffer.wrap(bytes(100, 98)));
    assertThat(store.stats().compactionAssists()).as("under one file of dead bytes left: no more help")
        .isEqualTo(1);
  }

  @Test
  void settings_ownFileValues_areNeverCompacted() throws IOException {
    FileStoreSettings settings = new FileStoreSettings(LOG_FILE_SIZE, 50_000, THRESHOLD, false);
    FileSpillStore store = FileSpillStore.open(tempDir.resolve("own"), settings, false);
    stores.add(store);
    store.write("big", ByteBuffer.wrap(bytes(60_000, 1)));
    Path own = store.placement("big").file();

    assertThat(store.compactNow()).isZero();
    assertThat(store.placement("big").file()).isEqualTo(own);
    assertThat(Files.size(own)).isEqualTo(RecordFormat.recordBytes(3, 60_000));
  }
}
