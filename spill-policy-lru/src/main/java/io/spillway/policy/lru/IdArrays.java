package io.spillway.policy.lru;

import java.util.Arrays;

/**
 * Lengths for this module's arrays indexed by segment id. Internal, may change.
 *
 * <p>Ids are dense and stay below the largest number of segments registered at once, so an array indexed by id grows
 * only when an admitted id reaches its length, about doubling. Its lengths are four short of a power of two: under G1
 * an array larger than half a region takes whole regions of its own, and header and data of an {@code int[]} or
 * {@code long[]} of such a length fill them exactly, where a power-of-two length would spill into one more region.
 * spill-policy-lru and spill-policy-lfu each keep a copy of this class: a policy module depends on spill-api alone.
 */
final class IdArrays {
  /** The first length: 12. */
  static final int INITIAL = 12;
  private static final int MAX = (1 << 30) - 4;

  private IdArrays() {}

  /**
   * The length for arrays that must hold index {@code id}: {@code length} if it already does, else the next of the
   * sequence 12, 28, 60, ... that does.
   *
   * @throws IllegalStateException past a billion ids
   */
  static int lengthFor(int id, int length) {
    if (id < length) {
      return length;
    }
    if (id >= MAX) {
      throw new IllegalStateException("cannot index segment id " + id + ": over a billion segments");
    }
    int grown = Math.max(INITIAL, length);
    while (grown <= id) {
      grown = (grown + 4) * 2 - 4;
    }
    return grown;
  }

  /** {@code array} grown to {@code length}, the new elements set to {@code fill}. */
  static int[] grow(int[] array, int length, int fill) {
    int old = array.length;
    int[] grown = Arrays.copyOf(array, length);
    if (fill != 0) {
      Arrays.fill(grown, old, length, fill);
    }
    return grown;
  }
}
