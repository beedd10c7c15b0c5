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
}
