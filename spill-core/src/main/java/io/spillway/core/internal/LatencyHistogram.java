package io.spillway.core.internal;

import io.spillway.api.LatencySummary;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A bounded histogram of durations in nanoseconds with logarithmic buckets, for the latency percentiles of
 * {@link io.spillway.api.SpillStats}. Internal, may change.
 *
 * <p>Values below 64 ns have a bucket each; above, every power of two is split into 64 equal buckets, so a bucket
 * spans at most 1/64 of its lower bound and a reported percentile (the bucket's midpoint) is within 0.8% of the
 * recorded value. Values of {@value #MAX_EXPONENT}-bit length and above (about five hours) share the last bucket.
 * Memory is fixed: {@value #BUCKETS} counters, about 20 KiB.
 *
 * <p>The sum of the recorded values is kept exactly beside the buckets, for the summary's total.
 *
 * <p>Thread-safe and lock-free: {@link #record} is three atomic additions and an atomic maximum.
 * {@link #summary()} is weakly consistent: it may miss records made while it runs.
 */
final class LatencyHistogram {
  private static final int SUB_BITS = 6;
  private static final int SUB_BUCKETS = 1 << SUB_BITS;
  /** Values with this many bits or more are clamped into the last bucket. */
  static final int MAX_EXPONENT = 45;
  static final int BUCKETS = (MAX_EXPONENT - SUB_BITS + 1) * SUB_BUCKETS;

  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
  private final AtomicLong count = new AtomicLong();
  private final AtomicLong max = new AtomicLong();
  private final AtomicLong sum = new AtomicLong();

  /** Records one duration; negative values count as 0. */
  void record(long nanos) {
    long value = Math.max(0, nanos);
    counts.incrementAndGet(index(value));
    count.incrementAndGet();
    sum.addAndGet(value);
    max.accumulateAndGet(value, Math::max);
  }

  /** The percentiles of everything recorded so far. */
  LatencySummary summary() {
    long total = 0;
    long[] snapshot = new long[BUCKETS];
    for (int i = 0; i < BUCKETS; i++) {
      snapshot[i] = counts.get(i);
      total += snapshot[i];
    }
    if (total == 0) {
      return LatencySummary.EMPTY;
    }
    long top = max.get();
    return new LatencySummary(total, percentile(snapshot, total, 0.50, top), percentile(snapshot, total, 0.90, top),
        percentile(snapshot, total, 0.99, top), Duration.ofNanos(top), Duration.ofNanos(sum.get()));
  }

  private static Duration percentile(long[] snapshot, long total, double quantile, long top) {
    long rank = Math.max(1, (long) Math.ceil(quantile * total));
    long seen = 0;
    for (int i = 0; i < snapshot.length; i++) {
      seen += snapshot[i];
      if (seen >= rank) {
        return Duration.ofNanos(Math.min(midpoint(i), top));
      }
    }
    return Duration.ofNanos(top);
  }

  static int index(long value) {
    if (value < SUB_BUCKETS) {
      return (int) value;
    }
    int exponent = 63 - Long.numberOfLeadingZeros(value);
    if (exponent >= MAX_EXPONENT) {
      return BUCKETS - 1;
    }
    int sub = (int) (value >>> (exponent - SUB_BITS)) & (SUB_BUCKETS - 1);
    return (exponent - SUB_BITS + 1) * SUB_BUCKETS + sub;
  }

  /** The middle of bucket {@code index}, the value reported for everything in it. */
  static long midpoint(int index) {
    if (index < SUB_BUCKETS) {
      return index;
    }
    int exponent = index / SUB_BUCKETS + SUB_BITS - 1;
    long sub = index % SUB_BUCKETS;
    long width = 1L << (exponent - SUB_BITS);
    long lower = (1L << exponent) + sub * width;
    return lower + width / 2;
  }
}
