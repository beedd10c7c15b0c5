package io.spillway.graph;

import com.google.common.graph.AbstractGraph;
import com.google.common.graph.ElementOrder;
import com.google.common.graph.EndpointPair;
import com.google.common.graph.MutableGraph;
import io.spillway.api.SegmentHandle;
import io.spillway.api.SegmentPin;
import io.spillway.api.SpillManager;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * A Guava {@link MutableGraph} whose adjacency lives in partitions that a {@link SpillManager} spills and reloads:
 * a graph several times larger than the memory budget that Guava's {@code Traverser} and {@code Graphs} walk as
 * they are.
 *
 * <pre>{@code
 * try (SpillingGraph<Long> graph = SpillingGraph.builder(manager).undirected().partitions(64).buildLong();
 *     SpillingGraph<Long>.Loader loader = graph.loader()) {
 *   for (long[] e : edges) loader.addEdge(e[0], e[1]);   // bulk load, inside the budget
 * }
 * Iterable<Long> order = Traverser.forGraph(graph).breadthFirst(0L);
 * }</pre>
 *
 * <p><b>Layout.</b> Node ids (from the {@link NodeMapper}; the node itself for {@code long} nodes) are hashed to
 * one of {@link #partitionCount()} partitions. Each partition is one managed segment ({@link SpillManager#put})
 * holding its node ids as a sorted {@code long[]} and their neighbour lists as sorted, duplicate-free slices of one
 * {@code long[]} (compressed sparse row; a directed graph keeps successors and predecessors): about 8 bytes per
 * adjacency entry on the heap, no boxed values or per-edge objects. Spilled, a partition is delta- and
 * varint-encoded (2–3 bytes per entry for R-MAT graphs). The manager decides what to spill; any read of a spilled
 * partition reloads it, verified.
 *
 * <p><b>Writes.</b> Additions are buffered per partition and merged into the partition (one rebuild for many
 * edges) before the next read. {@link #putEdge} and {@link #addNode} are exact (they tell whether the graph
 * changed), looking the edge up in its partition and its pending buffer. The {@link Loader} is the bulk path: it
 * buffers without looking up, turns a full buffer into a sorted <em>run</em> (itself a managed segment, spillable)
 * and merges a partition's runs when there are too many or when the graph is next read, so that loading an edge
 * stream many times larger than the budget keeps the manager's usage within the budget: the buffers are registered
 * with the manager (as segment {@code <name>/buffers}), and only the partition being merged is held outside the
 * accounting while it is built. {@link #removeNode} and {@link #removeEdge} rebuild the partitions they touch: cost
 * proportional to those partitions.
 *
 * <p><b>Views.</b> {@link #successors}, {@link #predecessors} and {@link #adjacentNodes} return snapshots of the
 * adjacency at the time of the call (immutable, not updated by later mutations); {@link #nodes()} and
 * {@link #edges()} are live views. {@link #nodeOrder()} and {@link #incidentEdgeOrder()} are unordered.
 * {@code equals} and {@code hashCode} follow {@link com.google.common.graph.Graph}'s contract (same directedness,
 * nodes and edges), so a {@code SpillingGraph} equals a Guava graph with the same nodes and edges.
 *
 * <p><b>Thread safety.</b> Any number of threads may read at once (the Guava views, the {@code long} accessors,
 * {@code Traverser}), including while the manager spills and reloads partitions under them. Mutations (including a
 * {@link Loader}) are serialised by an internal lock but must not run concurrently with reads: as with Guava's own
 * graphs, use external synchronisation (a read-write lock) if one thread writes while others read.
 *
 * <p><b>Fast paths.</b> {@link #forEachSuccessor}, {@link #successorIds} and, for frontier-at-a-time traversals,
 * {@link #forEachSuccessorOfAll} (which groups the nodes by partition and pins each partition once) work on
 * {@code long} ids without allocating per neighbour; {@link LongBfs} is a breadth-first search on them.
 *
 * @param <N> the node type
 */
public final class SpillingGraph<N> extends AbstractGraph<N> implements MutableGraph<N>, AutoCloseable {
  /** Partitions of a graph unless {@link Builder#partitions} says otherwise: {@value}. */
  public static final int DEFAULT_PARTITIONS = 64;
  /** Runs a partition may collect before the loader merges them into it: {@value}. */
  static final int MAX_RUNS = 8;
  /** Pending longs per partition past which {@link #putEdge} merges the buffer (it scans the buffer). */
  static final int POINT_BUFFER_LONGS = 4096;
  private static final AtomicLong GRAPHS = new AtomicLong();

  private final SpillManager manager;
  private final String name;
  private final boolean directed;
  private final boolean allowsSelfLoops;
  private final NodeMapper<N> mapper;
  private final PartitionCodec codec;
  private final Slot[] slots;
  private final long slotBufferLongs;
  private final String bufferSegment;
  private final Object lock = new Object();
  private final AtomicInteger sweeps = new AtomicInteger();

  private volatile boolean dirty;
  private volatile boolean closed;
  private volatile long nodeCount;
  private volatile long entryCount;
  private volatile long loopCount;
  private long bufferBytes;

  private SpillingGraph(Builder builder, NodeMapper<N> mapper) {
    this.manager = builder.manager;
    this.name = builder.name != null ? builder.name : "spilling-graph-" + GRAPHS.incrementAndGet();
    this.directed = builder.directed;
    this.allowsSelfLoops = builder.allowsSelfLoops;
    this.mapper = mapper;
    this.codec = new PartitionCodec(directed);
    long loadBuffer = builder.loadBufferBytes > 0 ? builder.loadBufferBytes
        : manager.stats().maxMemory() / 8;
    // Halved: a buffer's array may be up to twice its contents after doubling.
    this.slotBufferLongs = Math.max(16, loadBuffer / 8 / builder.partitions / 2);
    this.bufferSegment = name + "/buffers";
    manager.registerSegment(bufferSegment, 0);
    this.slots = new Slot[builder.partitions];
    for (int i = 0; i < slots.length; i++) {
      slots[i] = new Slot(i, manager.put(name + "/p" + i, Partition.empty(directed), codec));
    }
  }

  /** A builder of graphs whose partitions {@code manager} holds. */
  public static Builder builder(SpillManager manager) {
    return new Builder(manager);
  }

  // ---- Guava Graph ---------------------------------------------------------------------------------------------

  @Override
  public Set<N> nodes() {
    return new NodeSet();
  }

  @Override
  public boolean isDirected() {
    return directed;
  }

  @Override
  public boolean allowsSelfLoops() {
    return allowsSelfLoops;
  }

  @Override
  public ElementOrder<N> nodeOrder() {
    return ElementOrder.unordered();
  }

  @Override
  public Set<N> successors(N node) {
    return neighbours(node, true);
  }

  @Override
  public Set<N> predecessors(N node) {
    return neighbours(node, !directed);
  }

  @Override
  public Set<N> adjacentNodes(N node) {
    if (!directed) {
      return neighbours(node, true);
    }
    long id = requireNode(node);
    Partition p = partition(id);
    int i = p.indexOf(id);
    long[] union = union(p.out, p.outOff[i], p.outOff[i + 1], p.in, p.inOff[i], p.inOff[i + 1]);
    return new Neighbours(union, 0, union.length);
  }

  @Override
  public int degree(N node) {
    long id = requireNode(node);
    Partition p = partition(id);
    int i = p.indexOf(id);
    if (directed) {
      return p.outDegree(i) + p.inDegree(i);
    }
    return p.outDegree(i) + (p.hasOut(i, id) ? 1 : 0);
  }

  @Override
  public int outDegree(N node) {
    if (!directed) {
      return degree(node);
    }
    long id = requireNode(node);
    Partition p = partition(id);
    return p.outDegree(p.indexOf(id));
  }

  @Override
  public int inDegree(N node) {
    if (!directed) {
      return degree(node);
    }
    long id = requireNode(node);
    Partition p = partition(id);
    return p.inDegree(p.indexOf(id));
  }

  @Override
  public boolean hasEdgeConnecting(N nodeU, N nodeV) {
    Objects.requireNonNull(nodeU, "nodeU");
    Objects.requireNonNull(nodeV, "nodeV");
    ensureClean();
    long u = mapper.toId(nodeU, false);
    long v = mapper.toId(nodeV, false);
    if (u == NodeMapper.NO_ID || v == NodeMapper.NO_ID) {
      return false;
    }
    Partition p = partition(u);
    int i = p.indexOf(u);
    return i >= 0 && p.hasOut(i, v);
  }

  @Override
  protected long edgeCount() {
    ensureClean();
    return directed ? entryCount : (entryCount + loopCount) / 2;
  }

  // ---- Guava MutableGraph --------------------------------------------------------------------------------------

  @Override
  public boolean addNode(N node) {
    Objects.requireNonNull(node, "node");
    synchronized (lock) {
      ensureOpen();
      long id = mapper.toId(node, true);
      Slot s = slot(id);
      if (!s.runs.isEmpty()) {
        merge(s);
      }
      if (s.handle.get().indexOf(id) >= 0 || s.pendingNodes.containsAtStride(id, 1)
          || s.pendingOut.containsAtStride(id, 2) || s.pendingIn.containsAtStride(id, 2)) {
        return false;
      }
      add(s.pendingNodes, id);
      dirty = true;
      afterAdd(s, true);
      return true;
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if {@code nodeU} equals {@code nodeV} and self-loops are not allowed
   */
  @Override
  public boolean putEdge(N nodeU, N nodeV) {
    Objects.requireNonNull(nodeU, "nodeU");
    Objects.requireNonNull(nodeV, "nodeV");
    checkSelfLoop(nodeU.equals(nodeV), nodeU);
    synchronized (lock) {
      ensureOpen();
      return putIds(mapper.toId(nodeU, true), mapper.toId(nodeV, true), true);
    }
  }

  @Override
  public boolean putEdge(EndpointPair<N> endpoints) {
    validateEndpoints(endpoints);
    return putEdge(endpoints.nodeU(), endpoints.nodeV());
  }

  @Override
  public boolean removeNode(N node) {
    Objects.requireNonNull(node, "node");
    synchronized (lock) {
      ensureClean();
      long id = mapper.toId(node, false);
      if (id == NodeMapper.NO_ID) {
        return false;
      }
      Slot own = slot(id);
      Partition p = own.handle.get();
      int i = p.indexOf(id);
      if (i < 0) {
        return false;
      }
      BitSet touched = new BitSet(slots.length);
      touched.set(own.index);
      for (int k = p.outOff[i]; k < p.outOff[i + 1]; k++) {
        touched.set(partitionOf(p.out[k]));
      }
      for (int k = p.inOff[i]; k < p.inOff[i + 1]; k++) {
        touched.set(partitionOf(p.in[k]));
      }
      for (int q = touched.nextSetBit(0); q >= 0; q = touched.nextSetBit(q + 1)) {
        replace(slots[q], slots[q].handle.get().withoutNode(id));
      }
      return true;
    }
  }

  @Override
  public boolean removeEdge(N nodeU, N nodeV) {
    Objects.requireNonNull(nodeU, "nodeU");
    Objects.requireNonNull(nodeV, "nodeV");
    synchronized (lock) {
      ensureClean();
      long u = mapper.toId(nodeU, false);
      long v = mapper.toId(nodeV, false);
      if (u == NodeMapper.NO_ID || v == NodeMapper.NO_ID) {
        return false;
      }
      Slot su = slot(u);
      Partition p = su.handle.get();
      int i = p.indexOf(u);
      if (i < 0 || !p.hasOut(i, v)) {
        return false;
      }
      replace(su, p.withoutEntry(true, u, v));
      Slot sv = slot(v);
      if (directed) {
        replace(sv, sv.handle.get().withoutEntry(false, v, u));
      } else if (u != v) {
        replace(sv, sv.handle.get().withoutEntry(true, v, u));
      }
      return true;
    }
  }

  @Override
  public boolean removeEdge(EndpointPair<N> endpoints) {
    validateEndpoints(endpoints);
    return removeEdge(endpoints.nodeU(), endpoints.nodeV());
  }

  // ---- long accessors ------------------------------------------------------------------------------------------

  /** Whether the node of id {@code id} is in the graph. */
  public boolean containsId(long id) {
    ensureClean();
    return id != NodeMapper.NO_ID && partition(id).indexOf(id) >= 0;
  }

  /**
   * The successors (adjacent nodes, if undirected) of the node of id {@code id}, as a new sorted array.
   *
   * @throws IllegalArgumentException if the node is not in the graph
   */
  public long[] successorIds(long id) {
    ensureClean();
    Partition p = partition(id);
    int i = indexOrThrow(p, id);
    return Arrays.copyOfRange(p.out, p.outOff[i], p.outOff[i + 1]);
  }

  /**
   * Calls {@code action} with each successor (adjacent node, if undirected) of the node of id {@code id}, in
   * increasing order, without allocating.
   *
   * @throws IllegalArgumentException if the node is not in the graph
   */
  public void forEachSuccessor(long id, LongConsumer action) {
    ensureClean();
    Slot s = slot(id);
    SegmentPin pin = s.handle.pin();
    try {
      Partition p = s.handle.get();
      int i = indexOrThrow(p, id);
      long[] out = p.out;
      for (int k = p.outOff[i], end = p.outOff[i + 1]; k < end; k++) {
        action.accept(out[k]);
      }
    } finally {
      pin.close();
    }
  }

  /**
   * Calls {@code visitor} with every (node, successor) pair of the first {@code count} ids of {@code ids}: the
   * frontier step of a breadth-first search. The ids are grouped by partition and each partition is pinned once
   * while its nodes are visited; successive calls sweep the partitions in alternating directions, so that the
   * partitions visited last, the likeliest to be still resident, are visited first. Nodes within a partition are
   * visited in the order given; a node listed twice is visited twice.
   *
   * @throws IllegalArgumentException if a node is not in the graph
   */
  public void forEachSuccessorOfAll(long[] ids, int count, NeighborVisitor visitor) {
    Objects.checkFromToIndex(0, count, ids.length);
    ensureClean();
    int parts = slots.length;
    int[] start = new int[parts + 1];
    int[] partOf = new int[count];
    for (int j = 0; j < count; j++) {
      int q = partitionOf(ids[j]);
      partOf[j] = q;
      start[q + 1]++;
    }
    for (int q = 0; q < parts; q++) {
      start[q + 1] += start[q];
    }
    int[] order = new int[count];
    int[] fill = Arrays.copyOf(start, parts);
    for (int j = 0; j < count; j++) {
      order[fill[partOf[j]]++] = j;
    }
    boolean reverse = (sweeps.getAndIncrement() & 1) == 1;
    for (int k = 0; k < parts; k++) {
      int q = reverse ? parts - 1 - k : k;
      if (start[q] == start[q + 1]) {
        continue;
      }
      Slot s = slots[q];
      SegmentPin pin = s.handle.pin();
      try {
        Partition p = s.handle.get();
        long[] out = p.out;
        int[] off = p.outOff;
        for (int j = start[q]; j < start[q + 1]; j++) {
          long u = ids[order[j]];
          int i = indexOrThrow(p, u);
          for (int e = off[i], end = off[i + 1]; e < end; e++) {
            visitor.visit(u, out[e]);
          }
        }
      } finally {
        pin.close();
      }
    }
  }

  /** The number of nodes, as a {@code long}. */
  public long nodeCount() {
    ensureClean();
    return nodeCount;
  }

  /** The number of edges, as a {@code long}. */
  public long edgeCountLong() {
    return edgeCount();
  }

  /** The number of partitions. */
  public int partitionCount() {
    return slots.length;
  }

  /** The accounted heap bytes of all partitions, resident or spilled: the graph's in-memory size. */
  public long sizeInBytes() {
    ensureClean();
    long total = 0;
    for (Slot s : slots) {
      total += s.handle.size();
    }
    return total;
  }

  /** The largest accounted size of one partition. */
  public long largestPartitionBytes() {
    ensureClean();
    long max = 0;
    for (Slot s : slots) {
      max = Math.max(max, s.handle.size());
    }
    return max;
  }

  /** The prefix of this graph's segment names in the manager. */
  public String name() {
    return name;
  }

  /** Merges every pending addition into the partitions now, rather than at the next read. */
  public void flush() {
    ensureClean();
  }

  /** A bulk loader; close it (or read the graph) to merge what it buffered. */
  public Loader loader() {
    ensureOpen();
    return new Loader();
  }

  /**
   * Removes every partition from the manager (freeing its memory and stored copies) and unregisters the buffers.
   * Idempotent; the graph is unusable afterwards ({@link IllegalStateException}).
   */
  @Override
  public void close() {
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

  @Override
  public String toString() {
    return "SpillingGraph{name=" + name + ", " + (directed ? "directed" : "undirected") + ", nodes=" + nodeCount
        + ", adjacencyEntries=" + entryCount + ", partitions=" + slots.length + (closed ? ", closed" : "") + "}";
  }

  // ---- internals ----------------------------------------------------------------------------------------------

  private void checkSelfLoop(boolean loop, Object node) {
    if (loop && !allowsSelfLoops) {
      throw new IllegalArgumentException("Cannot add self-loop edge on node " + node + ", as self-loops are not "
          + "allowed. To construct a graph that allows self-loops, call allowsSelfLoops(true) on the Builder.");
    }
  }

  /** Adds edge u→v (and its mirror entries); caller holds the lock. {@code exact}: look it up first. */
  private boolean putIds(long u, long v, boolean exact) {
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

  /** Installs a new partition in a slot and updates the counts. Caller holds the lock. */
  private void replace(Slot s, Partition next) {
    s.handle.set(next);
    nodeCount += next.nodes.length - s.nodes;
    entryCount += next.out.length - s.entries;
    loopCount += next.loops - s.loops;
    s.nodes = next.nodes.length;
    s.entries = next.out.length;
    s.loops = next.loops;
  }

  private void ensureClean() {
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

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("SpillingGraph " + name + " is closed");
    }
  }

  int partitionOf(long id) {
    long h = id * 0x9E3779B97F4A7C15L;
    return (int) (((h >>> 32) * slots.length) >>> 32);
  }

  private Slot slot(long id) {
    return slots[partitionOf(id)];
  }

  private Partition partition(long id) {
    return slot(id).handle.get();
  }

  private static int indexOrThrow(Partition p, long id) {
    int i = p.indexOf(id);
    if (i < 0) {
      throw new IllegalArgumentException("Node " + id + " is not an element of this graph.");
    }
    return i;
  }

  /** The id of a node of the graph, after merging pending writes. */
  private long requireNode(N node) {
    Objects.requireNonNull(node, "node");
    ensureClean();
    long id = mapper.toId(node, false);
    if (id == NodeMapper.NO_ID || partition(id).indexOf(id) < 0) {
      throw new IllegalArgumentException("Node " + node + " is not an element of this graph.");
    }
    return id;
  }

  private Set<N> neighbours(N node, boolean outSide) {
    long id = requireNode(node);
    Partition p = partition(id);
    int i = p.indexOf(id);
    return outSide ? new Neighbours(p.out, p.outOff[i], p.outOff[i + 1])
        : new Neighbours(p.in, p.inOff[i], p.inOff[i + 1]);
  }

  private static long[] union(long[] a, int aFrom, int aTo, long[] b, int bFrom, int bTo) {
    long[] result = new long[(aTo - aFrom) + (bTo - bFrom)];
    int w = 0;
    int i = aFrom;
    int j = bFrom;
    while (i < aTo || j < bTo) {
      long next;
      if (j >= bTo || (i < aTo && a[i] < b[j])) {
        next = a[i++];
      } else if (i >= aTo || b[j] < a[i]) {
        next = b[j++];
      } else {
        next = a[i++];
        j++;
      }
      result[w++] = next;
    }
    return w == result.length ? result : Arrays.copyOf(result, w);
  }

  /** Mutable state of one partition: its segment, the buffered additions and the runs. Guarded by the lock. */
  private static final class Slot {
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

  /** An immutable snapshot of one neighbour list. */
  private final class Neighbours extends AbstractSet<N> {
    private final long[] ids;
    private final int from;
    private final int to;

    Neighbours(long[] ids, int from, int to) {
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

  /** The live set of nodes: each iteration walks the partitions as they are then. */
  private final class NodeSet extends AbstractSet<N> {
    @Override
    public int size() {
      ensureClean();
      return (int) Math.min(Integer.MAX_VALUE, nodeCount);
    }

    @Override
    public boolean contains(Object o) {
      if (o == null) {
        return false;
      }
      ensureClean();
      long id = mapper.toId(o, false);
      return id != NodeMapper.NO_ID && partition(id).indexOf(id) >= 0;
    }

    @Override
    public Iterator<N> iterator() {
      ensureClean();
      return new Iterator<N>() {
        private int slot = -1;
        private long[] ids = new long[0];
        private int at;

        @Override
        public boolean hasNext() {
          while (at >= ids.length) {
            if (slot + 1 >= slots.length) {
              return false;
            }
            ensureOpen();
            // Holds one partition's node ids at a time, so that iterating does not keep the graph resident.
            ids = slots[++slot].handle.get().nodes;
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

  /**
   * Buffers edges and nodes for a {@link SpillingGraph} without looking them up: the way to load a large edge
   * stream. Duplicates are removed when the buffers are merged. Buffers are bounded per partition (together
   * {@link Builder#loadBufferBytes} bytes), each full one becomes a sorted run that the manager may spill, and a
   * partition's runs are merged into it when they grow too many, on {@link #close()}, or on the graph's next read.
   * Not thread-safe: one thread loads, and nothing reads the graph meanwhile.
   */
  public final class Loader implements AutoCloseable {
    private long added;

    private Loader() {}

    /**
     * Adds the edge from the node of id {@code u} to that of id {@code v}, adding the nodes as needed.
     *
     * @throws IllegalArgumentException if {@code u == v} and self-loops are not allowed, or an id is
     *     {@link NodeMapper#NO_ID}
     */
    public void addEdge(long u, long v) {
      if (u == NodeMapper.NO_ID || v == NodeMapper.NO_ID) {
        throw new IllegalArgumentException("Long.MIN_VALUE is not a node id");
      }
      checkSelfLoop(u == v, u);
      synchronized (lock) {
        ensureOpen();
        putIds(u, v, false);
        added++;
      }
    }

    /** {@link #addEdge(long, long)} for nodes mapped by the graph's {@link NodeMapper}. */
    public void addEdge(N nodeU, N nodeV) {
      Objects.requireNonNull(nodeU, "nodeU");
      Objects.requireNonNull(nodeV, "nodeV");
      checkSelfLoop(nodeU.equals(nodeV), nodeU);
      synchronized (lock) {
        ensureOpen();
        putIds(mapper.toId(nodeU, true), mapper.toId(nodeV, true), false);
        added++;
      }
    }

    /** Adds the node of id {@code id}, which may have no edges. */
    public void addNode(long id) {
      if (id == NodeMapper.NO_ID) {
        throw new IllegalArgumentException("Long.MIN_VALUE is not a node id");
      }
      synchronized (lock) {
        ensureOpen();
        Slot s = slot(id);
        add(s.pendingNodes, id);
        dirty = true;
        afterAdd(s, false);
      }
    }

    /** Edges given to this loader, duplicates included. */
    public long edgesAdded() {
      return added;
    }

    /** Merges everything buffered into the partitions. */
    @Override
    public void close() {
      if (!closed) {
        ensureClean();
      }
    }
  }

  /**
   * Settings of a {@link SpillingGraph}. Not thread-safe.
   */
  public static final class Builder {
    private final SpillManager manager;
    private boolean directed = true;
    private boolean allowsSelfLoops;
    private int partitions = DEFAULT_PARTITIONS;
    private long loadBufferBytes;
    private @Nullable String name;

    private Builder(SpillManager manager) {
      this.manager = Objects.requireNonNull(manager, "manager");
    }

    /** A directed graph (the default). */
    public Builder directed() {
      directed = true;
      return this;
    }

    /** An undirected graph. */
    public Builder undirected() {
      directed = false;
      return this;
    }

    /** Whether self-loops are allowed; not by default, as with Guava's {@code GraphBuilder}. */
    public Builder allowsSelfLoops(boolean allowed) {
      allowsSelfLoops = allowed;
      return this;
    }

    /**
     * The number of partitions, each one managed segment (default {@value #DEFAULT_PARTITIONS}). Choose enough
     * that a partition is a small fraction of the budget (a partition must fit in it, with room to merge) and at
     * least {@link io.spillway.api.SpillConfig#minSpillSize()}, under which the manager never spills it.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder partitions(int count) {
      if (count <= 0) {
        throw new IllegalArgumentException("partitions must be positive, was " + count);
      }
      partitions = count;
      return this;
    }

    /**
     * The bytes the {@link SpillingGraph.Loader}'s buffers may hold together before a partition's buffer is made a
     * run (default: an eighth of the manager's budget). Each partition's buffer holds at least 16 values whatever this
     * says.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder loadBufferBytes(long bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("loadBufferBytes must be positive, was " + bytes);
      }
      loadBufferBytes = bytes;
      return this;
    }

    /**
     * The prefix of the graph's segment names (default {@code spilling-graph-N}); unique within the manager, since
     * putting a name that is taken replaces that segment.
     */
    public Builder name(String prefix) {
      name = Objects.requireNonNull(prefix, "prefix");
      return this;
    }

    /** A graph of {@code long} nodes, stored as they are. */
    public SpillingGraph<Long> buildLong() {
      return build(NodeMapper.longs());
    }

    /** A graph of nodes mapped to ids by {@code mapper}. */
    public <N> SpillingGraph<N> build(NodeMapper<N> mapper) {
      return new SpillingGraph<>(this, Objects.requireNonNull(mapper, "mapper"));
    }
  }
}
