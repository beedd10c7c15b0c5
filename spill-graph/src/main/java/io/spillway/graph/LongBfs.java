package io.spillway.graph;

import java.util.Arrays;

/**
 * Level-synchronous breadth-first search over a {@link SpillingGraph} whose node ids are dense in
 * {@code [0, vertexCount)}, as Graph500 graphs are. Each level visits the whole frontier with
 * {@link SpillingGraph#forEachSuccessorOfAll}, so that every partition is pinned (and, if spilled, reloaded) at most
 * once per level. The search state (a parent array and two frontiers) lives on the heap outside the budget: about
 * 8 bytes per vertex, plus 16 per frontier vertex.
 *
 * <p>Stateless; thread-safe when the graph is being read only.
 */
public final class LongBfs {
  private LongBfs() {}

  /**
   * Searches from {@code root} and returns the parent of every vertex: {@code parent[root] == root}, {@code -1} for
   * a vertex not reached.
   *
   * @throws IllegalArgumentException if {@code root} or a reached node is outside {@code [0, vertexCount)}, or
   *     {@code root} is not in the graph
   */
  public static long[] parents(SpillingGraph<?> graph, long root, int vertexCount) {
    if (root < 0 || root >= vertexCount) {
      throw new IllegalArgumentException("root " + root + " is outside [0, " + vertexCount + ")");
    }
    if (!graph.containsId(root)) {
      throw new IllegalArgumentException("Node " + root + " is not an element of this graph.");
    }
    long[] parent = new long[vertexCount];
    Arrays.fill(parent, -1);
    parent[(int) root] = root;
    Frontier step = new Frontier(parent);
    step.next = new long[] {root};
    step.nextSize = 1;
    while (step.nextSize > 0) {
      long[] frontier = step.next;
      int size = step.nextSize;
      step.next = new long[Math.max(16, size * 2)];
      step.nextSize = 0;
      graph.forEachSuccessorOfAll(frontier, size, step);
    }
    return parent;
  }

  /** Collects the next frontier; one object per search, no allocation per edge. */
  private static final class Frontier implements NeighborVisitor {
    private final long[] parent;
    long[] next = new long[0];
    int nextSize;

    Frontier(long[] parent) {
      this.parent = parent;
    }

    @Override
    public void visit(long node, long successor) {
      if (successor < 0 || successor >= parent.length) {
        throw new IllegalArgumentException("node " + successor + " is outside [0, " + parent.length + ")");
      }
      int s = (int) successor;
      if (parent[s] < 0) {
        parent[s] = node;
        if (nextSize == next.length) {
          next = Arrays.copyOf(next, nextSize * 2);
        }
        next[nextSize++] = successor;
      }
    }
  }
}
