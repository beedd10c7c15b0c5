package io.spillway.policy.lru;

import io.spillway.api.spi.SpillPolicy;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

/**
 * Least recently used first. Internal, may change.
 *
 * <p>Resident segments form a doubly linked list in recency order, least recent first: a use moves the segment to
 * the most recent end, a resize changes its size in place and leaves the order alone. A spilled segment leaves the
 * list and keeps its size until it is reloaded as the most recent. Every event is O(1). Selection walks from the
 * least recent end: O(1) per victim and per ineligible segment passed over.
 *
 * <p>Memory: a segment's size and its two list links sit at its id in three arrays, 16 bytes per segment, with no
 * object and no name lookup; an access touches the segment's links and its two neighbours'.
 *
 * <p>Events about segments the policy does not know in the required state (an access to a spilled or unknown
 * segment, a reload of a resident one, ...) are ignored rather than thrown on, so that a policy never breaks
 * the core's bookkeeping; an admit of a known id replaces the old segment.
 *
 * <p>Not thread-safe: the core calls it from one thread at a time.
 */
final class LruPolicy implements SpillPolicy {
  /** The link of a list end, and the {@link #older} link of a spilled segment's number (see {@link #SPILLED}). */
  private static final int NIL = -1;
  /** The {@link #older} link that marks a spilled segment: out of the list, its size kept. */
  private static final int SPILLED = -2;
  /** The {@link #older} link of an id no known segment has. */
  private static final int FREE = -3;

  /** By id: the registered size. */
  private long[] sizes = new long[IdArrays.INITIAL];
  /**
   * By id: the next less recently used resident segment, {@link #NIL} for the least recent, {@link #SPILLED}, or
   * {@link #FREE}.
   */
  private int[] older = IdArrays.grow(new int[0], IdArrays.INITIAL, FREE);
  /** By id: the next more recently used resident segment, {@link #NIL} for the most recent. */
  private int[] newer = new int[IdArrays.INITIAL];
  /** The least recently used resident segment, or {@link #NIL}. */
  private int eldest = NIL;
  /** The most recently used resident segment, or {@link #NIL}. */
  private int youngest = NIL;
  private int known;

  @Override
  public void onAdmit(int segment, String name, long size) {
    if (segment < 0) {
      return;
    }
    if (segment >= older.length) {
      int length = IdArrays.lengthFor(segment, older.length);
      sizes = Arrays.copyOf(sizes, length);
      older = IdArrays.grow(older, length, FREE);
      newer = Arrays.copyOf(newer, length);
    }
    onRemove(segment);
    sizes[segment] = size;
    linkYoungest(segment);
    known++;
  }

  @Override
  public void onAccess(int segment) {
    if (isResident(segment) && segment != youngest) {
      unlink(segment);
      linkYoungest(segment);
    }
  }

  @Override
  public void onResize(int segment, long oldSize, long newSize) {
    if (isKnown(segment)) {
      sizes[segment] = newSize;
    }
  }

  @Override
  public void onSpill(int segment) {
    if (isResident(segment)) {
      unlink(segment);
      older[segment] = SPILLED;
    }
  }

  @Override
  public void onReload(int segment) {
    if (isKnown(segment) && older[segment] == SPILLED) {
      linkYoungest(segment);
    }
  }

  @Override
  public void onRemove(int segment) {
    if (!isKnown(segment)) {
      return;
    }
    if (older[segment] != SPILLED) {
      unlink(segment);
    }
    older[segment] = FREE;
    known--;
  }

  @Override
  public int[] selectVictims(long bytesToFree, IntPredicate eligible) {
    Objects.requireNonNull(eligible, "eligible");
    IntStream.Builder victims = IntStream.builder();
    // Counting down what is still missing cannot overflow, unlike adding up what was freed.
    long missing = bytesToFree;
    for (int id = eldest; id != NIL && missing > 0; id = newer[id]) {
      if (eligible.test(id)) {
        victims.add(id);
        missing -= sizes[id];
      }
    }
    return victims.build().toArray();
  }

  private boolean isKnown(int segment) {
    return segment >= 0 && segment < older.length && older[segment] != FREE;
  }

  private boolean isResident(int segment) {
    return isKnown(segment) && older[segment] != SPILLED;
  }

  /** Takes a resident segment out of the list. */
  private void unlink(int id) {
    int before = older[id];
    int after = newer[id];
    if (before == NIL) {
      eldest = after;
    } else {
      newer[before] = after;
    }
    if (after == NIL) {
      youngest = before;
    } else {
      older[after] = before;
    }
  }

  /** Puts a segment that is not in the list at its most recent end. */
  private void linkYoungest(int id) {
    older[id] = youngest;
    newer[id] = NIL;
    if (youngest == NIL) {
      eldest = id;
    } else {
      newer[youngest] = id;
    }
    youngest = id;
  }

  @Override
  public String toString() {
    return "LruPolicy{segments=" + known + ", capacity=" + older.length + "}";
  }
}
