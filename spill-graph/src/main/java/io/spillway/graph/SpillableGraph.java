package io.spillway.graph;

import io.spillway.api.SegmentHandle;
import io.spillway.api.SegmentPin;
import io.spillway.api.SpillCodec;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillStats;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * RedDB's {@code SpillableGraph<G>}, working: any graph object, with a {@link SpillCodec} for it, held by a
 * {@link SpillManager} as one managed segment, which the manager spills when memory runs short and reloads, verified,
 * on the next {@link #graph()}.
 *
 * <pre>{@code
 * SpillableGraph<MyGraph> g = SpillableGraph.create(manager, "social", graph, myCodec);
 * g.update(graph -> graph.addEdge(a, b), newSizeInBytes);   // pinned while it runs, then re-weighed
 * int n = g.read(MyGraph::nodeCount);                        // reloaded first if it had been spilled
 * }</pre>
 *
 * <p><b>What RedDB got wrong, and what this does.</b> RedDB's wrapper created a manager of its own and never
 * registered its segment, so {@code check_memory(current_size)} updated the size of a segment the manager did not
 * know (a silent no-op), then only reported whether something should be spilled, spilling nothing. Here the graph
 * is registered when the wrapper is created (accounted at the codec's {@link SpillCodec#sizeOf} unless a size is
 * given), and {@link #checkMemory(long)} records the caller's new size as the segment's registered size: the
 * manager's usage changes by the difference and, if that passes the threshold, the manager spills (this graph or
 * colder segments) by itself, in the background or before the call returns in
 * {@link io.spillway.api.SpillMode#SYNCHRONOUS} mode. The manager is the caller's,
 * shared with other segments, not one per graph.
 *
 * <p><b>Mutating the graph.</b> An object returned by {@link #graph()} may be spilled (encoded and dropped by the
 * manager) at any moment after the call: mutate it through {@link #update}, which pins it while the mutation runs, or
 * hold a {@link #pin()} while working on it, then report its new size. A mutation made to an unpinned object after
 * the manager encoded it is lost when it is reloaded.
 *
 * <p>Thread-safe as the handle is; the graph object itself is as thread-safe as its own type.
 *
 * @param <G> the graph type
 */
public final class SpillableGraph<G> implements AutoCloseable {
  private final SpillManager manager;
  private final SegmentHandle<G> handle;
  private final AtomicLong size;
  private final double threshold;

  private SpillableGraph(SpillManager manager, String segmentName, G graph, SpillCodec<G> codec, long size,
      double threshold) {
    this.manager = manager;
    this.size = new AtomicLong(size);
    this.threshold = threshold;
    // The weigher reads the size the caller last reported, so that checkMemory can change the registered size.
    this.handle = manager.put(segmentName, graph, codec, g -> this.size.get());
  }

  /**
   * Registers {@code graph} with {@code manager} as segment {@code segmentName}, accounted at
   * {@code codec.sizeOf(graph)} bytes; may wait for room as {@link SpillManager#put} does.
   *
   * @throws io.spillway.api.SpillBudgetExceededException if no room could be made in time
   */
  public static <G> SpillableGraph<G> create(SpillManager manager, String segmentName, G graph, SpillCodec<G> codec) {
    return create(manager, segmentName, graph, codec, codec.sizeOf(graph), SpillConfig.DEFAULT_SPILL_THRESHOLD);
  }

  /**
   * Registers {@code graph} accounted at {@code size} bytes; {@link #checkMemory} reports usage at or above
   * {@code threshold} of the budget (use the manager's configured spill threshold).
   *
   * @throws IllegalArgumentException if {@code size} is negative or {@code threshold} not in (0, 1]
   */
  public static <G> SpillableGraph<G> create(SpillManager manager, String segmentName, G graph, SpillCodec<G> codec,
      long size, double threshold) {
    Objects.requireNonNull(manager, "manager");
    Objects.requireNonNull(segmentName, "segmentName");
    Objects.requireNonNull(graph, "graph");
    Objects.requireNonNull(codec, "codec");
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative, was " + size);
    }
    if (!(threshold > 0 && threshold <= 1)) {
      throw new IllegalArgumentException("threshold must be in (0, 1], was " + threshold);
    }
    return new SpillableGraph<>(manager, segmentName, graph, codec, size, threshold);
  }

  /** The segment's name (RedDB's {@code segment_name}). */
  public String segmentName() {
    return handle.name();
  }

  /** The graph, reloaded and verified first if it had been spilled. */
  public G graph() {
    return handle.get();
  }

  /** Applies {@code reader} to the graph while it is pinned resident. */
  public <R> R read(Function<? super G, ? extends R> reader) {
    SegmentPin pin = handle.pin();
    try {
      return reader.apply(handle.get());
    } finally {
      pin.close();
    }
  }

  /**
   * Applies {@code mutation} to the graph while it is pinned, then records {@code newSize} as its size (as
   * {@link #checkMemory} does).
   */
  public void update(Consumer<? super G> mutation, long newSize) {
    G graph;
    SegmentPin pin = handle.pin();
    try {
      graph = handle.get();
      mutation.accept(graph);
    } finally {
      pin.close();
    }
    resize(graph, newSize);
  }

  /** Keeps the graph resident until the pin is closed. */
  public SegmentPin pin() {
    return handle.pin();
  }

  /**
   * RedDB's {@code check_memory}, fixed: records {@code currentSize} as the graph's registered size, so that the
   * manager's usage reflects it and the manager spills what it must (this graph or colder segments) to stay within
   * its budget; may wait for room if the graph grew and the budget is full. Reloads the graph first if it had been
   * spilled (its spilled copy is what it holds: nothing can have changed it since).
   *
   * @return whether the manager's usage is, after the update, at or above the spill threshold given at creation
   *     (RedDB's answer to "does something need spilling"); in the background mode the manager is then already
   *     spilling
   * @throws IllegalArgumentException if {@code currentSize} is negative
   * @throws io.spillway.api.SpillBudgetExceededException if the graph grew and no room could be made in time
   */
  public boolean checkMemory(long currentSize) {
    if (currentSize < 0) {
      throw new IllegalArgumentException("currentSize must not be negative, was " + currentSize);
    }
    resize(handle.get(), currentSize);
    SpillStats stats = manager.stats();
    return stats.atThreshold(threshold);
  }

  private void resize(G graph, long newSize) {
    size.set(newSize);
    handle.set(graph);
  }

  /** The graph's registered size in bytes. */
  public long size() {
    return handle.size();
  }

  /** Whether the graph currently lives only in the store. */
  public boolean isSpilled() {
    return handle.isSpilled();
  }

  /** The manager's counters (RedDB's {@code stats}). */
  public SpillStats stats() {
    return manager.stats();
  }

  /** Removes the graph from the manager, freeing its memory and stored copy. Idempotent. */
  @Override
  public void close() {
    handle.close();
  }
}
