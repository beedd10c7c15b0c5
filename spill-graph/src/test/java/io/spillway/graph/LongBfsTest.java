package io.spillway.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.graph.GraphBuilder;
import com.google.common.graph.Graphs;
import com.google.common.graph.MutableGraph;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillMode;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LongBfsTest {
  @TempDir Path dir;

  @Test
  void parents_formAShortestPathTreeOverTheReachableNodes() {
    int n = 3000;
    try (SpillManager manager = TestManagers.create(dir, 64 << 10, SpillMode.SYNCHRONOUS);
        SpillingGraph<Long> graph = SpillingGraph.builder(manager).directed().partitions(16).buildLong()) {
      MutableGraph<Long> expected = GraphBuilder.directed().build();
      Random random = new Random(8);
      try (SpillingGraph<Long>.Loader loader = graph.loader()) {
        for (int i = 0; i < 9000; i++) {
          long u = random.nextInt(n);
          long v = random.nextInt(n);
          if (u != v) {
            loader.addEdge(u, v);
            expected.putEdge(u, v);
          }
        }
      }
      long root = expected.nodes().iterator().next();
      long[] parent = LongBfs.parents(graph, root, n);
      java.util.Set<Long> reachable = Graphs.reachableNodes(expected, root);
      int[] depth = new int[n];
      for (int v = 0; v < n; v++) {
        assertThat(parent[v] >= 0).as("reached %s", v).isEqualTo(reachable.contains((long) v));
        if (parent[v] >= 0 && v != root) {
          assertThat(expected.hasEdgeConnecting(parent[v], (long) v)).isTrue();
        }
      }
      // Shortest paths: for every edge u->v with u reached, depth(v) <= depth(u) + 1.
      for (int v = 0; v < n; v++) {
        depth[v] = depthOf(parent, v);
      }
      for (var e : expected.edges()) {
        int u = e.nodeU().intValue();
        int v = e.nodeV().intValue();
        if (parent[u] >= 0) {
          assertThat(depth[v]).isLessThanOrEqualTo(depth[u] + 1);
        }
      }
      assertThatThrownBy(() -> LongBfs.parents(graph, n, n)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  private static int depthOf(long[] parent, int v) {
    if (parent[v] < 0) {
      return -1;
    }
    int d = 0;
    while (parent[v] != v) {
      v = (int) parent[v];
      d++;
    }
    return d;
  }
}
