package io.spillway.core.internal;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The core's one numbering of segments: the id each admitted segment holds until its removal, which the policy is
 * told with every event, the access buffer carries and victims come back as. Internal, may change.
 *
 * <p>An id is the segment's slot in {@link AccessCounts}, which hands out the most recently freed slot first, so ids
 * stay below the largest number of segments admitted at once. By id this table keeps the segment (to turn a victim's
 * id back into a segment) and what the policy has been told of it, resident or spilled (so that a drain delivers an
 * access only for a resident segment without reading the segment itself: the drain touches two arrays, not the
 * segments' cache lines, which the reading threads share). The states take two bits an id, sixteen to an int: a
 * quarter of a byte per segment, and for up to some four million segments an array below G1's humongous size (a
 * {@code byte[]} of a million would take a whole 2 MiB region for its 1 MiB).
 *
 * <p>Not thread-safe: the manager uses it under its policy lock.
 */
final class SegmentIdTable {
  /** What a segment holds while it has no id: before its admission and after its removal. */
  static final int NO_ID = AccessCounts.NO_SLOT;

  // What the policy has been told of the segment holding an id (states).
  /** No segment holds the id. */
  private static final int FREE = 0;
  /** Admitted or reloaded, not spilled. */
  private static final int RESIDENT = 1;
  /** Told of its spill. */
  private static final int SPILLED = 2;
  /** Retired by the manager, not yet removed from the policy: its accesses are neither counted nor delivered. */
  private static final int RETIRED = 3;

  private final AccessCounts counts = new AccessCounts();
  /** By id: the segment holding it, or null. */
  private @Nullable Segment[] segments = new Segment[ArrayCapacity.initial()];
  /** By id, two bits each, id {@code i} at bits {@code 2 * (i % 16)} of int {@code i / 16}: {@link #FREE} and so on. */
  private int[] states = new int[packedLength(ArrayCapacity.initial())];

  /** Gives {@code seg}, which has no id, an id, resident, its access count zero; returns the id. */
  int admit(Segment seg) {
    int id = counts.take();
    if (id >= segments.length) {
      int length = ArrayCapacity.grown(segments.length);
      segments = Arrays.copyOf(segments, length);
      states = Arrays.copyOf(states, packedLength(length));
    }
    segments[id] = seg;
    setState(id, RESIDENT);
    seg.id = id;
    return id;
  }

  /** Takes {@code seg}'s id away, for the next segment admitted; returns the id it had, or {@link #NO_ID}. */
  int remove(Segment seg) {
    int id = seg.id;
    if (id != NO_ID) {
      seg.id = NO_ID;
      segments[id] = null;
      setState(id, FREE);
      counts.release(id);
    }
    return id;
  }

  /** Stops counting and delivering the accesses of {@code seg}, which is being removed; nothing if it has no id. */
  void retire(Segment seg) {
    int id = seg.id;
    if (id != NO_ID) {
      setState(id, RETIRED);
    }
  }

  /** Records that the policy was told {@code id}'s segment was spilled ({@code spilled}) or is resident again. */
  void setSpilled(int id, boolean spilled) {
    setState(id, spilled ? SPILLED : RESIDENT);
  }

  /** The segment holding {@code id}, or null if none does (any int may be asked). */
  @Nullable Segment segment(int id) {
    return id >= 0 && id < segments.length ? segments[id] : null;
  }

  /**
   * Counts a drained access to {@code id}'s segment; returns whether the policy is to hear of it (the segment is
   * resident as the policy knows it). An id no segment holds now, or a retired segment's, is ignored.
   */
  boolean countAccess(int id) {
    int state = id >= 0 && id < segments.length ? state(id) : FREE;
    if (state == FREE || state == RETIRED) {
      return false;
    }
    counts.increment(id);
    return state == RESIDENT;
  }

  private int state(int id) {
    return (states[id >>> 4] >>> ((id & 15) << 1)) & 3;
  }

  private void setState(int id, int state) {
    int shift = (id & 15) << 1;
    states[id >>> 4] = (states[id >>> 4] & ~(3 << shift)) | (state << shift);
  }

  /** The ints that hold the states of {@code ids} ids. */
  private static int packedLength(int ids) {
    return (ids + 15) >>> 4;
  }

  /** The accesses counted for {@code seg} since its admission; 0 if it has no id. */
  long accessCount(Segment seg) {
    int id = seg.id;
    return id == NO_ID ? 0 : counts.get(id);
  }
}
