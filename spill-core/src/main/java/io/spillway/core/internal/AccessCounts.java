package io.spillway.core.internal;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The access counts of a manager's segments ({@code SegmentInfo.accessCount}), one slot each in one array. Internal,
 * may change.
 *
 * <p>Why not a field of the segment: the counts are written by whichever thread drains the accesses, and a segment
 * object is read by every lookup of its name (the segment table compares its name). Counting in the
 * segment would make each drain invalidate, on the other processors, the lines their next lookups need. Here the
 * writes stay in an array that only drainers touch.
 *
 * <p>A slot is taken when a segment is admitted and given back when it is removed; the most recently freed slot is
 * reused first, so the array never grows past the peak number of segments. The slot is the segment's id, the number
 * the policy knows it by ({@link SegmentIdTable}). A slot holds the low 32 bits of its count
 * (4 bytes per segment, and twice as many counts per cache line as longs would give); the rare count that passes
 * 2<sup>32</sup> keeps its high part in a side map.
 * Counts are exact up to 2<sup>63</sup>. Not thread-safe: the manager uses it under its policy lock.
 */
final class AccessCounts {
  /** What a segment holds while it has no slot: before its admission and after its removal. */
  static final int NO_SLOT = -1;

  /** By slot: the count's low 32 bits, unsigned; for a free slot, the next free slot or {@link #NO_SLOT}. */
  private int[] counts = new int[ArrayCapacity.initial()];
  /** By slot, for counts past 2^32 only: the high part (a multiple of 2^32). */
  private final Map<Integer, Long> highParts = new HashMap<>();
  /** Slots below this have been handed out at least once. */
  private int highWater;
  private int freeHead = NO_SLOT;

  /** A free slot, its count zero. */
  int take() {
    if (freeHead != NO_SLOT) {
      int slot = freeHead;
      freeHead = counts[slot];
      counts[slot] = 0;
      return slot;
    }
    if (highWater == counts.length) {
      counts = Arrays.copyOf(counts, ArrayCapacity.grown(counts.length));
    }
    return highWater++;
  }

  /** Gives {@code slot} back; its count is gone. */
  void release(int slot) {
    if (!highParts.isEmpty()) {
      highParts.remove(slot);
    }
    counts[slot] = freeHead;
    freeHead = slot;
  }

  /** Counts one access in {@code slot}. */
  void increment(int slot) {
    if (++counts[slot] == 0) {
      highParts.merge(slot, 1L << 32, Long::sum);
    }
  }

  /** The count in {@code slot}. */
  long get(int slot) {
    long low = Integer.toUnsignedLong(counts[slot]);
    return highParts.isEmpty() ? low : low + highParts.getOrDefault(slot, 0L);
  }
}
