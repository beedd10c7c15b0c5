package io.spillway.core.internal;

import static io.spillway.core.testing.BytesCodec.matches;
import static io.spillway.core.testing.BytesCodec.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.SegmentHandle;
import io.spillway.api.SegmentPin;
import io.spillway.api.SpillBudgetExceededException;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillMode;
import io.spillway.api.SpillStats;
import io.spillway.api.spi.SpillStore;
import io.spillway.api.spi.SpillStoreProvider;
import io.spillway.core.SpillFrames;
import io.spillway.core.Spillway;
import io.spillway.core.testing.BytesCodec;
import io.spillway.core.testing.InMemorySpillStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Defaults that work for managed values of any size (issue 16, part 4), and what a refusal says. */
class ManagedDefaultsTest {
  private static final int BUDGET = 16 << 20;
  private static final int VALUE = 64 << 10;
  private static final int VALUES = 4 * BUDGET / VALUE;
  private static final int THREADS = 4;

  @TempDir Path tmp;

  @Test
  void valuesOf64KiB_fourTimesTheBudget_withDefaultSettings_comeBackCorrectFromSeveralThreads() throws Exception {
    // Defaults but the budget and the folder: the file store, the default policy, background spilling.
    SpillConfig config = SpillConfig.builder().maxMemory(BUDGET).spillDir(tmp).build();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    AtomicBoolean done = new AtomicBoolean();
    AtomicLong highest = new AtomicLong();
    try (SpillManager manager = Spillway.newManager(config)) {
      Thread sampler = new Thread(() -> {
        while (!done.get()) {
          highest.accumulateAndGet(manager.memoryUsage(), Math::max);
          Thread.onSpinWait();
        }
      });
      sampler.start();
      AtomicReferenceArray<SegmentHandle<byte[]>> handles = new AtomicReferenceArray<>(VALUES);
      List<Future<?>> loads = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int first = t;
        loads.add(pool.submit(() -> {
          for (int i = first; i < VALUES; i += THREADS) {
            handles.set(i, manager.put("value-" + i, value("value-" + i, VALUE), BytesCodec.INSTANCE));
          }
          return null;
        }));
      }
      for (Future<?> load : loads) {
        load.get(120, TimeUnit.SECONDS);
      }
      List<Future<?>> reads = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        long seed = t;
        reads.add(pool.submit(() -> {
          List<Integer> order = new ArrayList<>();
          for (int i = 0; i < VALUES; i++) {
            order.add(i);
          }
          Collections.shuffle(order, new Random(seed));
          for (int pass = 0; pass < 2; pass++) {
            for (int i : order) {
              if (!matches(handles.get(i).get(), "value-" + i, VALUE)) {
                throw new AssertionError("value-" + i + " came back wrong");
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> read : reads) {
        read.get(300, TimeUnit.SECONDS);
      }
      done.set(true);
      sampler.join();

      SpillStats stats = manager.stats();
      assertThat(highest.get()).isPositive().isLessThanOrEqualTo(BUDGET);
      assertThat(stats.segmentCount()).isEqualTo(VALUES);
      assertThat(stats.spillFailures()).isZero();
      assertThat(stats.reloadFailures()).isZero();
      assertThat(stats.reloadOperations()).isGreaterThan(VALUES);
      // Values read again after their reload were evicted without being written again.
      assertThat(stats.cleanEvictions()).isPositive();
      assertThat(stats.spillOperations()).isLessThan(stats.reloadOperations() + stats.spilledCount());
    } finally {
      done.set(true);
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  private DefaultSpillManager manager(InMemorySpillStore store, SpillConfig.Builder settings) {
    SpillConfig config = settings.maxMemory(1000).maxBlock(Duration.ofMillis(200)).spillDir(tmp)
        .spillMode(SpillMode.SYNCHRONOUS).build();
    return new DefaultSpillManager(config, new CleanCopiesTest.FifoPolicy(), store, "test",
        SpillFrames.create(config));
  }

  @Test
  void aRefusal_namesThePinnedBytesAndTheManualSegments() {
    try (DefaultSpillManager manager = manager(new InMemorySpillStore(), SpillConfig.builder())) {
      manager.registerSegment("manual", 300);
      SegmentHandle<byte[]> a = manager.put("a", value("a", 500), BytesCodec.INSTANCE);
      SegmentPin pin = a.pin();

      assertThatThrownBy(() -> manager.put("b", value("b", 400), BytesCodec.INSTANCE))
          .isInstanceOfSatisfying(SpillBudgetExceededException.class, e -> {
            assertThat(e.segment()).isEqualTo("b");
            assertThat(e.pinnedBytes()).isEqualTo(500);
            assertThat(e.getMessage()).contains("800 bytes in use, 500 of them pinned")
                .contains("300 in manual segments");
          });
      pin.close();
    }
  }

  @Test
  void aRefusal_namesTheValuesTooSmallToSpill() {
    try (DefaultSpillManager manager = manager(new InMemorySpillStore(), SpillConfig.builder().minSpillSize(500))) {
      manager.put("a", value("a", 400), BytesCodec.INSTANCE);
      manager.put("b", value("b", 400), BytesCodec.INSTANCE);

      assertThatThrownBy(() -> manager.put("c", value("c", 400), BytesCodec.INSTANCE))
          .isInstanceOf(SpillBudgetExceededException.class)
          .hasMessageContaining("800 in managed values under minSpillSize (500 bytes)");
    }
  }

  @Test
  void aRefusal_namesTheFailingStore_andTheValuesStayIntact() {
    InMemorySpillStore store = new InMemorySpillStore();
    try (DefaultSpillManager manager = manager(store, SpillConfig.builder())) {
      SegmentHandle<byte[]> a = manager.put("a", value("a", 400), BytesCodec.INSTANCE);
      SegmentHandle<byte[]> b = manager.put("b", value("b", 400), BytesCodec.INSTANCE);
      store.failWrites(key -> true);

      assertThatThrownBy(() -> manager.put("c", value("c", 400), BytesCodec.INSTANCE))
          .isInstanceOf(SpillBudgetExceededException.class)
          .hasMessageContaining("failed spills so far (the latest: ")
          .hasMessageContaining("'a'");
      assertThat(matches(a.get(), "a", 400)).isTrue();
      assertThat(matches(b.get(), "b", 400)).isTrue();
      assertThat(manager.memoryUsage()).isEqualTo(800);
    }
  }

  @Test
  void ioThreads_setInTheConfigWin_elseTheStoreProvidersDefaultWithinOneTo64() {
    int processors = Runtime.getRuntime().availableProcessors();
    SpillStoreProvider asksFor = new FixedIoThreadsProvider(3);

    assertThat(DefaultSpillManager.ioThreads(SpillConfig.builder().ioThreads(5).build(), asksFor)).isEqualTo(5);
    assertThat(DefaultSpillManager.ioThreads(SpillConfig.defaults(), asksFor)).isEqualTo(3);
    assertThat(DefaultSpillManager.ioThreads(SpillConfig.defaults(), new FixedIoThreadsProvider(0))).isEqualTo(1);
    assertThat(DefaultSpillManager.ioThreads(SpillConfig.defaults(), new FixedIoThreadsProvider(1_000)))
        .isEqualTo(64);
    assertThat(DefaultSpillManager.ioThreads(SpillConfig.defaults(), null))
        .isEqualTo(Math.max(2, Math.min(8, processors)));
  }

  /** A provider whose only answer of interest is its default I/O threads. */
  private static final class FixedIoThreadsProvider implements SpillStoreProvider {
    private final int ioThreads;

    FixedIoThreadsProvider(int ioThreads) {
      this.ioThreads = ioThreads;
    }

    @Override
    public String name() {
      return "fixed";
    }

    @Override
    public int defaultIoThreads(int processors) {
      return ioThreads;
    }

    @Override
    public SpillStore create(SpillConfig config) {
      return new InMemorySpillStore();
    }
  }
}
