package io.spillway.bench.shaper;

/**
 * The bandwidth limit of one direction of one connection: a link of {@code bytesPerSecond} that forwards each chunk
 * once its last byte would have crossed it. Arithmetic only: {@link #take} says from when bytes may go, and the caller
 * waits until then.
 *
 * <p>As a token bucket: filled at {@code bytesPerSecond} tokens a second, one token per byte, empty when created.
 * Bytes that arrive while the link is idle ({@link #take}) get no saved tokens: the link does not go faster for
 * having rested. Bytes that were already queued while the previous chunk went ({@link #takeQueued}) may use up to
 * {@code catchUpBytes} tokens saved since the link fell behind: a pump thread that woke late from its wait (a park
 * overshoots by a fraction of a millisecond on a loaded machine, several at worst) would otherwise lose that time on
 * every chunk and run the link below its rate, whereas a real link kept busy delivers its rate on average.
 *
 * <p>Guarantees, for chunks of at most {@code catchUpBytes} handed over in order with non-decreasing ready times:
 * over any interval of {@code t} seconds at most {@code catchUpBytes + bytesPerSecond * t} bytes are released; bytes
 * that only ever arrive while the link is idle or keeping up ({@link #take}) are never released before the link has
 * carried them, so the first {@code N} bytes after creation are released no earlier than {@code N / bytesPerSecond}
 * after it.
 *
 * <p>Not thread-safe: one pump thread uses each bucket.
 */
final class TokenBucket {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final long bytesPerSecond;
  /** How long the link takes to send the catch-up allowance. */
  private final long catchUpNanos;
  /**
   * When the link is (or will be) done with every byte taken so far; before that moment it owes time, after it, it
   * has been idle or late since then.
   */
  private long emptyAt;

  /**
   * @param bytesPerSecond the rate; positive
   * @param catchUpBytes the most that queued bytes may gain on the rate to make up for a late pump; not negative
   * @param now the creation time on the caller's clock, in nanoseconds; the link is idle then, with nothing saved
   * @throws IllegalArgumentException if a size is out of range
   */
  TokenBucket(long bytesPerSecond, long catchUpBytes, long now) {
    if (bytesPerSecond <= 0) {
      throw new IllegalArgumentException("bytesPerSecond must be positive, was " + bytesPerSecond);
    }
    if (catchUpBytes < 0) {
      throw new IllegalArgumentException("catchUpBytes must not be negative, was " + catchUpBytes);
    }
    this.bytesPerSecond = bytesPerSecond;
    this.catchUpNanos = nanosFor(catchUpBytes);
    this.emptyAt = now;
  }

  /**
   * Takes the link for {@code bytes} bytes that arrived at {@code ready} while it was idle (nothing was queued).
   *
   * @return when they may be released: once the link has carried them, starting when it is free or they arrived
   * @throws IllegalArgumentException if {@code bytes} is negative
   */
  long take(long ready, int bytes) {
    return takeFrom(ready, ready, bytes);
  }

  /**
   * Takes the link for {@code bytes} bytes, ready at {@code ready}, that were already queued when the previous chunk
   * was released: the link counts as busy since then, so up to the catch-up allowance of lost time counts.
   *
   * @return when they may be released
   * @throws IllegalArgumentException if {@code bytes} is negative
   */
  long takeQueued(long ready, int bytes) {
    return takeFrom(ready - catchUpNanos, ready, bytes);
  }

  private long takeFrom(long earliestStart, long ready, int bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must not be negative, was " + bytes);
    }
    long start = Math.max(emptyAt, earliestStart);
    emptyAt = start + nanosFor(bytes);
    return Math.max(ready, emptyAt);
  }

  /** The time {@code bytes} take at the rate, rounded up so that rounding never lets a byte go early. */
  private long nanosFor(long bytes) {
    // bytes * 1e9 stays below 2^63 for every int and for allowances up to 9 GB.
    return Math.floorDiv(Math.multiplyExact(bytes, NANOS_PER_SECOND) + bytesPerSecond - 1, bytesPerSecond);
  }
}
