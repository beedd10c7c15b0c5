package io.spillway.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.AlreadySpilledException;
import io.spillway.api.SegmentInfo;
import io.spillway.api.SegmentNotFoundException;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillStats;
import io.spillway.core.Spillway;
import io.spillway.core.testing.InMemorySpillStore;
import io.spillway.core.testing.InMemorySpillStoreProvider;
import io.spillway.core.testing.RecordingPolicyProvider;
import io.spillway.core.testing.StoredBytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Many threads on one manager, on their own segments and on shared ones; afterwards the accounting is exact, the
 * store holds exactly the spilled segments, every spilled copy reloads intact, and the policy was never called
 * concurrently nor told of an impossible transition.
 */
class DefaultSpillManagerConcurrencyTest {
  private static final int THREADS = 8;
  private static final int OPERATIONS = 3_000;

  private static final int ROUNDS = 5;

  @TempDir Path tmp;

  @ParameterizedTest
  @CsvSource({"coldness, memory", "recording, memory", "coldness, file"})
  void concurrentOperations_keepTheAccountingExact(String policy, String store) throws Exception {
    // Interleavings differ from run to run; a few rounds make a rare bad one likelier to show.
    for (int round = 0; round < ROUNDS; round++) {
      round(policy, store, round);
    }
  }

  private void round(String policy, String storeName, int round) throws Exception {
    String id = UUID.randomUUID().toString();
    Path spillDir = tmp.resolve("round-" + round);
    SpillConfig config = SpillConfig.builder().maxMemory(50_000).spillThreshold(0.5).targetAfterSpill(0.2)
        .minSpillSize(10).policy(policy).store(storeName).spillDir(spillDir)
        .option(InMemorySpillStore.ID_OPTION, id).option(RecordingPolicyProvider.ID_OPTION, id)
        .option(StoredBytes.OWN_FILES_OPTION, StoredBytes.OWN_FILES) // so that stored() counts the copies
        .build();
    try (SpillManager manager = Spillway.newManager(config)) {
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> workers = new ArrayList<>();
      try {
        for (int t = 0; t < THREADS; t++) {
          int thread = t;
          workers.add(pool.submit(() -> {
            start.await();
            hammer(manager, new Random(round * 104_729L + thread * 7919L), thread, OPERATIONS);
            return null;
          }));
        }
        start.countDown();
        for (Future<?> worker : workers) {
          worker.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      }

      List<SegmentInfo> segments = manager.listSegments();
      long resident = segments.stream().filter(s -> !s.spilled()).mapToLong(SegmentInfo::size).sum();
      Set<String> spilled = new TreeSet<>();
      segments.stream().filter(SegmentInfo::spilled).forEach(s -> spilled.add(s.name()));
      assertThat(manager.memoryUsage()).isEqualTo(resident);
      assertThat(stored(storeName, id, spillDir)).isEqualTo(spilled.size());
      if (storeName.equals(InMemorySpillStoreProvider.NAME)) {
        assertThat(InMemorySpillStore.session(id).keys()).isEqualTo(spilled);
      }
      SpillStats stats = manager.stats();
      assertThat(stats.segmentCount()).isEqualTo(segments.size());
      assertThat(stats.spilledCount()).isEqualTo(spilled.size());
      assertThat(stats.spillOperations() - stats.reloadOperations()).isGreaterThanOrEqualTo(spilled.size());

      for (String name : spilled) {
        assertThat(manager.reload(name)).hasValueSatisfying(bytes -> assertThat(isIntact(bytes)).isTrue());
      }
      long total = segments.stream().mapToLong(SegmentInfo::size).sum();
      assertThat(manager.memoryUsage()).isEqualTo(total);
      assertThat(stored(storeName, id, spillDir)).isZero();
      if (policy.equals(RecordingPolicyProvider.NAME)) {
        assertThat(RecordingPolicyProvider.session(id).violations()).isEmpty();
      }
    }
  }

  @org.junit.jupiter.api.Test
  void close_whileOtherThreadsWork_waitsForThemAndLeavesNoFiles() throws Exception {
    Path spillDir = tmp.resolve("closing");
    SpillConfig config = SpillConfig.builder().maxMemory(50_000).spillThreshold(0.5).targetAfterSpill(0.2)
        .minSpillSize(10).spillDir(spillDir).build();
    SpillManager manager = Spillway.newManager(config);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch progress = new CountDownLatch(THREADS * 200);
    List<Future<Throwable>> workers = new ArrayList<>();
    try {
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        workers.add(pool.submit(() -> {
          Random random = new Random(thread);
          for (int i = 0; i < 1_000_000; i++) {
            try {
              hammer(manager, random, thread, 1);
              progress.countDown();
            } catch (IllegalStateException closed) {
              return null;
            } catch (Throwable unexpected) {
              return unexpected;
            }
          }
          return new AssertionError("the manager was never closed");
        }));
      }
      assertThat(progress.await(60, TimeUnit.SECONDS)).isTrue();

      manager.close();

      for (Future<Throwable> worker : workers) {
        assertThat(worker.get(60, TimeUnit.SECONDS)).isNull();
      }
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    try (Stream<Path> files = Files.walk(spillDir)) {
      assertThat(files.filter(Files::isRegularFile)).isEmpty();
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(manager::memoryUsage)
        .isInstanceOf(IllegalStateException.class);
  }

  /** How many copies the store holds. */
  private static long stored(String storeName, String id, Path spillDir) throws IOException {
    if (storeName.equals(InMemorySpillStoreProvider.NAME)) {
      return InMemorySpillStore.session(id).keys().size();
    }
    try (Stream<Path> files = Files.walk(spillDir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".log")).count();
    }
  }

  private static void hammer(SpillManager manager, Random random, int thread, int operations) {
    for (int i = 0; i < operations; i++) {
      String name = random.nextBoolean() ? "shared-" + random.nextInt(4) : "t" + thread + "-" + random.nextInt(3);
      long size = random.nextInt(5_000);
      try {
        switch (random.nextInt(9)) {
          case 0:
            manager.registerSegment(name, size);
            break;
          case 1:
            manager.unregisterSegment(name);
            break;
          case 2:
            manager.updateSize(name, size);
            break;
          case 3:
          case 4:
            manager.access(name);
            break;
          case 5:
            manager.spill(name, payload(random));
            break;
          case 6: {
            Optional<byte[]> back = manager.reload(name);
            back.ifPresent(bytes -> {
              if (!isIntact(bytes)) {
                throw new AssertionError("reloaded bytes of " + name + " are not the ones spilled");
              }
            });
            break;
          }
          case 7:
            for (String victim : manager.needsSpill()) {
              manager.spill(victim, payload(random));
            }
            break;
          default:
            manager.stats();
            manager.listSegments();
            break;
        }
      } catch (SegmentNotFoundException | AlreadySpilledException expected) {
        // Another thread unregistered, re-registered or spilled the segment first.
      }
    }
  }

  /** A payload that can tell whether it came back intact: a seed byte, then bytes derived from it. */
  private static byte[] payload(Random random) {
    byte[] data = new byte[1 + random.nextInt(200)];
    data[0] = (byte) random.nextInt();
    for (int i = 1; i < data.length; i++) {
      data[i] = (byte) (data[0] * 31 + i);
    }
    return data;
  }

  private static boolean isIntact(byte[] data) {
    for (int i = 1; i < data.length; i++) {
      if (data[i] != (byte) (data[0] * 31 + i)) {
        return false;
      }
    }
    return data.length > 0;
  }
}
