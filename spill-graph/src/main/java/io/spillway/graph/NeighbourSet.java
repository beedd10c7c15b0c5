package io.spillway.graph;

import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * An immutable snapshot of one neighbour list of a {@link SpillingGraph}: a sorted slice of ids, shown as nodes
 * through the graph's {@link NodeMapper}. Thread-safe (immutable).
 */
final class NeighbourSet<N> extends AbstractSet<N> {
  private final NodeMapper<N> mapper;
  private final long[] ids;
  private final int from;
  private final int to;

  /** The nodes of ids {@code ids[from..to)}, sorted and duplicate-free; the array is not copied nor changed. */
  NeighbourSet(NodeMapper<N> mapper, long[] ids, int from, int to) {
    this.mapper = mapper;
    this.ids = ids;
    this.from = from;
    this.to = to;
  }

  @Override
  public int size() {
    return to - from;
  }

  @Override
  public boolean contains(Object o) {
    if (o == null) {
      return false;
    }
    long id = mapper.toId(o, false);
    return id != NodeMapper.NO_ID && Arrays.binarySearch(ids, from, to, id) >= 0;
  }

  @Override
  public Iterator<N> iterator() {
    return new Iterator<N>() {
      private int at = from;

      @Override
      public boolean hasNext() {
        return at < to;
      }

      @Override
      public N next() {
        if (at >= to) {
          throw new NoSuchElementException();
        }
        return mapper.fromId(ids[at++]);
      }
    };
  }
}
