package io.spillway.policy.lfu;

/**
 * A count-min sketch of 4-bit counters that estimates how often each segment was used recently. Internal, may
 * change.
 *
 * <p>Each {@code long} holds 16 counters; a key maps to four counters, each in a {@code long} of its own chosen
 * by a different hash, and its estimate is the smallest of the four. An increment raises only the counters that
 * hold that minimum (conservative update), which keeps collisions from inflating estimates as much. Counters
 * saturate at 15. After {@code 10 × capacity} increments every counter is halved, so that old popularity fades
 * and the sketch follows a changing workload (TinyLFU's reset, Einziger, Friedman and Manes, 2017).
 *
 * <p>The table has one {@code long} per expected key (a power of two, at least 8): 8 bytes per resident segment.
 * Growing it starts the counts afresh. Not thread-safe.
 */
final class FrequencySketch {
  private static final long[] SEEDS = {
      0x97CB3127_1F2B2D3BL, 0xC2B2AE3D_27D4EB4FL, 0x165667B1_9E3779F9L, 0xD6E8FEB8_6659FD93L};
  private static final long HALF_MASK = 0x7777_7777_7777_7777L;
  static final int MAX_COUNT = 15;

  private long[] table = new long[8];
  private int sampleSize = 80;
  private int additions;

  /**
   * Mixes a name's {@code hashCode()} into the key a policy counts it under, so that names differing only in their
   * last characters (numbered names) spread well.
   */
  static int spread(int hash) {
    int h = hash * 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  /** Grows the table, if needed, to suit {@code expectedKeys} distinct keys. */
  void ensureCapacity(long expectedKeys) {
    long wanted = Math.max(8, Math.min(expectedKeys, 1 << 30));
    if (wanted <= table.length) {
      return;
    }
    int length = Integer.highestOneBit((int) wanted - 1) << 1;
    table = new long[length];
    sampleSize = (int) Math.min(10L * length, Integer.MAX_VALUE);
    additions = 0;
  }

  /** The estimated recent use count of the key with {@code hash}, 0 to 15. */
  int frequency(int hash) {
    return Math.min(Math.min(count(mix(hash, 0)), count(mix(hash, 1))),
        Math.min(count(mix(hash, 2)), count(mix(hash, 3))));
  }

  /** Counts one use of the key with {@code hash}. */
  void increment(int hash) {
    long h0 = mix(hash, 0);
    long h1 = mix(hash, 1);
    long h2 = mix(hash, 2);
    long h3 = mix(hash, 3);
    int min = Math.min(Math.min(count(h0), count(h1)), Math.min(count(h2), count(h3)));
    if (min == MAX_COUNT) {
      return;
    }
    // Conservative update: only the counters at the minimum rise; the others already overstate this key.
    raiseIf(h0, min);
    raiseIf(h1, min);
    raiseIf(h2, min);
    raiseIf(h3, min);
    if (++additions >= sampleSize) {
      halve();
    }
  }

  private int count(long h) {
    return (int) (table[index(h)] >>> shift(h)) & 15;
  }

  private void raiseIf(long h, int min) {
    if (count(h) == min) {
      table[index(h)] += 1L << shift(h);
    }
  }

  /** Halves every counter: the periodic aging step. */
  void halve() {
    for (int i = 0; i < table.length; i++) {
      table[i] = (table[i] >>> 1) & HALF_MASK;
    }
    additions >>>= 1;
  }

  /** The number of counters' {@code long}s, for tests. */
  int tableLength() {
    return table.length;
  }

  private int index(long h) {
    return (int) h & (table.length - 1);
  }

  private static int shift(long h) {
    return (int) (h >>> 60) << 2;
  }

  private static long mix(int hash, int i) {
    long h = (hash + SEEDS[i]) * 0x9E3779B97F4A7C15L;
    h ^= h >>> 29;
    h *= SEEDS[(i + 1) & 3];
    return h ^ (h >>> 32);
  }

}
