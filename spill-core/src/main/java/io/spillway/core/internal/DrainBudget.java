package io.spillway.core.internal;

import java.util.function.LongSupplier;

/**
 * How much time the sampling drains of {@link AccessDrain} may spend telling the policy, and how many accesses to tell
 * it in one call. Internal, may change.
 *
 * <p><b>A share of a processor.</b> Telling the policy takes processor time from the readers whose accesses it
 * samples. On two processors with two readers, a drain task that told the {@code adaptive} policy (a few hundred ns
 * an access while its experts simulate every one) as much as it could kept a processor to itself, and the readers
 * made 65 accesses a µs where Caffeine made 118 (BENCHMARKS.md, "The adaptive default"). So the time the policy
 * takes is metered: it accrues at {@value #SHARE} of the clock, up to {@value #BURST_NANOS} ns after a quiet spell;
 * each timed call spends what it took; and the sampling drains tell a chunk only while some is left. A policy that
 * takes everything in within its share is told everything.
 *
 * <p><b>Chunks by the policy's cost.</b> A chunk is the full one given at construction for a policy that takes it in
 * within {@value #CHUNK_NANOS} ns (W-TinyLFU, at about 50 ns an access, takes 256 in 13 µs), fewer for a slower one,
 * down to {@value #MIN_CHUNK}, by the policy's cost per access smoothed over the timed calls. So a chunk costs the
 * readers some microseconds whatever the policy. A stripe's first chunk is metered too: told whatever the time left,
 * it let a slow policy take more than its share when the drain task made many short passes (about 6% fewer accesses
 * a µs with two readers on two processors: BENCHMARKS.md, "The adaptive default").
 *
 * <p>Not thread-safe: used under the policy lock.
 */
final class DrainBudget {
  /** The share of one processor's time the policy may take while the readers outpace it. */
  static final double SHARE = 0.25;
  /** The most the policy may take in one go after a quiet spell: 1 ms. */
  static final long BURST_NANOS = 1_000_000;
  /** What one chunk should cost the policy, about. */
  static final long CHUNK_NANOS = 16_000;
  /** The smallest chunk, however slow the policy: a batch still worth a call. */
  static final int MIN_CHUNK = 16;
  /** Weight of the latest call in the smoothed cost per access. */
  private static final double COST_WEIGHT = 0.25;

  private final int fullChunk;
  private final LongSupplier clock;
  /** The policy's nanoseconds per access, smoothed; 0 until a call is timed. */
  private double nanosPerAccess;
  /** Nanoseconds of policy time left; below zero after a call that took more than was left. */
  private double left = BURST_NANOS;
  private long refilledAt;

  /**
   * @param fullChunk the chunk of a policy fast enough, at least {@link #MIN_CHUNK}
   * @param clock nanoseconds ({@link System#nanoTime} but in tests)
   */
  DrainBudget(int fullChunk, LongSupplier clock) {
    if (fullChunk < MIN_CHUNK) {
      throw new IllegalArgumentException("fullChunk " + fullChunk + " < " + MIN_CHUNK);
    }
    this.fullChunk = fullChunk;
    this.clock = clock;
    this.refilledAt = clock.getAsLong();
  }

  /** Whether the policy has time left in its share, counting what accrued since the last look. */
  boolean hasTimeLeft() {
    long now = clock.getAsLong();
    left = Math.min(BURST_NANOS, left + SHARE * (now - refilledAt));
    refilledAt = now;
    return left > 0;
  }

  /** The accesses to tell in one call: the full chunk, or what the policy takes in within {@link #CHUNK_NANOS}. */
  int chunk() {
    if (nanosPerAccess * fullChunk <= CHUNK_NANOS) {
      return fullChunk;
    }
    return (int) Math.max(MIN_CHUNK, CHUNK_NANOS / nanosPerAccess);
  }

  /** A clock reading to pass to {@link #spent} after the call. */
  long start() {
    return clock.getAsLong();
  }

  /** A call begun at {@code startedAt} told the policy {@code accesses}: its time is spent and priced. */
  void spent(long startedAt, int accesses) {
    long took = Math.max(0, clock.getAsLong() - startedAt);
    left -= took;
    double perAccess = (double) took / Math.max(1, accesses);
    nanosPerAccess = nanosPerAccess == 0 ? perAccess : nanosPerAccess + COST_WEIGHT * (perAccess - nanosPerAccess);
  }
}
