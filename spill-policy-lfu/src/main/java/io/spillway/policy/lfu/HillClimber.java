package io.spillway.policy.lfu;

/**
 * Caffeine's hill climber for the {@code w-tinylfu} window: after each sample of requests it moves the window share
 * one step in the direction that last raised the hit rate, the step shrinking while the hit rate holds still and
 * growing back to full when it moves by {@value #RESTART} or more. Internal, may change.
 *
 * <p>Not thread-safe: owned by one policy.
 */
final class HillClimber {
  /** The largest window share the climber sets. */
  static final double MAX_WINDOW = 0.8;
  private static final double STEP = 0.0625;
  private static final double RESTART = 0.05;
  private static final double DECAY = 0.98;
  private static final int MIN_SAMPLE = 1_000;
  private static final int SAMPLE_PER_SEGMENT = 10;

  private int hits;
  private int misses;
  private double previousHitRate;
  /** Starts upwards: from 1% a step down would hit the floor at once and teach nothing. */
  private double step = STEP;

  void hit() {
    hits++;
  }

  void miss() {
    misses++;
  }

  /**
   * The window share from now on: {@code share} until a sample of {@value #SAMPLE_PER_SEGMENT} requests per resident
   * segment (at least {@value #MIN_SAMPLE}) is complete, then one step from it, within 0 and {@link #MAX_WINDOW}.
   */
  double next(double share, int residentCount) {
    int requests = hits + misses;
    if (requests < Math.max(MIN_SAMPLE, (long) SAMPLE_PER_SEGMENT * residentCount)) {
      return share;
    }
    double hitRate = (double) hits / requests;
    double change = hitRate - previousHitRate;
    double amount = change >= 0 ? step : -step;
    step = Math.abs(change) >= RESTART ? Math.copySign(STEP, amount) : amount * DECAY;
    previousHitRate = hitRate;
    hits = 0;
    misses = 0;
    return Math.max(0, Math.min(MAX_WINDOW, share + amount));
  }
}
