package io.spillway.core.internal;

import static io.spillway.core.testing.BytesCodec.matches;
import static io.spillway.core.testing.BytesCodec.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.SegmentHandle;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillEvent;
import io.spillway.api.SpillListener;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillStats;
import io.spillway.core.Spillway;
import io.spillway.core.testing.BytesCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The done-when: a program puts four times more than the budget holds, reads everything back correct from
 * four threads, and never holds more than the budget plus one segment, as seen after every operation and by a
 * listener on every spill and reload.
 */
class ManagedBudgetTest {
  private static final long BUDGET = 8L << 20;
  private static final int VALUES = 64;
  private static final int SIZE = 512 << 10;
  private static final int THREADS = 4;
  private static final int GETS_PER_THREAD = 120;

  @TempDir Path tmp;

  @Test
  void valuesBeyondTheBudget_readBackFromFourThreads_neverPassTheBudgetPlusOneSegment() throws Exception {
    AtomicLong maxSeen = new AtomicLong();
    AtomicReference<SpillManager> current = new AtomicReference<>();
    SpillListener sampler = new SpillListener() {
      @Override
      public void onSpill(SpillEvent event) {
        sample(current.get(), maxSeen);
      }

      @Override
      public void onReload(SpillEvent event) {
        sample(current.get(), maxSeen);
      }
    };
    SpillConfig config = SpillConfig.builder().maxMemory(BUDGET).minSpillSize(64 << 10).spillDir(tmp).store("file")
        .listener(sampler).build();
    try (SpillManager manager = Spillway.newManager(config)) {
      current.set(manager);
      List<SegmentHandle<byte[]>> handles = new ArrayList<>();
      for (int i = 0; i < VALUES; i++) {
        handles.add(manager.put("value-" + i, value("value-" + i, SIZE), BytesCodec.INSTANCE));
        sample(manager, maxSeen);
      }

      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> readers = new ArrayList<>();
      try {
        for (int t = 0; t < THREADS; t++) {
          Random random = new Random(t);
          readers.add(pool.submit(() -> {
            start.await();
            for (int i = 0; i < GETS_PER_THREAD; i++) {
              int k = random.nextInt(VALUES);
              byte[] bytes = handles.get(k).get();
              sample(manager, maxSeen);
              if (!matches(bytes, "value-" + k, SIZE)) {
                throw new AssertionError("value-" + k + " came back wrong");
              }
            }
            return null;
          }));
        }
        start.countDown();
        for (Future<?> reader : readers) {
          reader.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      }

      assertThat(maxSeen.get()).isLessThanOrEqualTo(BUDGET + SIZE);
      // Stronger than asked: managed values are admitted only within the budget itself.
      assertThat(maxSeen.get()).isLessThanOrEqualTo(BUDGET);
      SpillStats stats = manager.stats();
      assertThat(stats.segmentCount()).isEqualTo(VALUES);
      assertThat(stats.spillOperations()).isGreaterThanOrEqualTo(VALUES - BUDGET / SIZE);
      assertThat(stats.reloadOperations()).isPositive();
      assertThat(stats.reloadFailures()).isZero();
      assertThat(stats.spillLatency().count()).isEqualTo(stats.spillOperations());
      for (int k = 0; k < VALUES; k++) {
        assertThat(matches(handles.get(k).get(), "value-" + k, SIZE)).isTrue();
      }
    }
    try (Stream<Path> files = Files.walk(tmp)) {
      assertThat(files.filter(Files::isRegularFile)).isEmpty();
    }
  }

  private static void sample(SpillManager manager, AtomicLong maxSeen) {
    if (manager == null) {
      return;
    }
    try {
      maxSeen.accumulateAndGet(manager.memoryUsage(), Math::max);
    } catch (IllegalStateException closed) {
      // A listener may hear of the last spill while the manager closes.
    }
  }
}
