package io.spillway.graph;

import java.util.Arrays;

/**
 * A growable array of {@code long}s, used for the pending edge buffers of a partition. Not thread-safe. Internal,
 * may change.
 */
final class LongList {
  private static final long[] EMPTY = new long[0];

  private long[] values = EMPTY;
  private int size;

  int size() {
    return size;
  }

  long get(int index) {
    return values[index];
  }

  long[] array() {
    return values;
  }

  /** Bytes held by the backing array, as accounted in the budget. */
  long capacityBytes() {
    return values.length == 0 ? 0 : 16L + 8L * values.length;
  }

  void add(long value) {
    if (size == values.length) {
      values = Arrays.copyOf(values, Math.max(16, size * 2));
    }
    values[size++] = value;
  }

  void add(long first, long second) {
    if (size + 2 > values.length) {
      values = Arrays.copyOf(values, Math.max(16, (size + 2) * 2));
    }
    values[size++] = first;
    values[size++] = second;
  }

  /** Whether the pair ({@code first}, {@code second}) is held at an even index. */
  boolean containsPair(long first, long second) {
    for (int i = 0; i < size; i += 2) {
      if (values[i] == first && values[i + 1] == second) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code value} is held at an index that is a multiple of {@code stride}. */
  boolean containsAtStride(long value, int stride) {
    for (int i = 0; i < size; i += stride) {
      if (values[i] == value) {
        return true;
      }
    }
    return false;
  }

  /** Empties the list and gives its array back to the garbage collector, so the budget no longer counts it. */
  void release() {
    values = EMPTY;
    size = 0;
  }
}
