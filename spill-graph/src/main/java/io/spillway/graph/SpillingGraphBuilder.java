package io.spillway.graph;

import io.spillway.api.SpillManager;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Settings of a {@link SpillingGraph}, from {@link SpillingGraph#builder}. Not thread-safe.
 */
public final class SpillingGraphBuilder {
  final SpillManager manager;
  boolean directed = true;
  boolean allowsSelfLoops;
  int partitions = SpillingGraph.DEFAULT_PARTITIONS;
  long loadBufferBytes;
  @Nullable String name;

  SpillingGraphBuilder(SpillManager manager) {
    this.manager = Objects.requireNonNull(manager, "manager");
  }

  /** A directed graph (the default). */
  public SpillingGraphBuilder directed() {
    directed = true;
    return this;
  }

  /** An undirected graph. */
  public SpillingGraphBuilder undirected() {
    directed = false;
    return this;
  }

  /** Whether self-loops are allowed; not by default, as with Guava's {@code GraphBuilder}. */
  public SpillingGraphBuilder allowsSelfLoops(boolean allowed) {
    allowsSelfLoops = allowed;
    return this;
  }

  /**
   * The number of partitions, each one managed segment (default {@value SpillingGraph#DEFAULT_PARTITIONS}). Choose
   * enough that a partition is a small fraction of the budget (a partition must fit in it, with room to merge) and at
   * least {@link io.spillway.api.SpillConfig#minSpillSize()}, under which the manager never spills it.
   *
   * @throws IllegalArgumentException if not positive
   */
  public SpillingGraphBuilder partitions(int count) {
    if (count <= 0) {
      throw new IllegalArgumentException("partitions must be positive, was " + count);
    }
    partitions = count;
    return this;
  }

  /**
   * The bytes the {@link SpillingGraph.Loader}'s buffers may hold together before a partition's buffer is made a run
   * (default: an eighth of the manager's budget). Each partition's buffer holds at least 16 values whatever this says.
   *
   * @throws IllegalArgumentException if not positive
   */
  public SpillingGraphBuilder loadBufferBytes(long bytes) {
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
  public SpillingGraphBuilder name(String prefix) {
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
