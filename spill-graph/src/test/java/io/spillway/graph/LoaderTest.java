package io.spillway.graph;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.graph.GraphBuilder;
import com.google.common.graph.MutableGraph;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillMode;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LoaderTest {
  private static final long BUDGET = 512 << 10;

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(SpillMode.class)
  void load_ofAGraphManyTimesTheBudget_staysWithinBudgetPlusOnePartition(SpillMode mode) {
    try (SpillManager manager = TestManagers.create(dir, BUDGET, mode);
        SpillingGraph<Long> graph = SpillingGraph.builder(manager).undirected().partitions(32).buildLong()) {
      MutableGraph<Long> expected = GraphBuilder.undirected().build();
      SplittableRandom random = new SplittableRandom(99);
      long peak = 0;
      try (SpillingGraph<Long>.Loader loader = graph.loader()) {
        for (int i = 0; i < 200_000; i++) {
          long u = random.nextLong(40_000);
          long v = random.nextLong(40_000);
          if (u == v) {
            continue;
          }
          loader.addEdge(u, v);
          expected.putEdge(u, v);
          if ((i & 127) == 0) {
            peak = Math.max(peak, manager.memoryUsage());
          }
        }
        peak = Math.max(peak, manager.memoryUsage());
      }
      peak = Math.max(peak, manager.memoryUsage());

      long graphBytes = graph.sizeInBytes();
      assertThat(graphBytes).as("graph several times the budget").isGreaterThan(4 * BUDGET);
      assertThat(peak).as("peak manager usage during the load")
          .isLessThanOrEqualTo(BUDGET + graph.largestPartitionBytes());
      assertThat(manager.stats().spillOperations()).isPositive();
      assertThat(graph.nodeCount()).isEqualTo(expected.nodes().size());
      assertThat(graph.edgeCountLong()).isEqualTo(expected.edges().size());
      // Spot-check adjacency against Guava rather than comparing whole graphs (which would reload everything).
      for (long n = 0; n < 40_000; n += 997) {
        if (expected.nodes().contains(n)) {
          assertThat(graph.successors(n)).isEqualTo(expected.successors(n));
        }
      }
    }
  }

  @Test
  void loader_deduplicatesAndKeepsIsolatedNodes() {
    try (SpillManager manager = TestManagers.create(dir, BUDGET, SpillMode.SYNCHRONOUS);
        SpillingGraph<Long> graph = SpillingGraph.builder(manager).directed().partitions(4).loadBufferBytes(4096)
            .buildLong()) {
      try (SpillingGraph<Long>.Loader loader = graph.loader()) {
        for (int round = 0; round < 50; round++) {
          for (long u = 0; u < 20; u++) {
            loader.addEdge(u, (u + 1) % 20);
          }
        }
        loader.addNode(1000);
        assertThat(loader.edgesAdded()).isEqualTo(1000);
      }
      assertThat(graph.edgeCountLong()).isEqualTo(20);
      assertThat(graph.nodes()).hasSize(21).contains(1000L);
      assertThat(graph.successors(19L)).containsExactly(0L);
      assertThat(graph.predecessors(0L)).containsExactly(19L);
      assertThat(graph.putEdge(3L, 4L)).isFalse();
      assertThat(graph.putEdge(4L, 3L)).isTrue();
    }
  }
}
