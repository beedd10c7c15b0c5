package io.spillway.bench.sim;

import java.util.Arrays;

/**
 * A binary max-heap of int keys ({@code 0..capacity-1}) by long priority, with O(log n) update and removal of any
 * key through a position index. Internal, may change.
 *
 * <p>Not thread-safe.
 */
final class KeyHeap {
  private final int[] heap;
  private final int[] position;
  private final long[] priority;
  private int size;

  KeyHeap(int keyCount) {
    heap = new int[keyCount];
    position = new int[keyCount];
    priority = new long[keyCount];
    Arrays.fill(position, -1);
  }

  int size() {
    return size;
  }

  boolean contains(int key) {
    return position[key] >= 0;
  }

  /** The key of the highest priority; the heap must not be empty. */
  int peek() {
    return heap[0];
  }

  long priorityOf(int key) {
    return priority[key];
  }

  /** Adds {@code key}, or changes its priority if present. */
  void put(int key, long newPriority) {
    int at = position[key];
    if (at < 0) {
      at = size++;
      heap[at] = key;
      position[key] = at;
      priority[key] = newPriority;
      up(at);
      return;
    }
    long old = priority[key];
    priority[key] = newPriority;
    if (newPriority > old) {
      up(at);
    } else {
      down(at);
    }
  }

  /** Removes and returns the key of the highest priority. */
  int poll() {
    int top = heap[0];
    remove(top);
    return top;
  }

  void remove(int key) {
    int at = position[key];
    if (at < 0) {
      return;
    }
    position[key] = -1;
    size--;
    if (at == size) {
      return;
    }
    int last = heap[size];
    heap[at] = last;
    position[last] = at;
    up(at);
    down(position[last]);
  }

  private void up(int at) {
    int key = heap[at];
    long p = priority[key];
    while (at > 0) {
      int parent = (at - 1) >>> 1;
      int parentKey = heap[parent];
      if (priority[parentKey] >= p) {
        break;
      }
      heap[at] = parentKey;
      position[parentKey] = at;
      at = parent;
    }
    heap[at] = key;
    position[key] = at;
  }

  private void down(int at) {
    int key = heap[at];
    long p = priority[key];
    int half = size >>> 1;
    while (at < half) {
      int child = 2 * at + 1;
      int right = child + 1;
      if (right < size && priority[heap[right]] > priority[heap[child]]) {
        child = right;
      }
      int childKey = heap[child];
      if (p >= priority[childKey]) {
        break;
      }
      heap[at] = childKey;
      position[childKey] = at;
      at = child;
    }
    heap[at] = key;
    position[key] = at;
  }
}
