package io.spillway.policy.lfu;

import org.jspecify.annotations.Nullable;

/**
 * An open-addressing hash table from segment name to the policy's node for it. Internal, may change.
 *
 * <p>A policy keeps one node per known segment, often a million or more, so the table stores the nodes
 * themselves in one array (linear probing, at most two thirds full) instead of a {@code HashMap}'s entry object
 * per key: about 5 bytes of table per segment on top of the node. Removal shifts later entries back, so there are
 * no tombstones and lookups stay short however many segments come and go.
 *
 * <p>Not thread-safe, like the policies that use it.
 *
 * @param <N> the node type
 */
final class SegmentTable<N extends SegmentTable.Entry> {
  /** The part of a node the table needs: its segment name. */
  abstract static class Entry {
    final String segment;

    Entry(String segment) {
      this.segment = segment;
    }
  }

  private @Nullable Entry[] slots = new Entry[16];
  private int size;

  /** The number of nodes in the table. */
  int size() {
    return size;
  }

  /** The node for {@code segment}, or null. */
  @SuppressWarnings("unchecked")
  @Nullable N get(String segment) {
    Entry[] table = slots;
    int mask = table.length - 1;
    for (int i = home(segment, mask); ; i = (i + 1) & mask) {
      Entry entry = table[i];
      if (entry == null) {
        return null;
      }
      if (entry.segment.equals(segment)) {
        return (N) entry;
      }
    }
  }

  /** Adds {@code node}, whose segment must not be in the table. */
  void add(N node) {
    if ((size + 1) * 3L > slots.length * 2L) {
      grow();
    }
    insert(slots, node);
    size++;
  }

  /** Removes and returns the node for {@code segment}, or returns null. */
  @SuppressWarnings("unchecked")
  @Nullable N remove(String segment) {
    Entry[] table = slots;
    int mask = table.length - 1;
    int i = home(segment, mask);
    while (true) {
      Entry entry = table[i];
      if (entry == null) {
        return null;
      }
      if (entry.segment.equals(segment)) {
        break;
      }
      i = (i + 1) & mask;
    }
    Entry removed = table[i];
    // Backward-shift deletion: move up every later entry of the run whose home is not between the hole and it.
    int hole = i;
    int j = i;
    while (true) {
      j = (j + 1) & mask;
      Entry entry = table[j];
      if (entry == null) {
        break;
      }
      int k = home(entry.segment, mask);
      boolean stays = hole <= j ? (hole < k && k <= j) : (hole < k || k <= j);
      if (!stays) {
        table[hole] = entry;
        hole = j;
      }
    }
    table[hole] = null;
    size--;
    return (N) removed;
  }

  private void grow() {
    Entry[] old = slots;
    Entry[] table = new Entry[old.length * 2];
    for (Entry entry : old) {
      if (entry != null) {
        insert(table, entry);
      }
    }
    slots = table;
  }

  private static void insert(@Nullable Entry[] table, Entry node) {
    int mask = table.length - 1;
    int i = home(node.segment, mask);
    while (table[i] != null) {
      i = (i + 1) & mask;
    }
    table[i] = node;
  }

  private static int home(String segment, int mask) {
    return spread(segment.hashCode()) & mask;
  }

  /** Mixes a string hash so that keys differing only in low bits (numbered names) spread over the table. */
  static int spread(int hash) {
    int h = hash * 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
