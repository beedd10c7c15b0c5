package io.spillway.core.internal;

/**
 * Capacities for arrays that may grow to millions of elements, chosen so that the JVM does not waste heap on them:
 * for the core's arrays indexed by segment id. Internal, may change.
 *
 * <p>G1, the default collector, stores an array larger than half a region (1 to 32 MiB) in whole regions of its own.
 * An array of a power-of-two length carries a 16-byte header on top of a power-of-two payload, so it overflows into
 * one more region than its data needs: a {@code long[1 << 20]} (8 MiB + 16 bytes) takes three 4 MiB regions and
 * wastes a third of them. The capacities here are four elements short of a power of two, so that header and data
 * together are at most a power of two for elements of 4 or 8 bytes, and such arrays fill their regions exactly.
 */
final class ArrayCapacity {
  /** Elements a capacity leaves out of a power of two: room for a 16-byte header in elements of 4 bytes. */
  private static final int HEADER_ROOM = 4;
  /** The largest capacity of the sequence that an array can have. */
  private static final int MAX = (1 << 30) - HEADER_ROOM;

  private ArrayCapacity() {}

  /** The first capacity of the sequence: 12. */
  static int initial() {
    return 16 - HEADER_ROOM;
  }

  /**
   * The capacity after {@code capacity} (one of the sequence): about twice as large.
   *
   * @throws IllegalStateException if there is none (over a billion elements)
   */
  static int grown(int capacity) {
    if (capacity >= MAX) {
      throw new IllegalStateException("cannot grow an array of " + capacity + " elements any further");
    }
    return (capacity + HEADER_ROOM) * 2 - HEADER_ROOM;
  }
}
