package io.spillway.api.spi;

import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Small numbers for segment names, for {@link SpillPolicy} authors: each segment added gets an id, dense from 0,
 * that it keeps until it is removed; a removed segment's id goes to a later one. A policy keeps its per-segment state
 * in arrays indexed by id (no object per segment) and gives the ids to the core as
 * {@linkplain SpillPolicy#accessHandle access handles}, so that an access costs it one array element, not a name
 * lookup.
 *
 * <p><b>Parallel arrays.</b> Every id in use is below {@link #capacity()}. The capacity grows, through
 * {@link ArrayCapacity}'s lengths, only in {@link #add}; after each add, a policy makes its own arrays at least that
 * long ({@code if (sizes.length < ids.capacity()) sizes = Arrays.copyOf(sizes, ids.capacity());}). Ids are handed
 * out lowest first and the most recently freed id is reused first, so the arrays never outgrow the peak number of
 * segments.
 *
 * <p><b>Memory.</b> Per id: the name reference (4 bytes with compressed references); per segment, its share of a
 * name index of ints at most three quarters full, which doubles when it would pass that (5.3 to 10.7 bytes while
 * segments are only added; the index does not shrink); freed ids waiting for reuse take 4 bytes each. Lookups probe linearly; removal shifts later entries back, so there are no tombstones.
 *
 * <p>Not thread-safe, like the policies it is made for.
 */
public final class SegmentIds {
  /**
   * What {@link #find} and {@link #remove} return for a name that has no id: {@link SpillPolicy#NO_HANDLE}, so that
   * {@link #find}'s answer is what {@link SpillPolicy#accessHandle} returns.
   */
  public static final int NONE = SpillPolicy.NO_HANDLE;

  /** By id: the name, or null for an id not in use. */
  private @Nullable String[] names = new String[ArrayCapacity.initial()];
  /**
   * Name lookup: id + 1 per slot, 0 for an empty slot. Its length is not a power of two ({@link ArrayCapacity}), so a
   * hash is mapped to a slot by multiplication rather than by a mask (Lemire's reduction).
   */
  private int[] index = new int[ArrayCapacity.grown(ArrayCapacity.initial())];
  /** Freed ids, the most recently freed last. */
  private int[] free = new int[0];
  private int freeCount;
  /** Ids below this have been handed out at least once. */
  private int limit;
  private int size;

  /** Creates an empty numbering. */
  public SegmentIds() {}

  /**
   * Gives {@code segment} an id: the most recently freed one, else the lowest never used. May grow
   * {@link #capacity()}.
   *
   * @return the id, zero or more
   * @throws IllegalArgumentException if {@code segment} already has an id
   * @throws IllegalStateException if over a billion segments have ids
   */
  public int add(String segment) {
    Objects.requireNonNull(segment, "segment");
    if (slotOf(segment) >= 0) {
      throw new IllegalArgumentException("segment already has an id: " + segment);
    }
    if ((size + 1) * 4L > index.length * 3L) {
      rebuildIndex(ArrayCapacity.grown(index.length));
    }
    int id;
    if (freeCount > 0) {
      id = free[--freeCount];
    } else {
      if (limit == names.length) {
        names = Arrays.copyOf(names, ArrayCapacity.grown(names.length));
      }
      id = limit++;
    }
    names[id] = segment;
    index[emptySlot(segment)] = id + 1;
    size++;
    return id;
  }

  /** The id of {@code segment}, or {@link #NONE}. */
  public int find(String segment) {
    int slot = slotOf(segment);
    return slot < 0 ? NONE : index[slot] - 1;
  }

  /**
   * Takes {@code segment}'s id away; the id may be given to the next segment added.
   *
   * @return the id it had, or {@link #NONE} if it had none
   */
  public int remove(String segment) {
    int slot = slotOf(segment);
    if (slot < 0) {
      return NONE;
    }
    int id = index[slot] - 1;
    deleteSlot(slot);
    names[id] = null;
    if (freeCount == free.length) {
      free = Arrays.copyOf(free, free.length == 0 ? ArrayCapacity.initial() : ArrayCapacity.grown(free.length));
    }
    free[freeCount++] = id;
    size--;
    return id;
  }

  /**
   * Returns {@code handle} if it is the id of a segment, for {@link SpillPolicy#onAccess(int)}.
   *
   * @throws IllegalArgumentException if no segment has that id
   */
  public int requireInUse(int handle) {
    if (segment(handle) == null) {
      throw new IllegalArgumentException("no segment has access handle " + handle);
    }
    return handle;
  }

  /** The segment that has id {@code id}, or null if no segment has it (any int may be asked). */
  public @Nullable String segment(int id) {
    return id >= 0 && id < limit ? names[id] : null;
  }

  /** The number of segments with ids. */
  public int size() {
    return size;
  }

  /** Every id handed out so far is below this: the bound for a walk over all ids, skipping those not in use. */
  public int limit() {
    return limit;
  }

  /** The length arrays indexed by id need: every id in use, and every id {@link #add} has returned, is below it. */
  public int capacity() {
    return names.length;
  }

  /** The slot where {@code name}'s probe starts: its spread hash scaled to the index length. */
  private int home(String name) {
    int h = SegmentTable.spread(name.hashCode());
    return (int) ((h & 0xFFFF_FFFFL) * index.length >>> 32);
  }

  /** The slot after {@code slot}, wrapping around. */
  private int next(int slot) {
    return slot + 1 == index.length ? 0 : slot + 1;
  }

  /** The index slot holding {@code name}'s id, or -1. */
  private int slotOf(String name) {
    for (int slot = home(name); ; slot = next(slot)) {
      int entry = index[slot];
      if (entry == 0) {
        return -1;
      }
      String held = names[entry - 1];
      if (held == name || held.equals(name)) {
        return slot;
      }
    }
  }

  private int emptySlot(String name) {
    int slot = home(name);
    while (index[slot] != 0) {
      slot = next(slot);
    }
    return slot;
  }

  /** Empties index {@code slot}, shifting back later entries of the same probe run so that lookups still find them. */
  private void deleteSlot(int slot) {
    int gap = slot;
    for (int probe = next(gap); index[probe] != 0; probe = next(probe)) {
      int home = home(names[index[probe] - 1]);
      // The entry at probe may move into the gap unless its home lies cyclically in (gap, probe].
      boolean homeBetween = gap <= probe ? gap < home && home <= probe : gap < home || home <= probe;
      if (!homeBetween) {
        index[gap] = index[probe];
        gap = probe;
      }
    }
    index[gap] = 0;
  }

  private void rebuildIndex(int length) {
    index = new int[length];
    for (int id = 0; id < limit; id++) {
      String name = names[id];
      if (name != null) {
        index[emptySlot(name)] = id + 1;
      }
    }
  }

  @Override
  public String toString() {
    return "SegmentIds{size=" + size + ", capacity=" + names.length + "}";
  }
}
