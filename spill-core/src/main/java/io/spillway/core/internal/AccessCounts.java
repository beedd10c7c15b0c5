package io.spillway.core.internal;

import java.util.Arrays;

/**
 * The access counts of a manager's segments ({@code SegmentInfo.accessCount}), one slot each in one array. Internal,
 * may change.
 *
 * <p>Why not a field of the segment: the counts are written by whichever thread drains the accesses, and a segment
 * object shares its cache lines with the map node that every reader of the segment goes through. Counting in the
 * segment would make each drain invalidate, on the other processors, the lines their next lookups need. Here the
 * writes stay in an array that only drainers touch.
 *
 * <p>A slot is taken when a segment is admitted and given back when it is removed; the most recently freed slot is
 * reused first, so the array never grows past the peak number of segments. Not thread-safe: the manager uses it under
 * its policy lock.
 */
final class AccessCounts {
  /** What a segment holds while it has no slot: before its admission and after its removal. */
  static final int NO_SLOT = -1;

  /** By slot: the count; for a free slot, the next free slot or {@link #NO_SLOT} (a free list). */
  private long[] counts = new long[ArrayCapacity.initial()];
  /** Slots below this have been handed out at least once. */
  private int highWater;
  private int freeHead = NO_SLOT;

  /** A free slot, its count zero. */
  int take() {
    if (freeHead != NO_SLOT) {
      int slot = freeHead;
      freeHead = (int) counts[slot];
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
    counts[slot] = freeHead;
    freeHead = slot;
  }

  /** Counts one access in {@code slot}, saturating at {@link Long#MAX_VALUE}. */
  void increment(int slot) {
    long count = counts[slot];
    if (count != Long.MAX_VALUE) {
      counts[slot] = count + 1;
    }
  }

  /** The count in {@code slot}. */
  long get(int slot) {
    return counts[slot];
  }
}
