package io.spillway.api.spi;

import java.util.List;
import java.util.function.Predicate;

/**
 * Chooses which resident segments to spill. The core tells a policy of every event in a segment's life and asks
 * it for victims when memory must be freed.
 *
 * <p><b>Threading:</b> a policy need not be thread-safe. The core calls each instance from one thread at a time,
 * with happens-before between calls; accesses are buffered and delivered in batches, so a policy may see
 * {@link #onAccess} some time after the access happened, but always after {@link #onAdmit} and before
 * {@link #onRemove} of that segment.
 *
 * <p><b>Events:</b> a segment is admitted resident. It may then be accessed, resized, spilled, reloaded (only
 * after a spill) and removed, in any order the lifecycle allows. A spilled segment may still be resized or
 * removed; it is not accessed until it is reloaded. Sizes are the registered sizes, in bytes.
 *
 * <p>Implementations should keep each event and each victim at O(log n) cost or better in the number of
 * segments.
 */
public interface SpillPolicy {

  /** A resident segment of {@code size} bytes was registered. */
  void onAdmit(String segment, long size);

  /** A resident segment was used. */
  void onAccess(String segment);

  /** A segment's registered size changed; it may be resident or spilled. */
  void onResize(String segment, long oldSize, long newSize);

  /** A resident segment's bytes were moved to the store. */
  void onSpill(String segment);

  /** A spilled segment's bytes were brought back; it is resident again. */
  void onReload(String segment);

  /** A segment, resident or spilled, was unregistered. The policy must forget it. */
  void onRemove(String segment);

  /**
   * Chooses resident segments to spill so that at least {@code bytesToFree} bytes are freed.
   *
   * <p>Contract: every name returned is resident, known to the policy, accepted by {@code eligible} and appears
   * once; the list is in the order the segments should be spilled; the policy stops adding victims once their
   * sizes reach {@code bytesToFree}; if all eligible segments together hold fewer bytes, it returns all of them.
   * Returns an empty list when {@code bytesToFree <= 0}. Choosing victims is not spilling them: the policy learns
   * of each actual spill through {@link #onSpill}.
   *
   * @param bytesToFree bytes the caller must free
   * @param eligible accepts the segments the core allows to be spilled now (for example not pinned, not below
   *     the minimum size)
   */
  List<String> selectVictims(long bytesToFree, Predicate<String> eligible);
}
