package io.spillway.policy.lfu;

import java.util.Arrays;

/**
 * A count-min sketch of 4-bit counters that estimates how often each segment was used recently. Internal, may
 * change.
 *
 * <p>Each {@code long} holds 16 counters; a key maps to four counters, each in a {@code long} of its own chosen
 * by a different hash, and its estimate is the smallest of the four. An increment raises only the counters that
 * hold that minimum (conservative update), which keeps collisions from inflating estimates as much. Counters
 * saturate at 15. After {@code 10 ×} the expected keys' increments every counter is halved, so that old popularity
 * fades and the sketch follows a changing workload (TinyLFU's reset, Einziger, Friedman and Manes, 2017).
 *
 * <p>The table has {@value #LONGS_PER_KEY} {@code long}s per expected key (a power of two, at least 8): 16 bytes per
 * resident segment, twice Caffeine's width for the same reset period. Half the collisions matter where many keys
 * are equally frequent: on a loop over eight times the budget (the LIRS loop trace at 128 entries) a sketch of one
 * long per key lets collisions decide admission and W-TinyLFU keeps 4.6% of requests; two keep 9–10%, Caffeine's
 * level (the trace simulator, BENCHMARKS.md), while the reset period, kept, leaves workloads that shift alone.
 * Growing it starts the counts afresh. Its last {@value #TAIL} longs are kept in an array of their own: a
 * power-of-two array of longs is 16 header bytes over a power of two, so that G1 would give a large one a whole
 * region more than its data needs (2 MiB, 2 bytes a segment, for a million), while the rest alone fills its regions.
 * Not thread-safe.
 */
final class FrequencySketch {
  private static final long[] SEEDS = {
      0x97CB3127_1F2B2D3BL, 0xC2B2AE3D_27D4EB4FL, 0x165667B1_9E3779F9L, 0xD6E8FEB8_6659FD93L};
  private static final long HALF_MASK = 0x7777_7777_7777_7777L;
  static final int MAX_COUNT = 15;
  /** The table's last longs, kept apart from {@link #head}. */
  private static final int TAIL = 2;
  /** Table longs per expected key. */
  static final int LONGS_PER_KEY = 2;
  /** Increments between two halvings, per expected key. */
  private static final int RESET_PER_KEY = 10;

  /** The table's longs from 0 to its length minus {@value #TAIL}. */
  private long[] head = new long[8 - TAIL];
  /** The table's last {@value #TAIL} longs. */
  private final long[] tail = new long[TAIL];
  /** The table's length minus one; the length is a power of two. */
  private int mask = 7;
  private int sampleSize = RESET_PER_KEY * 8 / LONGS_PER_KEY;
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
    long wanted = Math.max(8, Math.min(LONGS_PER_KEY * Math.max(0, expectedKeys), 1 << 30));
    if (wanted <= mask + 1L) {
      return;
    }
    int length = Integer.highestOneBit((int) wanted - 1) << 1;
    head = new long[length - TAIL];
    Arrays.fill(tail, 0);
    mask = length - 1;
    sampleSize = (int) Math.min((long) RESET_PER_KEY * length / LONGS_PER_KEY, Integer.MAX_VALUE);
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
    return (int) (word(index(h)) >>> shift(h)) & 15;
  }

  private void raiseIf(long h, int min) {
    if (count(h) == min) {
      int i = index(h);
      long raised = word(i) + (1L << shift(h));
      if (i < head.length) {
        head[i] = raised;
      } else {
        tail[i - head.length] = raised;
      }
    }
  }

  /** The table's long at {@code i}. */
  private long word(int i) {
    return i < head.length ? head[i] : tail[i - head.length];
  }

  /** Halves every counter: the periodic aging step. */
  void halve() {
    for (int i = 0; i < head.length; i++) {
      head[i] = (head[i] >>> 1) & HALF_MASK;
    }
    for (int i = 0; i < TAIL; i++) {
      tail[i] = (tail[i] >>> 1) & HALF_MASK;
    }
    additions >>>= 1;
  }

  /** The number of counters' {@code long}s, for tests. */
  int tableLength() {
    return mask + 1;
  }

  private int index(long h) {
    return (int) h & mask;
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
