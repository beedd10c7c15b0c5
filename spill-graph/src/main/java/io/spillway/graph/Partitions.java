package io.spillway.graph;

import io.spillway.api.SegmentHandle;
import io.spillway.api.SegmentPin;
import io.spillway.api.SpillManager;
import java.util.ArrayList;
import java.util.List;

/**
 * The partitions of a {@link SpillingGraph}: one managed segment each, the additions buffered for each, the sorted
 * runs a full buffer becomes, their merges, and the node and edge counts. Internal to the graph.
 *
 * <p>Mutations hold {@link #lock}; reads may run on any number of threads once {@link #ensureClean()} has merged
 * what was buffered (the graph's contract: writes do not run concurrently with reads). The buffers are registered
 * with the manager as one manual segment, {@code <name>/buffers}, so that loading an edge stream larger than the
 * budget keeps the manager's usage within it; only the partition being merged is held outside the accounting while
 * it is built.
 */
final class Partitions {
  /** Runs a partition may collect before the loader merges them into it. */
  static final int MAX_RUNS = 8;
  /** Pending longs per partition past which an exact addition merges the buffer (it scans the buffer). */
  static final int POINT_BUFFER_LONGS = 4096;

  /** Serialises mutations. */
  final Object lock = new Object();
  private final SpillManager manager;
  private final String name;
  private final boolean directed;
  private final PartitionCodec codec;
  private final Slot[] slots;
  private final long slotBufferLongs;
  private final String bufferSegment;

  private volatile boolean dirty;
  private volatile boolean closed;
  private volatile long nodeCount;
  private volatile long entryCount;
  private volatile long loopCount;
  /** Guarded by lock. */
  private long bufferBytes;

  /**
   * Registers the buffers' segment and puts {@code count} empty partitions into {@code manager}.
   *
   * @param loadBufferBytes the bytes all buffers may hold together
   */
  Partitions(SpillManager manager, String name, boolean directed, int count, long loadBufferBytes) {
    this.manager = manager;
    this.name = name;
    this.directed = directed;
    this.codec = new PartitionCodec(directed);
    // Halved: a buffer's array may be up to twice its contents after doubling.
    this.slotBufferLongs = Math.max(16, loadBufferBytes / 8 / count / 2);
    this.bufferSegment = name + "/buffers";
    manager.registerSegment(bufferSegment, 0);
    this.slots = new Slot[count];
    for (int i = 0; i < slots.length; i++) {
      slots[i] = new Slot(i, manager.put(name + "/p" + i, Partition.empty(directed), codec));
    }
  }

  int count() {
    return slots.length;
  }

  /** The partition of node {@code id}: a multiplicative hash of the id, spread over the partitions. */
  int indexOf(long id) {
    long h = id * 0x9E3779B97F4A7C15L;
    return (int) (((h >>> 32) * slots.length) >>> 32);
  }

  Slot slot(long id) {
    return slots[indexOf(id)];
  }

  Slot slotAt(int index) {
    return slots[index];
  }

  /** The current partition of node {@code id} (reloaded if spilled). Call {@link #ensureClean()} first. */
  Partition partition(long id) {
    return slot(id).handle.get();
  }

  long nodeCount() {
    return nodeCount;
  }

  long entryCount() {
    return entryCount;
  }

  long loopCount() {
    return loopCount;
  }

  /**
   * Adds node {@code id}; with {@code exact}, only if it is not there yet, returning whether it was added. Caller
   * holds the lock.
   */
  boolean addNode(long id, boolean exact) {
    Slot s = slot(id);
    if (exact) {
      if (!s.runs.isEmpty()) {
        merge(s);
      }
      if (s.handle.get().indexOf(id) >= 0 || s.pendingNodes.containsAtStride(id, 1)
          || s.pendingOut.containsAtStride(id, 2) || s.pendingIn.containsAtStride(id, 2)) {
        return false;
      }
    }
    add(s.pendingNodes, id);
    dirty = true;
    afterAdd(s, exact);
    return true;
  }

  /**
   * Adds edge u→v (and its mirror entries); with {@code exact}, only if it is not there yet, returning whether it
   * was added. Caller holds the lock.
   */
  boolean addEdge(long u, long v, boolean exact) {
    Slot su = slot(u);
    if (exact) {
      if (!su.runs.isEmpty()) {
        merge(su);
      }
      Partition p = su.handle.get();
      int i = p.indexOf(u);
      if ((i >= 0 && p.hasOut(i, v)) || su.pendingOut.containsPair(u, v)) {
        return false;
      }
    }
    add(su.pendingOut, u, v);
    Slot sv = slot(v);
    if (directed) {
      add(sv.pendingIn, v, u);
    } else if (u != v) {
      add(sv.pendingOut, v, u);
    }
    dirty = true;
    afterAdd(su, exact);
    if (sv != su) {
      afterAdd(sv, exact);
    }
    return true;
  }

  /** Installs a new partition in a slot and updates the counts. Caller holds the lock. */
  void replace(Slot s, Partition next) {
    s.handle.set(next);
    nodeCount += next.nodes.length - s.nodes;
    entryCount += next.out.length - s.entries;
    loopCount += next.loops - s.loops;
    s.nodes = next.nodes.length;
    s.entries = next.out.length;
    s.loops = next.loops;
  }

  /** Merges every partition's buffer and runs into it, if anything was added since the last merge. */
  void ensureClean() {
    ensureOpen();
    if (dirty) {
      synchronized (lock) {
        if (dirty) {
          for (Slot s : slots) {
            if (s.pendingLongs() > 0 || !s.runs.isEmpty()) {
              merge(s);
            }
          }
          dirty = false;
        }
      }
    }
  }

  /** @throws IllegalStateException once {@link #close()}d */
  void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("SpillingGraph " + name + " is closed");
    }
  }

  boolean isClosed() {
    return closed;
  }

  /** The accounted heap bytes of all partitions, resident or spilled. */
  long sizeInBytes() {
    ensureClean();
    long total = 0;
    for (Slot s : slots) {
      total += s.handle.size();
    }
    return total;
  }

  /** The largest accounted size of one partition. */
  long largestPartitionBytes() {
    ensureClean();
    long max = 0;
    for (Slot s : slots) {
      max = Math.max(max, s.handle.size());
    }
    return max;
  }

  /** Removes every partition and run from the manager and unregisters the buffers. Idempotent. */
  void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      for (Slot s : slots) {
        for (SegmentHandle<Partition> run : s.runs) {
          run.close();
        }
        s.handle.close();
      }
      try {
        manager.unregisterSegment(bufferSegment);
      } catch (IllegalStateException managerClosed) {
        // The manager was closed first and has forgotten every segment already.
      }
    }
  }

  private void add(LongList list, long value) {
    long before = list.capacityBytes();
    list.add(value);
    buffersChanged(list.capacityBytes() - before);
  }

  private void add(LongList list, long first, long second) {
    long before = list.capacityBytes();
    list.add(first, second);
    buffersChanged(list.capacityBytes() - before);
  }

  private void buffersChanged(long delta) {
    if (delta != 0) {
      bufferBytes += delta;
      // A manual segment never waits for room: passing the budget here makes the manager spill partitions.
      manager.updateSize(bufferSegment, bufferBytes);
    }
  }

  private void afterAdd(Slot s, boolean exact) {
    long pending = s.pendingLongs();
    if (exact && pending >= Math.min(POINT_BUFFER_LONGS, slotBufferLongs)) {
      merge(s);
    } else if (pending >= slotBufferLongs) {
      spillRun(s);
    }
  }

  /** Turns a slot's pending buffer into a sorted run, a managed segment of its own. Caller holds the lock. */
  private void spillRun(Slot s) {
    Partition run = Partition.merge(directed, List.of(), s.pendingNodes, s.pendingOut, s.pendingIn);
    release(s);
    s.runs.add(manager.put(name + "/p" + s.index + "/r" + s.runSeq++, run, codec));
    if (s.runs.size() > MAX_RUNS) {
      merge(s);
    }
  }

  /** Merges a slot's runs and pending buffer into its partition. Caller holds the lock. */
  private void merge(Slot s) {
    List<SegmentPin> pins = new ArrayList<>(s.runs.size() + 1);
    Partition merged;
    try {
      List<Partition> sources = new ArrayList<>(s.runs.size() + 1);
      pins.add(s.handle.pin());
      sources.add(s.handle.get());
      for (SegmentHandle<Partition> run : s.runs) {
        pins.add(run.pin());
        sources.add(run.get());
      }
      merged = Partition.merge(directed, sources, s.pendingNodes, s.pendingOut, s.pendingIn);
    } finally {
      for (SegmentPin pin : pins) {
        pin.close();
      }
    }
    for (SegmentHandle<Partition> run : s.runs) {
      run.close();
    }
    s.runs.clear();
    release(s);
    replace(s, merged);
  }

  private void release(Slot s) {
    long before = s.capacityBytes();
    s.pendingNodes.release();
    s.pendingOut.release();
    s.pendingIn.release();
    buffersChanged(-before);
  }

  /** Mutable state of one partition: its segment, the buffered additions and the runs. Guarded by the lock. */
  static final class Slot {
    final int index;
    final SegmentHandle<Partition> handle;
    final LongList pendingNodes = new LongList();
    final LongList pendingOut = new LongList();
    final LongList pendingIn = new LongList();
    final List<SegmentHandle<Partition>> runs = new ArrayList<>();
    int runSeq;
    long nodes;
    long entries;
    long loops;

    Slot(int index, SegmentHandle<Partition> handle) {
      this.index = index;
      this.handle = handle;
    }

    long pendingLongs() {
      return (long) pendingNodes.size() + pendingOut.size() + pendingIn.size();
    }

    long capacityBytes() {
      return pendingNodes.capacityBytes() + pendingOut.capacityBytes() + pendingIn.capacityBytes();
    }
  }
}
