package io.spillway.bench.sim;

import java.util.Locale;

/**
 * What a reload costs in the simulator's estimate: a fixed latency per reload plus the reloaded bytes at a
 * bandwidth, the two figures a cost-aware policy is given (the {@code adaptive} policy's
 * {@code policy.reloadLatencyNanos} and {@code policy.reloadBytesPerSecond} options). Internal, may change.
 *
 * @param latencyNanos time to the first byte of one reload, zero or more
 * @param bytesPerSecond transfer rate of one reload, more than zero
 */
record ReloadCost(long latencyNanos, long bytesPerSecond) {
  /**
   * The project's shaped S3 link ({@code ShapedS3Runner} in BENCHMARKS.md): 20 ms to the first byte, 64 MiB/s per
   * connection — a remote store, where the choice of victims matters most.
   */
  static final ReloadCost SHAPED_S3 = new ReloadCost(20_000_000L, 64L << 20);

  ReloadCost {
    if (latencyNanos < 0 || bytesPerSecond <= 0) {
      throw new IllegalArgumentException("A reload cost needs a latency >= 0 and a bandwidth > 0, not "
          + latencyNanos + " ns and " + bytesPerSecond + " B/s");
    }
  }

  /** Seconds that {@code reloads} reloads of {@code bytes} bytes in all would take, one after another. */
  double seconds(long reloads, long bytes) {
    return reloads * (latencyNanos / 1e9) + (double) bytes / bytesPerSecond;
  }

  /** For the report: "20 ms + 64 MiB/s". */
  String describe() {
    return String.format(Locale.ROOT, "%s ms per reload + the bytes at %s MiB/s", trim(latencyNanos / 1e6),
        trim(bytesPerSecond / (double) (1 << 20)));
  }

  private static String trim(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.3f", value);
  }
}
