package io.spillway.graph;

import java.util.AbstractSet;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The live set of nodes of a {@link SpillingGraph}: each call merges pending additions first, and each iteration
 * walks the partitions as they are then, one partition's node ids at a time. Safe for concurrent reads, like the
 * graph.
 */
final class NodeSet<N> extends AbstractSet<N> {
  private final NodeMapper<N> mapper;
  private final Partitions partitions;

  NodeSet(NodeMapper<N> mapper, Partitions partitions) {
    this.mapper = mapper;
    this.partitions = partitions;
  }

  @Override
  public int size() {
    partitions.ensureClean();
    return (int) Math.min(Integer.MAX_VALUE, partitions.nodeCount());
  }

  @Override
  public boolean contains(Object o) {
    if (o == null) {
      return false;
    }
    partitions.ensureClean();
    long id = mapper.toId(o, false);
    return id != NodeMapper.NO_ID && partitions.partition(id).indexOf(id) >= 0;
  }

  @Override
  public Iterator<N> iterator() {
    partitions.ensureClean();
    return new Iterator<N>() {
      private int slot = -1;
      private long[] ids = new long[0];
      private int at;

      @Override
      public boolean hasNext() {
        while (at >= ids.length) {
          if (slot + 1 >= partitions.count()) {
            return false;
          }
          partitions.ensureOpen();
          // Holds one partition's node ids at a time, so that iterating does not keep the graph resident.
          ids = partitions.slotAt(++slot).handle.get().nodes;
          at = 0;
        }
        return true;
      }

      @Override
      public N next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return mapper.fromId(ids[at++]);
      }
    };
  }
}
