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
 *
 * <p><b>Access handles (optional).</b> Accesses are by far the most frequent event, and finding a segment by name
 * costs a policy a hash lookup of its own on each one. A policy that can find its segments by a small number
 * instead returns that number from {@link #accessHandle}; the core keeps it with the segment and reports accesses
 * through {@link #onAccess(int)}, as a cache's read buffer carries the entry rather than its key. A policy that
 * does not override {@link #accessHandle} is told of every access by name.
 */
public interface SpillPolicy {
  /** What {@link #accessHandle} returns for a segment the policy wants to be told of by name. */
  int NO_HANDLE = -1;

  /** A resident segment of {@code size} bytes was registered. */
  void onAdmit(String segment, long size);

  /** A resident segment was used. */
  void onAccess(String segment);

  /**
   * The handle by which {@link #onAccess(int)} finds {@code segment} without a lookup: a number of zero or more, or
   * {@link #NO_HANDLE} (the default) to be told of its accesses by name.
   *
   * <p>The core asks right after {@link #onAdmit} of the segment and keeps the answer until it tells the policy of
   * the segment's removal; the handle must stay valid that long, and may be given to another segment only after
   * {@link #onRemove}. Between the two, every access to the segment is reported through {@link #onAccess(int)}
   * with this handle, never by name.
   */
  default int accessHandle(String segment) {
    return NO_HANDLE;
  }

  /**
   * A resident segment was used: the one whose {@link #accessHandle} is {@code handle}. Must have exactly the
   * effect of {@link #onAccess(String)} on that segment. Called only with a handle this policy returned and has not
   * yet seen removed; a policy that returns handles must override it (the default throws
   * {@link UnsupportedOperationException}).
   */
  default void onAccess(int handle) {
    throw new UnsupportedOperationException(
        getClass().getName() + " returned access handles but does not override onAccess(int)");
  }

  /**
   * Resident segments were used: those whose {@link #accessHandle}s are {@code handles[0]} to
   * {@code handles[count - 1]}, in that order (a handle may repeat). Must have exactly the effect of
   * {@link #onAccess(int)} on each in turn, which the default does; a policy may override it to work through the
   * batch faster. The array belongs to the caller and is reused after the call.
   */
  default void onAccess(int[] handles, int count) {
    for (int i = 0; i < count; i++) {
      onAccess(handles[i]);
    }
  }

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
