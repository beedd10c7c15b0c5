package io.spillway.api;

import java.time.Duration;
import java.util.Objects;

/**
 * Percentiles of the latencies of one kind of operation over a manager's life, from a bounded histogram (relative
 * error at most a few percent).
 *
 * @param count operations measured
 * @param p50 median
 * @param p90 90th percentile
 * @param p99 99th percentile
 * @param max slowest
 * @param total the sum of all the measured latencies, exact (not from the histogram): with {@code count}, what a
 *     Micrometer {@code FunctionTimer} reports, and {@code total / count} the mean
 */
public record LatencySummary(long count, Duration p50, Duration p90, Duration p99, Duration max, Duration total) {
  /** The summary of no operations. */
  public static final LatencySummary EMPTY =
      new LatencySummary(0, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);

  public LatencySummary {
    Objects.requireNonNull(p50, "p50");
    Objects.requireNonNull(p90, "p90");
    Objects.requireNonNull(p99, "p99");
    Objects.requireNonNull(max, "max");
    Objects.requireNonNull(total, "total");
  }

  /**
   * The mean and percentiles with units, such as {@code {count 3, mean 32.4 ms, p50 31.9 ms, p90 40.2 ms, p99 40.2 ms,
   * max 40.5 ms}}, or
   * {@code {count 0}}. The format may change between versions: read the components, not this text.
   */
  @Override
  public String toString() {
    if (count == 0) {
      return "{count 0}";
    }
    return "{count " + count + ", mean " + Units.duration(total.dividedBy(count)) + ", p50 " + Units.duration(p50)
        + ", p90 " + Units.duration(p90) + ", p99 " + Units.duration(p99) + ", max " + Units.duration(max) + "}";
  }
}
