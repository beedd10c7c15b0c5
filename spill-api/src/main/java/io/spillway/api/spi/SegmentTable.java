package io.spillway.api.spi;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A compact hash table from segment name to a policy's node for that segment, for {@link SpillPolicy} authors.
 *
 * <p>A policy keeps one node per known segment, often a million or more. A {@code HashMap<String, Node>} adds an
 * entry object of about 32 bytes per segment; this table stores the nodes themselves in one array (linear
 * probing, at most two thirds full): about 5 bytes of table per segment on top of the node. The node carries its
 * segment name by extending {@link Entry}. Removal shifts later entries back, so there are no tombstones and
 * lookups stay short however many segments come and go.
 *
 * <p>Not thread-safe, like the policies it is made for (the core calls a policy from one thread at a time).
 *
 * @param <N> the node type
 */
public final class SegmentTable<N extends SegmentTable.Entry> {
  /** The part of a node the table needs: the name of its segment, fixed at construction. */
  public abstract static class Entry {
    private final String segment;

    /**
     * @param segment the segment this node stands for
     * @throws NullPointerException if {@code segment} is null
     */
    protected Entry(String segment) {
      this.segment = Objects.requireNonNull(segment, "segment");
    }

    /** The segment this node stands for. */
    public final String segment() {
      return segment;
    }
  }

  private @Nullable Entry[] slots = new Entry[16];
  private int size;

  /** Creates an empty table. */
  public SegmentTable() {}

  /** The number of nodes in the table. */
  public int size() {
    return size;
  }

  /** The node for {@code segment}, or null if there is none. */
  @SuppressWarnings("unchecked")
  public @Nullable N get(String segment) {
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

  /**
   * Adds {@code node}.
   *
   * @throws IllegalArgumentException if the table already holds a node for the node's segment
   */
  public void add(N node) {
    if ((size + 1) * 3L > slots.length * 2L) {
      grow();
    }
    String segment = node.segment();
    Entry[] table = slots;
    int mask = table.length - 1;
    int i = home(segment, mask);
    for (Entry entry = table[i]; entry != null; entry = table[i]) {
      if (entry.segment.equals(segment)) {
        throw new IllegalArgumentException("segment already in the table: " + segment);
      }
      i = (i + 1) & mask;
    }
    table[i] = node;
    size++;
  }

  /** Removes and returns the node for {@code segment}, or returns null if there is none. */
  @SuppressWarnings("unchecked")
  public @Nullable N remove(String segment) {
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

  /**
   * Mixes a string hash so that names differing only in their last characters (numbered names) spread over a
   * power-of-two table; policies use it for their own hashed structures (frequency sketches) too.
   */
  public static int spread(int hash) {
    int h = hash * 0x9E3779B9;
    return h ^ (h >>> 16);
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
}
