package io.spillway.policy.lfu;

/**
 * What reloading a segment of a given size costs on the store in use: a latency plus nanoseconds per byte. Internal,
 * may change.
 *
 * <p>Either fixed (the user states the store's cost) or learned from the reloads the core measures: an exponentially
 * weighted least-squares line through (registered size, nanoseconds) with a half-life of about
 * {@value #HALF_LIFE} reloads, so it follows a store whose speed changes. Where the sizes seen are (nearly) all the
 * same the slope cannot be told apart from the intercept, and the line is flat at the mean time: every miss then
 * costs the same, as it does. A negative slope (noise) is taken as flat, a negative intercept as zero latency with
 * the slope through the origin. Before any measurement a miss costs one nanosecond whatever its size, which ranks
 * by the hit ratio. Not thread-safe.
 */
final class ReloadCostModel {
  /** Reloads after which an old measurement weighs half as much. */
  static final int HALF_LIFE = 512;
  private static final double KEEP = Math.pow(0.5, 1.0 / HALF_LIFE);

  private final boolean fixed;
  private double latencyNanos;
  private double nanosPerByte;
  // Weighted sums of the measurements: count, sizes, times, sizes squared, sizes times times.
  private double n;
  private double sumX;
  private double sumY;
  private double sumXx;
  private double sumXy;

  private ReloadCostModel(boolean fixed, double latencyNanos, double nanosPerByte) {
    this.fixed = fixed;
    this.latencyNanos = latencyNanos;
    this.nanosPerByte = nanosPerByte;
  }

  /**
   * A cost that measurements do not change.
   *
   * @param latencyNanos nanoseconds every reload costs, zero or more
   * @param bytesPerSecond the store's read bandwidth, more than zero ({@link Long#MAX_VALUE}: bytes cost nothing)
   * @throws IllegalArgumentException if either is out of range, or both make every reload free
   */
  static ReloadCostModel fixed(long latencyNanos, long bytesPerSecond) {
    if (latencyNanos < 0 || bytesPerSecond <= 0) {
      throw new IllegalArgumentException("reload latency must be >= 0 and bandwidth > 0: " + latencyNanos + " ns, "
          + bytesPerSecond + " B/s");
    }
    double perByte = bytesPerSecond == Long.MAX_VALUE ? 0 : 1e9 / bytesPerSecond;
    if (latencyNanos == 0 && perByte == 0) {
      throw new IllegalArgumentException("a reload must cost something: zero latency and unlimited bandwidth");
    }
    return new ReloadCostModel(true, latencyNanos, perByte);
  }

  /** A cost learned from {@link #observe measured reloads}. */
  static ReloadCostModel learned() {
    return new ReloadCostModel(false, 1, 0);
  }

  /** Whether measurements are ignored. */
  boolean isFixed() {
    return fixed;
  }

  /** A reload of {@code bytes} registered bytes took {@code nanos}; ignored by a fixed model. */
  void observe(long bytes, long nanos) {
    if (fixed || bytes < 0 || nanos < 0) {
      return;
    }
    double x = bytes;
    double y = nanos;
    n = n * KEEP + 1;
    sumX = sumX * KEEP + x;
    sumY = sumY * KEEP + y;
    sumXx = sumXx * KEEP + x * x;
    sumXy = sumXy * KEEP + x * y;
    fit();
  }

  private void fit() {
    double meanX = sumX / n;
    double meanY = sumY / n;
    double varX = sumXx / n - meanX * meanX;
    double slope = 0;
    // Relative test: sizes all equal leave only rounding noise in the variance.
    if (varX > 1e-6 * meanX * meanX && varX > 0) {
      slope = Math.max(0, (sumXy / n - meanX * meanY) / varX);
    }
    double intercept = meanY - slope * meanX;
    if (intercept < 0) {
      intercept = 0;
      slope = sumXx > 0 ? Math.max(0, sumXy / sumXx) : 0;
    }
    if (intercept == 0 && slope == 0) {
      intercept = 1; // every measured reload took no time: rank by hits
    }
    latencyNanos = intercept;
    nanosPerByte = slope;
  }

  /** Nanoseconds a reload costs whatever its size. */
  double latencyNanos() {
    return latencyNanos;
  }

  /** Nanoseconds each reloaded byte adds. */
  double nanosPerByte() {
    return nanosPerByte;
  }

  /** The estimated time of {@code reloads} reloads of {@code bytes} bytes in all, in nanoseconds. */
  double nanos(double reloads, double bytes) {
    return reloads * latencyNanos + bytes * nanosPerByte;
  }

  @Override
  public String toString() {
    return (fixed ? "fixed " : "learned ") + Math.round(latencyNanos) + " ns + " + nanosPerByte + " ns/B";
  }
}
