package io.spillway.graph;

/**
 * Receives the adjacency entries of {@link SpillingGraph#forEachSuccessorOfAll}: one call per (node, successor),
 * with no allocation. Called on the caller's thread while the node's partition is pinned; it must not mutate the
 * graph.
 */
@FunctionalInterface
public interface NeighborVisitor {
  /** {@code successor} is a successor (an adjacent node, if undirected) of {@code node}. */
  void visit(long node, long successor);
}
