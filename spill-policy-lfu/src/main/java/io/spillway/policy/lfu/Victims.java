package io.spillway.policy.lfu;

import java.util.Arrays;

/** The victims of one selection, in order: a growable array of ids. Internal, may change; not thread-safe. */
final class Victims {
  private int[] ids = new int[8];
  private int size;

  void add(int id) {
    if (size == ids.length) {
      ids = Arrays.copyOf(ids, size * 2);
    }
    ids[size++] = id;
  }

  int size() {
    return size;
  }

  /** The victims as a new array, for the caller to keep. */
  int[] toArray() {
    return Arrays.copyOf(ids, size);
  }
}
