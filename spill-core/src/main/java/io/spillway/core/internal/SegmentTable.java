package io.spillway.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;

/**
 * The manager's segments by name: a concurrent hash table of {@link Segment} references keyed by each segment's own
 * {@link Segment#name}, so that a segment costs the table one reference (4 bytes with compressed references) at a
 * load of 37–75%, where a {@code ConcurrentHashMap} entry costs a 32-byte node and about 8 bytes of table. With a
 * million segments that is some 32 MB of heap, and no 8 MiB table that G1 keeps in three 4 MiB regions of its own.
 *
 * <p><b>Layout.</b> The names are spread over stripes by hash ({@value #STRIPES} in a manager); each stripe is a
 * linear-probing table whose length is a power of two, doubled when an insertion would take it past
 * {@value #MAX_LOAD_PERCENT}% and halved when a removal leaves it under an eighth full. Deletion shifts the following
 * entries back, so no tombstones build up.
 *
 * <p><b>Reads</b> ({@link #get}) take no lock: they probe the stripe's current table with acquire reads. A writer
 * may meanwhile shift the sought entry backwards past the reader, or publish a grown table, so a probe that finds
 * nothing probes again under the stripe's lock before answering null. A read that finds a segment returns one that
 * was mapped at some moment during the call, as {@code ConcurrentHashMap.get} does; it may be removed by the time
 * the caller looks at it.
 *
 * <p><b>Writes</b> hold the stripe's lock, a leaf lock: nothing else is taken under it, so callers may hold segment
 * or policy locks. {@link #iterator} copies one stripe at a time under its lock, so it returns every segment mapped
 * throughout the iteration exactly once, and may or may not return those added or removed meanwhile.
 *
 * <p>{@link #size} sums the stripes' counts without their locks: under concurrent writes it is an estimate, as
 * {@code ConcurrentHashMap.size} is.
 *
 * <p>Thread-safe. Internal, may change.
 */
final class SegmentTable implements Iterable<Segment> {
  static final int STRIPES = 64;
  static final int MAX_LOAD_PERCENT = 75;
  static final int INITIAL_LENGTH = 8;
  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Segment[].class);

  private final Stripe[] stripes;
  /** The stripe is the hash's top bits: 32 minus log2 of the stripe count (32 for one stripe). */
  private final int stripeShift;

  SegmentTable() {
    this(STRIPES);
  }

  /**
   * A table of {@code stripeCount} stripes (tests use one, so that a few names collide).
   *
   * @throws IllegalArgumentException if {@code stripeCount} is not a positive power of two
   */
  SegmentTable(int stripeCount) {
    if (stripeCount <= 0 || Integer.bitCount(stripeCount) != 1) {
      throw new IllegalArgumentException("stripe count must be a positive power of two, was " + stripeCount);
    }
    stripes = new Stripe[stripeCount];
    for (int i = 0; i < stripeCount; i++) {
      stripes[i] = new Stripe();
    }
    stripeShift = Integer.SIZE - Integer.numberOfTrailingZeros(stripeCount);
  }

  /** The segment mapped to {@code name}, or null. */
  @Nullable Segment get(String name) {
    int hash = hash(name);
    Stripe stripe = stripeOf(hash);
    Segment found = find(stripe.slots, name, hash);
    if (found != null) {
      return found;
    }
    synchronized (stripe) {
      return find(stripe.slots, name, hash);
    }
  }

  /** Maps {@code seg} under its name; returns the segment it replaced, or null. */
  @Nullable Segment put(Segment seg) {
    int hash = hash(seg.name);
    Stripe stripe = stripeOf(hash);
    synchronized (stripe) {
      return stripe.put(seg, hash, true);
    }
  }

  /** Maps {@code seg} under its name unless the name is mapped; returns the segment mapped before, or null. */
  @Nullable Segment putIfAbsent(Segment seg) {
    int hash = hash(seg.name);
    Stripe stripe = stripeOf(hash);
    synchronized (stripe) {
      return stripe.put(seg, hash, false);
    }
  }

  /**
   * Maps {@code fresh} under its name if that name maps to {@code old} (the same object); returns whether it did.
   *
   * @throws IllegalArgumentException if the two segments' names differ
   */
  boolean replace(Segment old, Segment fresh) {
    if (!old.name.equals(fresh.name)) {
      throw new IllegalArgumentException("names differ: '" + old.name + "' and '" + fresh.name + "'");
    }
    int hash = hash(fresh.name);
    Stripe stripe = stripeOf(hash);
    synchronized (stripe) {
      int slot = stripe.slotOf(fresh.name, hash);
      if (slot < 0 || stripe.slots[slot] != old) {
        return false;
      }
      SLOTS.setRelease(stripe.slots, slot, fresh);
      return true;
    }
  }

  /** Unmaps {@code seg}'s name if it maps to {@code seg} (the same object); returns whether it did. */
  boolean remove(Segment seg) {
    int hash = hash(seg.name);
    Stripe stripe = stripeOf(hash);
    synchronized (stripe) {
      return stripe.remove(seg, hash);
    }
  }

  /** How many names are mapped: exact when nothing changes meanwhile, an estimate while writers run. */
  int size() {
    int size = 0;
    for (Stripe stripe : stripes) {
      size += stripe.count;
    }
    return size;
  }

  /** Unmaps every name, each stripe's memory given back. */
  void clear() {
    for (Stripe stripe : stripes) {
      synchronized (stripe) {
        stripe.clear();
      }
    }
  }

  @Override
  public Iterator<Segment> iterator() {
    return new SnapshotIterator();
  }

  private Stripe stripeOf(int hash) {
    return stripes[(int) (Integer.toUnsignedLong(hash) >>> stripeShift)];
  }

  /** Probes {@code slots} for {@code name}; reads each slot once, with acquire semantics. */
  private static @Nullable Segment find(Segment[] slots, String name, int hash) {
    int mask = slots.length - 1;
    for (int i = hash & mask; ; i = (i + 1) & mask) {
      Segment seg = (Segment) SLOTS.getAcquire(slots, i);
      if (seg == null) {
        return null;
      }
      String candidate = seg.name;
      // The cached string hashes first: most slots probed past hold another name.
      if (candidate == name || (candidate.hashCode() == name.hashCode() && candidate.equals(name))) {
        return seg;
      }
    }
  }

  /** A name's hash, mixed (MurmurHash3's finalizer) so that the stripe (high bits) and slot (low bits) both spread. */
  static int hash(String name) {
    int h = name.hashCode();
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    return h ^ (h >>> 16);
  }

  /** One stripe's table; every method but the readers' probe runs holding the stripe's lock. */
  private static final class Stripe {
    /** Replaced, never resized in place, so that a reader's probe sees one table throughout. */
    volatile Segment[] slots = new Segment[INITIAL_LENGTH];
    volatile int count;

    int slotOf(String name, int hash) {
      Segment[] table = slots;
      int mask = table.length - 1;
      for (int i = hash & mask; table[i] != null; i = (i + 1) & mask) {
        if (table[i].name.equals(name)) {
          return i;
        }
      }
      return -1;
    }

    @Nullable Segment put(Segment seg, int hash, boolean replace) {
      int slot = slotOf(seg.name, hash);
      if (slot >= 0) {
        Segment previous = slots[slot];
        if (replace) {
          SLOTS.setRelease(slots, slot, seg);
        }
        return previous;
      }
      if ((count + 1) * 100L > (long) slots.length * MAX_LOAD_PERCENT) {
        rehash(slots.length * 2);
      }
      insert(slots, seg, hash);
      count++;
      return null;
    }

    boolean remove(Segment seg, int hash) {
      int slot = slotOf(seg.name, hash);
      if (slot < 0 || slots[slot] != seg) {
        return false;
      }
      deleteAt(slots, slot);
      count--;
      if (slots.length > INITIAL_LENGTH && count * 8L < slots.length) {
        rehash(slots.length / 2);
      }
      return true;
    }

    void clear() {
      slots = new Segment[INITIAL_LENGTH];
      count = 0;
    }

    /** Publishes a table of {@code length} slots holding every entry; readers of the old one still see it whole. */
    private void rehash(int length) {
      Segment[] grown = new Segment[length];
      for (Segment seg : slots) {
        if (seg != null) {
          insert(grown, seg, hash(seg.name));
        }
      }
      slots = grown;
    }

    private static void insert(Segment[] table, Segment seg, int hash) {
      int mask = table.length - 1;
      int i = hash & mask;
      while (table[i] != null) {
        i = (i + 1) & mask;
      }
      SLOTS.setRelease(table, i, seg);
    }

    /**
     * Empties {@code hole}, moving back each following entry of the run that the hole would cut off from its home
     * slot. Each entry is written to its new slot before its old one is overwritten, so a reader always finds it in
     * one of them, or falls back on the locked probe.
     */
    private static void deleteAt(Segment[] table, int hole) {
      int mask = table.length - 1;
      for (int i = (hole + 1) & mask; table[i] != null; i = (i + 1) & mask) {
        int home = hash(table[i].name) & mask;
        // The entry at i may fill the hole unless its home lies cyclically in (hole, i].
        boolean homeAfterHole = hole <= i ? hole < home && home <= i : hole < home || home <= i;
        if (!homeAfterHole) {
          SLOTS.setRelease(table, hole, table[i]);
          hole = i;
        }
      }
      SLOTS.setRelease(table, hole, null);
    }
  }

  /** Iterates over one stripe's copy at a time. */
  private final class SnapshotIterator implements Iterator<Segment> {
    private int nextStripe;
    private Segment[] batch = new Segment[0];
    private int position;

    @Override
    public boolean hasNext() {
      while (position == batch.length) {
        if (nextStripe == stripes.length) {
          return false;
        }
        Stripe stripe = stripes[nextStripe++];
        synchronized (stripe) {
          batch = new Segment[stripe.count];
          int filled = 0;
          for (Segment seg : stripe.slots) {
            if (seg != null) {
              batch[filled++] = seg;
            }
          }
        }
        position = 0;
      }
      return true;
    }

    @Override
    public Segment next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return batch[position++];
    }
  }
}
