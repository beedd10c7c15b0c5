package io.spillway.bench.shaper;

/**
 * The bandwidth limit of one direction of one connection: a token bucket filled at {@code bytesPerSecond} tokens a
 * second up to {@code burstBytes}, empty when created, one token per byte. Arithmetic only: {@link #take} says from
 * when bytes may go, and the caller waits until then.
 *
 * <p>Guarantees, for bytes handed to {@link #take} in order: over any interval of {@code t} seconds at most
 * {@code burstBytes + bytesPerSecond * t} bytes are released, and the first {@code N} bytes after creation are
 * released no earlier than {@code N / bytesPerSecond} after it (the bucket starts empty). A small burst lets bytes
 * waiting behind a late wake-up go at once rather than lose the time overslept; tokens never build up beyond it, so
 * an idle connection cannot later send faster than the limit for longer than the burst.
 *
 * <p>Not thread-safe: one pump thread uses each bucket.
 */
final class TokenBucket {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final long bytesPerSecond;
  /** How long the empty bucket takes to fill up to the burst. */
  private final long burstNanos;
  /**
   * When the bucket is (or will be) empty after every byte taken so far, ignoring the cap; before that moment it
   * owes tokens, after it, it holds {@code bytesPerSecond * (now - emptyAt)} tokens up to the burst.
   */
  private long emptyAt;

  /**
   * @param bytesPerSecond the refill rate; positive
   * @param burstBytes the most tokens the bucket holds; not negative
   * @param now the creation time on the caller's clock, in nanoseconds; the bucket is empty then
   * @throws IllegalArgumentException if a size is out of range
   */
  TokenBucket(long bytesPerSecond, long burstBytes, long now) {
    if (bytesPerSecond <= 0) {
      throw new IllegalArgumentException("bytesPerSecond must be positive, was " + bytesPerSecond);
    }
    if (burstBytes < 0) {
      throw new IllegalArgumentException("burstBytes must not be negative, was " + burstBytes);
    }
    this.bytesPerSecond = bytesPerSecond;
    this.burstNanos = nanosFor(burstBytes);
    this.emptyAt = now;
  }

  /**
   * Takes tokens for {@code bytes} bytes that are ready to go at {@code ready}.
   *
   * @return when they may be released: {@code ready} if the bucket holds enough tokens then, else the moment it will
   * @throws IllegalArgumentException if {@code bytes} is negative
   */
  long take(long ready, int bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must not be negative, was " + bytes);
    }
    // Tokens beyond the burst are forgotten: an empty time further back than the burst counts as exactly a full one.
    long start = Math.max(emptyAt, ready - burstNanos);
    emptyAt = start + nanosFor(bytes);
    return Math.max(ready, emptyAt);
  }

  /** The time {@code bytes} take at the rate, rounded up so that rounding never lets a byte go early. */
  private long nanosFor(long bytes) {
    // bytes * 1e9 stays below 2^63 for every int and for bursts up to 9 GB.
    return Math.floorDiv(Math.multiplyExact(bytes, NANOS_PER_SECOND) + bytesPerSecond - 1, bytesPerSecond);
  }
}
