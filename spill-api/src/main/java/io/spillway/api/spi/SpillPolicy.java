package io.spillway.api.spi;

import java.util.function.IntPredicate;

/**
 * Chooses which resident segments to spill. The core tells a policy of every event in a segment's life, by the
 * segment's id, and asks it for victims, by id, when memory must be freed.
 *
 * <p><b>Ids.</b> The core gives each segment a dense int id, zero or more, for its whole registered life: from
 * {@link #onAdmit} to {@link #onRemove}, every event on the segment carries that id. An id is given to another
 * segment only after {@link #onRemove} of the one that held it. Ids stay below the largest number of segments
 * registered at once, because the core reuses freed ids before it hands out new ones; so a policy keeps its
 * per-segment state in plain arrays indexed by id, grown on demand (in {@link #onAdmit}, the only event that can
 * bring an id the policy has not seen), and never looks a name up on the hot path. The name and the size come once,
 * with {@link #onAdmit}; after that the policy knows the segment by its id alone.
 *
 * <p><b>Events.</b> A segment is admitted resident. It may then be accessed, resized, spilled, reloaded (only after a
 * spill) and removed, in any order the lifecycle allows: accesses and spills only while it is resident, a reload only
 * while it is spilled, a resize or a removal in either state, and nothing after its removal. Sizes are the registered
 * sizes, in bytes, never negative.
 *
 * <p><b>Threading.</b> A policy need not be thread-safe. The core calls each instance from one thread at a time,
 * with happens-before between calls. Accesses are buffered and delivered in batches, so a policy may hear of an
 * access some time after it happened, but always after the segment's {@link #onAdmit} and before its next
 * {@link #onSpill} or {@link #onRemove}; the core drops an access now and then under contention, as a cache drops
 * reads, and tells only a share of them when readers record faster than the policy takes them in, so accesses are a
 * sample, not a count.
 *
 * <p><b>Cost.</b> Accesses are by far the most frequent event. Implementations should keep each event and each
 * victim at O(log n) cost or better in the number of segments, and an access at O(1) if they can.
 */
public interface SpillPolicy {
  /**
   * A resident segment of {@code size} bytes was registered as {@code segment}: the only event that carries its name
   * and size. The id may have been another segment's, always one already removed.
   *
   * @param segment the segment's id, zero or more
   * @param name the segment's name, for policies that rank or hash by name
   * @param size its registered size in bytes
   */
  void onAdmit(int segment, String name, long size);

  /** A resident segment was used. */
  void onAccess(int segment);

  /**
   * Resident segments were used: {@code segments[0]} to {@code segments[count - 1]}, in that order (an id may repeat).
   * Must have exactly the effect of {@link #onAccess(int)} on each in turn, which the default does; a policy may
   * override it to work through the batch faster. The array belongs to the caller and is reused after the call.
   */
  default void onAccess(int[] segments, int count) {
    for (int i = 0; i < count; i++) {
      onAccess(segments[i]);
    }
  }

  /** A segment's registered size changed from {@code oldSize} to {@code newSize}; it may be resident or spilled. */
  void onResize(int segment, long oldSize, long newSize);

  /** A resident segment's bytes were moved to the store. */
  void onSpill(int segment);

  /** A spilled segment's bytes were brought back; it is resident again. */
  void onReload(int segment);

  /**
   * The reload just reported by {@link #onReload} took {@code nanos} nanoseconds: reading the segment's copy from the
   * store, verifying and decoding it, as the core measured it. Told after {@link #onReload} for every reload that read
   * a stored copy (not when a spilled segment was replaced by a new value), so that a cost-aware policy can learn what
   * a miss costs on this store, a latency plus bytes, and weigh it against the bytes a segment holds. The default
   * ignores it.
   *
   * @param segment the reloaded segment's id; resident when this is called
   * @param nanos the time the reload took, zero or more
   */
  default void onReloadCost(int segment, long nanos) {}

  /** A segment, resident or spilled, was unregistered. The policy must forget it: its id may come back for another. */
  void onRemove(int segment);

  /**
   * Chooses resident segments to spill so that at least {@code bytesToFree} bytes are freed.
   *
   * <p>Contract: every id returned is resident, known to the policy (admitted and not removed), accepted by
   * {@code eligible}, and appears once; the array is in the order the segments should be spilled; the policy stops
   * adding victims once their sizes reach {@code bytesToFree}; if all eligible resident segments together hold fewer
   * bytes, it returns all of them. Returns an empty array when {@code bytesToFree <= 0}. Choosing victims is not
   * spilling them: the policy learns of each actual spill through {@link #onSpill}, and the core may spill fewer
   * (a victim may stop being eligible meanwhile). The returned array is the caller's.
   *
   * @param bytesToFree bytes the caller must free
   * @param eligible accepts the ids of the segments the core allows to be spilled now (for example not pinned, not
   *     below the minimum size); called under the same thread, only during this call
   */
  int[] selectVictims(long bytesToFree, IntPredicate eligible);
}
