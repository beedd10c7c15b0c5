package io.spillway.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;

/**
 * The manager's segments by name: a concurrent hash table of {@link Segment} references keyed by each segment's own
 * {@link Segment#name}, so that a segment costs the table a reference (4 bytes with compressed references) and a
 * byte of tag per slot at a load of 37–75%, 7–13 bytes, where a {@code ConcurrentHashMap} entry costs a 32-byte
 * node and about 8 bytes of table. With a million segments that is some 30 MB of heap, and no 8 MiB table that G1
 * keeps in three 4 MiB regions of its own.
 *
 * <p><b>Layout.</b> The names are spread over stripes by hash ({@value #STRIPES} in a manager); each stripe is a
 * linear-probing table whose length is a power of two, doubled when an insertion would take it past
 * {@value #MAX_LOAD_PERCENT}% and halved when a removal leaves it under an eighth full. Deletion shifts the following
 * entries back, so no tombstones build up.
 *
 * <p><b>Hashing.</b> A name's {@code String.hashCode} picks the stripe through a multiplicative hash's top bits and
 * the first slot through its own low bits spread as {@code HashMap} does; a slot holds the segment reference and a
 * one-byte tag of the hash, which lets a probe pass other names' slots without reading their segments.
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
  private static final int GOLDEN = 0x9E3779B9;
  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Segment[].class);
  private static final VarHandle TABLES = MethodHandles.arrayElementVarHandle(Table[].class);

  /** Each stripe's current table, read by lookups straight from here (one load less than through its stripe). */
  private final Table[] tables;
  /** Each stripe's lock and count. */
  private final Stripe[] stripes;
  /** The stripe is the multiplicative hash's top bits: 32 minus log2 of the stripe count (32 for one stripe). */
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
    tables = new Table[stripeCount];
    stripes = new Stripe[stripeCount];
    for (int i = 0; i < stripeCount; i++) {
      stripes[i] = new Stripe(i);
      tables[i] = new Table(INITIAL_LENGTH);
    }
    stripeShift = Integer.SIZE - Integer.numberOfTrailingZeros(stripeCount);
  }

  /** The segment mapped to {@code name}, or null. */
  @Nullable Segment get(String name) {
    int hash = name.hashCode();
    int index = stripeIndex(hash);
    Segment found = find((Table) TABLES.getAcquire(tables, index), name, hash);
    if (found != null) {
      return found;
    }
    synchronized (stripes[index]) {
      return find(tables[index], name, hash);
    }
  }

  /** Maps {@code seg} under its name; returns the segment it replaced, or null. */
  @Nullable Segment put(Segment seg) {
    Stripe stripe = stripeOf(seg.name);
    synchronized (stripe) {
      return stripe.put(seg, true);
    }
  }

  /** Maps {@code seg} under its name unless the name is mapped; returns the segment mapped before, or null. */
  @Nullable Segment putIfAbsent(Segment seg) {
    Stripe stripe = stripeOf(seg.name);
    synchronized (stripe) {
      return stripe.put(seg, false);
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
    Stripe stripe = stripeOf(fresh.name);
    synchronized (stripe) {
      Table table = tables[stripe.index];
      int slot = table.slotOf(fresh.name);
      if (slot < 0 || table.slots[slot] != old) {
        return false;
      }
      SLOTS.setRelease(table.slots, slot, fresh);
      return true;
    }
  }

  /** Unmaps {@code seg}'s name if it maps to {@code seg} (the same object); returns whether it did. */
  boolean remove(Segment seg) {
    Stripe stripe = stripeOf(seg.name);
    synchronized (stripe) {
      return stripe.remove(seg);
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
        stripe.publish(new Table(INITIAL_LENGTH));
        stripe.count = 0;
      }
    }
  }

  @Override
  public Iterator<Segment> iterator() {
    return new SnapshotIterator();
  }

  private int stripeIndex(int hash) {
    return (int) (Integer.toUnsignedLong(hash * GOLDEN) >>> stripeShift);
  }

  private Stripe stripeOf(String name) {
    return stripes[stripeIndex(name.hashCode())];
  }

  /** The first slot a name of hash {@code hash} is probed at, in a table of {@code mask + 1} slots. */
  static int home(int hash, int mask) {
    return (hash ^ (hash >>> 16)) & mask;
  }

  /**
   * A byte of a name's hash for a slot's tag: bits of the multiplicative hash below those that chose the stripe, so
   * that names of one stripe and one home slot still differ in it.
   */
  static byte tag(int hash) {
    return (byte) ((hash * GOLDEN) >>> 16);
  }

  /** Probes {@code table} for {@code name}; reads each slot once, with acquire semantics. */
  private static @Nullable Segment find(Table table, String name, int hash) {
    Segment[] slots = table.slots;
    byte[] tags = table.tags;
    byte tag = tag(hash);
    int mask = slots.length - 1;
    for (int i = home(hash, mask); ; i = (i + 1) & mask) {
      Segment seg = (Segment) SLOTS.getAcquire(slots, i);
      if (seg == null) {
        return null;
      }
      // The slot's tag is written before its segment, so it is that segment's or a newer one's: a filter only.
      // The name compared is the argument, the caller's string, whose fields this thread has just read.
      if (tags[i] == tag && (seg.name == name || name.equals(seg.name))) {
        return seg;
      }
    }
  }

  /**
   * One stripe's table: each slot's segment and, beside it, a byte of its name's hash (see {@link #tag}), so that a
   * probe passes the slots of other names without reading their segments but once in 256. Replaced, never resized
   * in place, under the stripe's lock.
   */
  private static final class Table {
    final Segment[] slots;
    final byte[] tags;

    Table(int length) {
      slots = new Segment[length];
      tags = new byte[length];
    }

    int length() {
      return slots.length;
    }

    /** The slot of {@code name}, or -1. Caller holds the stripe's lock. */
    int slotOf(String name) {
      int hash = name.hashCode();
      byte tag = tag(hash);
      int mask = slots.length - 1;
      for (int i = home(hash, mask); slots[i] != null; i = (i + 1) & mask) {
        if (tags[i] == tag && slots[i].name.equals(name)) {
          return i;
        }
      }
      return -1;
    }

    void insert(Segment seg) {
      int hash = seg.name.hashCode();
      int mask = slots.length - 1;
      int i = home(hash, mask);
      while (slots[i] != null) {
        i = (i + 1) & mask;
      }
      set(i, seg, tag(hash));
    }

    /** The tag first, then the segment with release semantics (see {@link #find}). */
    private void set(int slot, @Nullable Segment seg, byte tag) {
      tags[slot] = tag;
      SLOTS.setRelease(slots, slot, seg);
    }

    /**
     * Empties {@code hole}, moving back each following entry of the run that the hole would cut off from its home
     * slot. Each entry is written to its new slot before its old one is overwritten, so a reader always finds it in
     * one of them, or falls back on the locked probe.
     */
    void deleteAt(int hole) {
      int mask = slots.length - 1;
      for (int i = (hole + 1) & mask; slots[i] != null; i = (i + 1) & mask) {
        int home = home(slots[i].name.hashCode(), mask);
        // The entry at i may fill the hole unless its home lies cyclically in (hole, i].
        boolean homeAfterHole = hole <= i ? hole < home && home <= i : hole < home || home <= i;
        if (!homeAfterHole) {
          set(hole, slots[i], tags[i]);
          hole = i;
        }
      }
      set(hole, null, (byte) 0);
    }

    /** A table of {@code length} slots holding this one's segments. */
    Table resized(int length) {
      Table resized = new Table(length);
      for (Segment seg : slots) {
        if (seg != null) {
          resized.insert(seg);
        }
      }
      return resized;
    }
  }

  /** One stripe's lock and count; its table is {@code tables[index]}. */
  private final class Stripe {
    final int index;
    volatile int count;

    Stripe(int index) {
      this.index = index;
    }

    /** Publishes {@code table} as the stripe's; readers still probing the old one see it whole. */
    void publish(Table table) {
      TABLES.setRelease(tables, index, table);
    }

    @Nullable Segment put(Segment seg, boolean replace) {
      Table table = tables[index];
      int slot = table.slotOf(seg.name);
      if (slot >= 0) {
        Segment previous = table.slots[slot];
        if (replace) {
          SLOTS.setRelease(table.slots, slot, seg);
        }
        return previous;
      }
      if ((count + 1) * 100L > (long) table.length() * MAX_LOAD_PERCENT) {
        table = table.resized(table.length() * 2);
        publish(table);
      }
      table.insert(seg);
      count++;
      return null;
    }

    boolean remove(Segment seg) {
      Table table = tables[index];
      int slot = table.slotOf(seg.name);
      if (slot < 0 || table.slots[slot] != seg) {
        return false;
      }
      table.deleteAt(slot);
      count--;
      if (table.length() > INITIAL_LENGTH && count * 8L < table.length()) {
        publish(table.resized(table.length() / 2));
      }
      return true;
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
          for (Segment seg : tables[stripe.index].slots) {
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
