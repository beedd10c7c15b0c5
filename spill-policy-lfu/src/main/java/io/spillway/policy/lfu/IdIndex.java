package io.spillway.policy.lfu;

import java.util.Arrays;

/**
 * A map from segment ids to small ints, both zero or more, for the few segments a miniature simulation holds.
 * Internal, may change.
 *
 * <p>Open addressing with linear probing in one {@code int[]} of key and value pairs, kept at most half full;
 * a removal shifts the following entries of its run back, so there are no tombstones and a lookup never scans
 * more than a run. About 16 bytes per entry. Not thread-safe.
 */
final class IdIndex {
  /** What {@link #get} returns for an absent key; also the free-slot marker. */
  static final int ABSENT = -1;
  private static final int MIX = 0x9E37_79B9;

  /** Pairs: the key at {@code 2i}, its value at {@code 2i + 1}; a free slot has {@link #ABSENT} as its key. */
  private int[] table = emptyTable(16);
  private int mask = 15;
  private int size;

  /** The value of {@code key}, or {@link #ABSENT}. */
  int get(int key) {
    for (int slot = slot(key); ; slot = (slot + 1) & mask) {
      int at = table[2 * slot];
      if (at == key) {
        return table[2 * slot + 1];
      }
      if (at == ABSENT) {
        return ABSENT;
      }
    }
  }

  /**
   * Maps {@code key} to {@code value}, replacing any value it had.
   *
   * @throws IllegalArgumentException if {@code key} or {@code value} is negative
   */
  void put(int key, int value) {
    if (key < 0 || value < 0) {
      throw new IllegalArgumentException("negative key or value: " + key + " -> " + value);
    }
    if (2 * (size + 1) > mask + 1) {
      rehash(2 * (mask + 1));
    }
    int slot = slot(key);
    while (table[2 * slot] != ABSENT && table[2 * slot] != key) {
      slot = (slot + 1) & mask;
    }
    if (table[2 * slot] == ABSENT) {
      size++;
    }
    table[2 * slot] = key;
    table[2 * slot + 1] = value;
  }

  /** Removes {@code key}; returns its value, or {@link #ABSENT} if it had none. */
  int remove(int key) {
    int slot = slot(key);
    while (table[2 * slot] != key) {
      if (table[2 * slot] == ABSENT) {
        return ABSENT;
      }
      slot = (slot + 1) & mask;
    }
    int value = table[2 * slot + 1];
    size--;
    // Backward shift: move each later entry of the run into the hole when its home slot does not lie after the hole.
    int hole = slot;
    for (int next = (hole + 1) & mask; table[2 * next] != ABSENT; next = (next + 1) & mask) {
      int home = slot(table[2 * next]);
      boolean movable = hole <= next ? home <= hole || home > next : home <= hole && home > next;
      if (movable) {
        table[2 * hole] = table[2 * next];
        table[2 * hole + 1] = table[2 * next + 1];
        hole = next;
      }
    }
    table[2 * hole] = ABSENT;
    return value;
  }

  /** The number of keys mapped. */
  int size() {
    return size;
  }

  /** Removes every key. */
  void clear() {
    table = emptyTable(16);
    mask = 15;
    size = 0;
  }

  private int slot(int key) {
    int h = key * MIX;
    return (h ^ (h >>> 16)) & mask;
  }

  private void rehash(int slots) {
    int[] old = table;
    table = emptyTable(slots);
    mask = slots - 1;
    size = 0;
    for (int i = 0; i < old.length; i += 2) {
      if (old[i] != ABSENT) {
        put(old[i], old[i + 1]);
      }
    }
  }

  private static int[] emptyTable(int slots) {
    int[] pairs = new int[2 * slots];
    Arrays.fill(pairs, ABSENT);
    return pairs;
  }
}
