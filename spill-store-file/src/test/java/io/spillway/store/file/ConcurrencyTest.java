package io.spillway.store.file;

import static io.spillway.store.file.FileSpillStoreTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many threads writing, reading and deleting their own keys in one store while compaction runs beside them, in
 * small log files so that files fill, seal and are compacted all the time.
 */
class ConcurrencyTest {
  private static final int THREADS = 6;
  private static final int KEYS_PER_THREAD = 40;

  @TempDir
  Path tempDir;

  private final List<FileSpillStore> stores = new ArrayList<>();
  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS + 2);

  @AfterEach
  void tearDown() throws Exception {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(1, TimeUnit.MINUTES)).as("worker threads ended").isTrue();
    for (FileSpillStore store : stores) {
      store.close();
    }
  }

  private FileSpillStore open(boolean background) throws IOException {
    FileStoreSettings settings = new FileStoreSettings(64 * 1024, 48 * 1024, 0.5, false);
    FileSpillStore store = FileSpillStore.open(tempDir.resolve("spill"), settings, background);
    stores.add(store);
    return store;
  }

  /** One thread's work over its own keys; reads check its own last write. Returns what it left. */
  private static Callable<Map<String, byte[]>> worker(FileSpillStore store, int thread, int operations,
      CountDownLatch start) {
    return () -> {
      start.await();
      Map<String, byte[]> model = new HashMap<>();
      SplittableRandom random = new SplittableRandom(thread * 7919L);
      for (int op = 0; op < operations; op++) {
        String key = "t" + thread + "/k" + random.nextInt(KEYS_PER_THREAD);
        int action = random.nextInt(10);
        if (action < 5) {
          // Up to 60 KiB: some values above the 48 KiB own-file threshold, most packed.
          byte[] value = bytes(random.nextInt(0, 60_000), random.nextLong());
          int split = value.length / 3;
          store.write(key, ByteBuffer.wrap(value, 0, split), ByteBuffer.wrap(value, split, value.length - split));
          model.put(key, value);
        } else if (action < 7) {
          assertThat(store.delete(key)).as("delete %s", key).isEqualTo(model.remove(key) != null);
        } else {
          byte[] expected = model.get(key);
          if (expected == null) {
            assertThatThrownBy(() -> store.read(key)).isInstanceOf(NoSuchFileException.class);
          } else {
            assertThat(store.read(key)).as("%s after op %d", key, op).isEqualTo(expected);
          }
        }
      }
      return model;
    };
  }

  private void runWorkers(FileSpillStore store, int operations, AtomicBoolean done,
      Map<String, byte[]> expected) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Map<String, byte[]>>> results = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      results.add(pool.submit(worker(store, t, operations, start)));
    }
    start.countDown();
    try {
      for (Future<Map<String, byte[]>> result : results) {
        expected.putAll(result.get(3, TimeUnit.MINUTES));
      }
    } finally {
      done.set(true);
    }
  }

  private static void assertHolds(FileSpillStore store, Map<String, byte[]> expected) throws IOException {
    assertThat(store.list()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    long total = 0;
    for (Map.Entry<String, byte[]> entry : expected.entrySet()) {
      assertThat(store.read(entry.getKey())).as(entry.getKey()).isEqualTo(entry.getValue());
      total += entry.getValue().length;
    }
    assertThat(store.usage()).isEqualTo(total);
    long records = 0;
    for (Map.Entry<String, byte[]> entry : expected.entrySet()) {
      records += RecordFormat.recordBytes(entry.getKey().length(), entry.getValue().length);
    }
    assertThat(store.stats().liveRecordBytes()).as("live bytes in the files").isEqualTo(records);
  }

  @Test
  void workers_withACompactingThreadBeside_keepEveryValueAndExactAccounting() throws Exception {
    FileSpillStore store = open(false);
    AtomicBoolean done = new AtomicBoolean();
    Future<Integer> compacting = pool.submit(() -> {
      int compacted = 0;
      while (!done.get()) {
        compacted += store.compactNow();
      }
      return compacted;
    });
    Map<String, byte[]> expected = new HashMap<>();

    runWorkers(store, 3_000, done, expected);

    assertThat(compacting.get(1, TimeUnit.MINUTES)).as("files compacted while the workers ran").isPositive();
    store.compactNow();
    assertHolds(store, expected);
    FileSpillStore.Stats stats = store.stats();
    assertThat(stats.diskBytes()).as("disk bytes after compaction, %s", stats)
        .isLessThanOrEqualTo(2 * stats.liveRecordBytes() + 2 * (64 * 1024 + 60_000 + 100));
  }

  @Test
  void workers_withBackgroundCompaction_keepEveryValueAndExactAccounting() throws Exception {
    FileSpillStore store = open(true);
    Map<String, byte[]> expected = new HashMap<>();

    runWorkers(store, 3_000, new AtomicBoolean(), expected);

    assertHolds(store, expected);
  }

  @Test
  void readers_ofValuesThatNeverChange_alwaysGetThemWhileEverythingAroundIsRewrittenAndCompacted()
      throws Exception {
    FileSpillStore store = open(false);
    Map<String, byte[]> fixed = new HashMap<>();
    // Each fixed value beside a larger filler that goes: every file of fixed values is under half live.
    for (int i = 0; i < 30; i++) {
      byte[] value = bytes(2_000 + i * 50, -i);
      store.write("fixed-" + i, ByteBuffer.wrap(value));
      fixed.put("fixed-" + i, value);
      store.write("filler-" + i, ByteBuffer.wrap(bytes(4_000, i)));
    }
    Map<String, FileSpillStore.Placement> original = new HashMap<>();
    for (int i = 0; i < 30; i++) {
      store.delete("filler-" + i);
      original.put("fixed-" + i, store.placement("fixed-" + i));
    }
    store.rollLogFile();
    AtomicBoolean done = new AtomicBoolean();
    List<Future<Integer>> readers = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      int reader = r;
      readers.add(pool.submit(() -> {
        int reads = 0;
        SplittableRandom random = new SplittableRandom(reader);
        while (!done.get()) {
          String key = "fixed-" + random.nextInt(30);
          assertThat(store.read(key)).as(key).isEqualTo(fixed.get(key));
          reads++;
        }
        return reads;
      }));
    }
    Future<Integer> compacting = pool.submit(() -> {
      int compacted = 0;
      while (!done.get()) {
        compacted += store.compactNow();
      }
      return compacted;
    });
    Map<String, byte[]> expected = new HashMap<>(fixed);

    runWorkers(store, 2_000, done, expected);

    for (Future<Integer> reader : readers) {
      assertThat(reader.get(1, TimeUnit.MINUTES)).isPositive();
    }
    compacting.get(1, TimeUnit.MINUTES);
    assertHolds(store, expected);
    assertThat(fixed.keySet()).allSatisfy(key ->
        assertThat(store.placement(key)).as("place of %s, moved by compaction", key).isNotEqualTo(original.get(key)));
  }
}
