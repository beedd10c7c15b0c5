package io.spillway.policy.lru;

import io.spillway.api.spi.SegmentIds;
import io.spillway.api.spi.SpillPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Least recently used first. Internal, may change.
 *
 * <p>Resident segments form a doubly linked list in recency order, least recent first: a use moves the segment to
 * the most recent end, a resize changes its size in place and leaves the order alone. A spilled segment leaves the
 * list and keeps its size until it is reloaded as the most recent. Every event is O(1). Selection walks from the
 * least recent end: O(1) per victim and per ineligible segment passed over.
 *
 * <p>Memory: each segment has a number from {@link SegmentIds}, also its {@linkplain #accessHandle access handle};
 * its size and its two list links sit at that index of three arrays. A million segments cost some 28 bytes each
 * (name reference, name index, size, links), not the 70 or so of a {@code LinkedHashMap} entry with a boxed size, and
 * an access reported by handle touches the segment's links and its two neighbours', with no name lookup.
 *
 * <p>Events about segments the policy does not know in the required state (an access to a spilled or unknown
 * segment, a reload of a resident one, ...) are ignored rather than thrown on, so that a policy never breaks
 * the core's bookkeeping; an admit of a known name replaces the old segment.
 *
 * <p>Not thread-safe: the core calls it from one thread at a time.
 */
final class LruPolicy implements SpillPolicy {
  /** The link of a list end, and the {@link #older} link of a spilled segment's number (see {@link #SPILLED}). */
  private static final int NIL = -1;
  /** The {@link #older} link that marks a spilled segment: out of the list, its size kept. */
  private static final int SPILLED = -2;

  private final SegmentIds ids = new SegmentIds();
  /** By number: the registered size. */
  private long[] sizes = new long[ids.capacity()];
  /** By number: the next less recently used resident segment, {@link #NIL} for the least recent, or {@link #SPILLED}. */
  private int[] older = new int[ids.capacity()];
  /** By number: the next more recently used resident segment, {@link #NIL} for the most recent. */
  private int[] newer = new int[ids.capacity()];
  /** The least recently used resident segment, or {@link #NIL}. */
  private int eldest = NIL;
  /** The most recently used resident segment, or {@link #NIL}. */
  private int youngest = NIL;

  @Override
  public void onAdmit(String segment, long size) {
    int id = ids.find(segment);
    if (id == SegmentIds.NONE) {
      id = ids.add(segment);
      if (sizes.length < ids.capacity()) {
        sizes = Arrays.copyOf(sizes, ids.capacity());
        older = Arrays.copyOf(older, ids.capacity());
        newer = Arrays.copyOf(newer, ids.capacity());
      }
    } else if (older[id] != SPILLED) {
      unlink(id);
    }
    sizes[id] = size;
    linkYoungest(id);
  }

  @Override
  public void onAccess(String segment) {
    int id = ids.find(segment);
    if (id != SegmentIds.NONE) {
      use(id);
    }
  }

  /** The segment's number: valid from its admission until its removal. */
  @Override
  public int accessHandle(String segment) {
    return ids.find(segment);
  }

  @Override
  public void onAccess(int handle) {
    use(ids.requireInUse(handle));
  }

  @Override
  public void onResize(String segment, long oldSize, long newSize) {
    int id = ids.find(segment);
    if (id != SegmentIds.NONE) {
      sizes[id] = newSize;
    }
  }

  @Override
  public void onSpill(String segment) {
    int id = ids.find(segment);
    if (id != SegmentIds.NONE && older[id] != SPILLED) {
      unlink(id);
      older[id] = SPILLED;
    }
  }

  @Override
  public void onReload(String segment) {
    int id = ids.find(segment);
    if (id != SegmentIds.NONE && older[id] == SPILLED) {
      linkYoungest(id);
    }
  }

  @Override
  public void onRemove(String segment) {
    int id = ids.remove(segment);
    if (id != SegmentIds.NONE && older[id] != SPILLED) {
      unlink(id);
    }
  }

  @Override
  public List<String> selectVictims(long bytesToFree, Predicate<String> eligible) {
    Objects.requireNonNull(eligible, "eligible");
    List<String> victims = new ArrayList<>();
    // Counting down what is still missing cannot overflow, unlike adding up what was freed.
    long missing = bytesToFree;
    for (int id = eldest; id != NIL && missing > 0; id = newer[id]) {
      String segment = Objects.requireNonNull(ids.segment(id));
      if (eligible.test(segment)) {
        victims.add(segment);
        missing -= sizes[id];
      }
    }
    return victims;
  }

  /** Makes a resident segment the most recently used; ignores a spilled one. */
  private void use(int id) {
    if (older[id] == SPILLED || id == youngest) {
      return;
    }
    unlink(id);
    linkYoungest(id);
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
    return "LruPolicy{segments=" + ids.size() + ", capacity=" + ids.capacity() + "}";
  }
}
