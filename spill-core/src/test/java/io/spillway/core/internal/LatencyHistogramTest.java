package io.spillway.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.spillway.api.LatencySummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

  @Test
  void summary_ofNothing_isEmpty() {
    assertThat(new LatencyHistogram().summary()).isEqualTo(LatencySummary.EMPTY);
  }

  @Test
  void summary_ofOneValue_isWithinOnePercentOfIt_overTheWholeRange() {
    Random random = new Random(42);
    for (int i = 0; i < 10_000; i++) {
      long value = (long) Math.pow(10, random.nextDouble() * 13); // 1 ns to about 3 hours
      LatencyHistogram histogram = new LatencyHistogram();
      histogram.record(value);

      LatencySummary summary = histogram.summary();

      assertThat(summary.count()).isEqualTo(1);
      assertThat(summary.max().toNanos()).isEqualTo(value);
      assertThat((double) summary.p50().toNanos()).isCloseTo(value, within(value * 0.01 + 0.5));
    }
  }

  @Test
  void bucketIndex_growsWithTheValue_andStaysInRange() {
    int previous = -1;
    for (long value = 0; value < 1L << 20; value += 1 + value / 100) {
      int index = LatencyHistogram.index(value);
      assertThat(index).isGreaterThanOrEqualTo(previous).isLessThan(LatencyHistogram.BUCKETS);
      previous = index;
    }
    assertThat(LatencyHistogram.index(Long.MAX_VALUE)).isEqualTo(LatencyHistogram.BUCKETS - 1);
    assertThat(LatencyHistogram.index(63)).isEqualTo(63);
    assertThat(LatencyHistogram.midpoint(LatencyHistogram.index(1000))).isCloseTo(1000, within(8L));
  }

  @Test
  void percentiles_ofAUniformSpread_areWithinTwoPercent() {
    LatencyHistogram histogram = new LatencyHistogram();
    for (long v = 1; v <= 100_000; v++) {
      histogram.record(v * 1000);
    }

    LatencySummary summary = histogram.summary();

    assertThat(summary.count()).isEqualTo(100_000);
    assertThat((double) summary.p50().toNanos()).isCloseTo(50_000_000, within(1_000_000.0));
    assertThat((double) summary.p90().toNanos()).isCloseTo(90_000_000, within(1_800_000.0));
    assertThat((double) summary.p99().toNanos()).isCloseTo(99_000_000, within(1_980_000.0));
    assertThat(summary.max()).isEqualTo(Duration.ofNanos(100_000_000));
    assertThat(summary.total()).isEqualTo(Duration.ofNanos(1000L * 100_000 * 100_001 / 2));
  }

  @Test
  void record_fromManyThreads_losesNothing() throws Exception {
    LatencyHistogram histogram = new LatencyHistogram();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> workers = new ArrayList<>();
    try {
      for (int t = 0; t < 4; t++) {
        int thread = t;
        workers.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 25_000; i++) {
            histogram.record(1 + (i * 7919L + thread) % 5_000);
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> worker : workers) {
        worker.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    LatencySummary summary = histogram.summary();
    assertThat(summary.count()).isEqualTo(100_000);
    assertThat(summary.max().toNanos()).isLessThanOrEqualTo(5_000);
    assertThat(summary.p50()).isLessThanOrEqualTo(summary.p90());
    assertThat(summary.p90()).isLessThanOrEqualTo(summary.p99());
    assertThat(summary.p99()).isLessThanOrEqualTo(summary.max());
  }
}
