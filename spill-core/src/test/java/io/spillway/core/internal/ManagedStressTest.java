package io.spillway.core.internal;

import static io.spillway.core.testing.BytesCodec.matches;
import static io.spillway.core.testing.BytesCodec.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spillway.api.AlreadySpilledException;
import io.spillway.api.SegmentHandle;
import io.spillway.api.SegmentInfo;
import io.spillway.api.SegmentNotFoundException;
import io.spillway.api.SegmentPin;
import io.spillway.api.SpillBudgetExceededException;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillMode;
import io.spillway.api.SpillStats;
import io.spillway.core.SpillFrames;
import io.spillway.core.Spillway;
import io.spillway.core.testing.BytesCodec;
import io.spillway.core.testing.InMemorySpillStore;
import io.spillway.core.testing.InMemorySpillStoreProvider;
import io.spillway.core.testing.RecordingPolicyProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Eight threads run a random mix of every operation, managed and manual, on one manager; once they and the spiller
 * are quiet, the accounting is exact, the store holds exactly the spilled segments, nothing is pinned or in flight,
 * every live handle gives back its last value, and the policy was never called concurrently nor told of an
 * impossible transition.
 */
class ManagedStressTest {
  private static final int THREADS = 8;
  private static final int OPERATIONS = 600;
  private static final int HANDLES = 5;

  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(SpillMode.class)
  void randomOperations_fromEightThreads_keepEveryInvariant(SpillMode mode) throws Exception {
    String id = UUID.randomUUID().toString();
    ThreadPoolExecutor spillPool = (ThreadPoolExecutor) Executors.newFixedThreadPool(3);
    SpillConfig config = SpillConfig.builder().maxMemory(200_000).spillThreshold(0.5).targetAfterSpill(0.25)
        .minSpillSize(100).maxBlock(Duration.ofSeconds(2)).spillMode(mode).spillExecutor(spillPool)
        .store(InMemorySpillStoreProvider.NAME).policy(RecordingPolicyProvider.NAME).spillDir(tmp)
        .option(InMemorySpillStore.ID_OPTION, id).option(RecordingPolicyProvider.ID_OPTION, id).build();
    AtomicInteger budgetRefusals = new AtomicInteger();
    try (SpillManager manager = Spillway.newManager(config)) {
      List<Worker> workers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        workers.add(new Worker(manager, t, budgetRefusals));
      }
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> running = new ArrayList<>();
      try {
        for (Worker worker : workers) {
          running.add(pool.submit(() -> {
            start.await();
            worker.run();
            return null;
          }));
        }
        start.countDown();
        for (Future<?> future : running) {
          future.get(90, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      }
      for (Worker worker : workers) {
        worker.releasePins();
      }
      // Quiescence: no caller left, and the spiller (the only task that can still start I/O) has finished.
      await().atMost(Duration.ofSeconds(30)).until(() -> spillPool.getActiveCount() == 0
          && spillPool.getQueue().isEmpty() && manager.stats().bytesInFlight() == 0);

      List<SegmentInfo> segments = manager.listSegments();
      long resident = segments.stream().filter(s -> !s.spilled()).mapToLong(SegmentInfo::size).sum();
      Set<String> spilled = new TreeSet<>();
      segments.stream().filter(SegmentInfo::spilled).forEach(s -> spilled.add(s.name()));
      SpillStats stats = manager.stats();
      assertThat(manager.memoryUsage()).isEqualTo(resident);
      // The store holds every spilled value, and beside them only clean copies: resident managed values reloaded and
      // not set since, whose stored frame is exactly their current value.
      InMemorySpillStore session = InMemorySpillStore.session(id);
      Set<String> clean = new TreeSet<>(session.keys());
      assertThat(clean).containsAll(spilled);
      clean.removeAll(spilled);
      for (Worker worker : workers) {
        worker.checkCleanCopies(clean, session);
      }
      assertThat(clean).as("stored copies of no resident managed value").isEmpty();
      assertThat(stats.spilledCount()).isEqualTo(spilled.size());
      assertThat(stats.pinnedBytes()).isZero();
      assertThat(stats.bytesInFlight()).isZero();
      assertThat(stats.spillOperations()).isPositive();
      assertThat(stats.reloadOperations()).isPositive();
      for (Worker worker : workers) {
        worker.checkEveryHandle();
      }
      assertThat(RecordingPolicyProvider.session(id).violations()).isEmpty();
    } finally {
      spillPool.shutdownNow();
      assertThat(spillPool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    // The budget is roomy enough that refusals are rare; many would mean the waits do not work.
    assertThat(budgetRefusals.get()).isLessThan(THREADS * OPERATIONS / 20);
  }

  /** One thread's handles and expectations; only it sets or closes its handles. */
  private static final class Worker {
    private final SpillManager manager;
    private final int thread;
    private final AtomicInteger budgetRefusals;
    private final Random random;
    private final Map<String, SegmentHandle<byte[]>> handles = new HashMap<>();
    private final Map<String, String> tags = new HashMap<>();
    private final Map<String, Integer> lengths = new HashMap<>();
    private final List<SegmentPin> pins = new ArrayList<>();

    Worker(SpillManager manager, int thread, AtomicInteger budgetRefusals) {
      this.manager = manager;
      this.thread = thread;
      this.budgetRefusals = budgetRefusals;
      this.random = new Random(thread * 7919L + 17);
    }

    void run() throws Exception {
      for (int i = 0; i < OPERATIONS; i++) {
        try {
          step(i);
        } catch (SpillBudgetExceededException e) {
          budgetRefusals.incrementAndGet();
        } catch (SegmentNotFoundException | AlreadySpilledException e) {
          // A manual segment of this thread was unregistered or spilled first; expected.
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof SpillBudgetExceededException) {
            budgetRefusals.incrementAndGet();
          } else if (!(cause instanceof SegmentNotFoundException || cause instanceof AlreadySpilledException)) {
            throw e;
          }
        }
      }
    }

    private void step(int i) throws Exception {
      String own = "t" + thread + "-h" + random.nextInt(HANDLES);
      String manual = "t" + thread + "-m" + random.nextInt(3);
      SegmentHandle<byte[]> handle = handles.get(own);
      switch (random.nextInt(15)) {
        case 0:
        case 1: {
          String tag = own + "#" + i;
          int length = 100 + random.nextInt(7_900);
          handles.put(own, manager.put(own, value(tag, length), BytesCodec.INSTANCE));
          tags.put(own, tag);
          lengths.put(own, length);
          break;
        }
        case 2:
        case 3:
          if (handle != null) {
            check(own, handle.get());
          }
          break;
        case 4:
          if (handle != null) {
            String tag = own + "@" + i;
            int length = 100 + random.nextInt(7_900);
            handle.set(value(tag, length));
            tags.put(own, tag);
            lengths.put(own, length);
          }
          break;
        case 5:
          if (handle != null && pins.size() < 2) {
            pins.add(handle.pin());
          }
          break;
        case 6:
          if (!pins.isEmpty()) {
            SegmentPin pin = pins.remove(random.nextInt(pins.size()));
            pin.close();
            pin.close();
          }
          break;
        case 7:
          if (handle != null && random.nextInt(3) == 0) {
            handle.close();
            handles.remove(own);
            tags.remove(own);
            lengths.remove(own);
          }
          break;
        case 8:
          if (random.nextBoolean()) {
            manager.registerSegment(manual, random.nextInt(1_000));
          } else {
            manager.unregisterSegment(manual);
          }
          break;
        case 9:
          manager.spillAsync(manual, value(manual, 50)).get(30, TimeUnit.SECONDS);
          break;
        case 10: {
          Optional<byte[]> back = manager.reloadAsync(manual).get(30, TimeUnit.SECONDS);
          if (back.isPresent() && !matches(back.get(), manual, 50)) {
            throw new AssertionError("manual segment " + manual + " came back wrong");
          }
          break;
        }
        case 11:
          manager.prefetch("t" + random.nextInt(THREADS) + "-h" + random.nextInt(HANDLES), own)
              .get(30, TimeUnit.SECONDS);
          break;
        case 12:
          if (handle != null) {
            check(own, handle.getAsync().get(30, TimeUnit.SECONDS));
          }
          break;
        case 13:
          manager.access("t" + random.nextInt(THREADS) + "-h" + random.nextInt(HANDLES));
          manager.needsSpill();
          break;
        default:
          manager.stats();
          manager.listSegments();
          break;
      }
    }

    /** Checks and removes from {@code clean} the copies of this worker's handles: each its value's frame. */
    void checkCleanCopies(Set<String> clean, InMemorySpillStore session) {
      for (String name : handles.keySet()) {
        if (clean.remove(name)) {
          check(name, SpillFrames.decode(session.raw(name)));
        }
      }
    }

    private void check(String name, byte[] bytes) {
      if (!matches(bytes, tags.get(name), lengths.get(name))) {
        throw new AssertionError(name + " did not give back its last value " + tags.get(name));
      }
    }

    void releasePins() {
      pins.forEach(SegmentPin::close);
      pins.clear();
    }

    void checkEveryHandle() {
      for (Map.Entry<String, SegmentHandle<byte[]>> entry : handles.entrySet()) {
        check(entry.getKey(), entry.getValue().get());
      }
    }
  }
}
