package io.spillway.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.collect.ImmutableSet;
import com.google.common.graph.EndpointPair;
import com.google.common.graph.GraphBuilder;
import com.google.common.graph.Graphs;
import com.google.common.graph.MutableGraph;
import com.google.common.graph.Traverser;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpillingGraphTest {
  @TempDir Path dir;
  private SpillManager manager;

  @BeforeEach
  void open() {
    // Small enough that a few hundred edges spread over 16 partitions do not all fit.
    manager = TestManagers.create(dir, 24 << 10, SpillMode.SYNCHRONOUS);
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private SpillingGraph<Long> graph(boolean directed) {
    SpillingGraphBuilder b = SpillingGraph.builder(manager).partitions(16).allowsSelfLoops(true);
    return (directed ? b.directed() : b.undirected()).buildLong();
  }

  private static MutableGraph<Long> guava(boolean directed) {
    return (directed ? GraphBuilder.directed() : GraphBuilder.undirected()).allowsSelfLoops(true).build();
  }

  /** Applies the same random mutations to both graphs, checking each return value against Guava's. */
  private static void mutateBoth(MutableGraph<Long> expected, MutableGraph<Long> actual, long seed, int ops) {
    Random random = new Random(seed);
    for (int i = 0; i < ops; i++) {
      long u = random.nextInt(120);
      long v = random.nextInt(120);
      int op = random.nextInt(100);
      if (op < 80) {
        assertThat(actual.putEdge(u, v)).as("putEdge(%s, %s)", u, v).isEqualTo(expected.putEdge(u, v));
      } else if (op < 88) {
        assertThat(actual.addNode(u)).as("addNode(%s)", u).isEqualTo(expected.addNode(u));
      } else if (op < 96) {
        assertThat(actual.removeEdge(u, v)).as("removeEdge(%s, %s)", u, v).isEqualTo(expected.removeEdge(u, v));
      } else {
        assertThat(actual.removeNode(u)).as("removeNode(%s)", u).isEqualTo(expected.removeNode(u));
      }
    }
  }

  private static void assertSameGraph(MutableGraph<Long> expected, SpillingGraph<Long> actual) {
    assertThat(actual).isEqualTo(expected);
    assertThat(expected).isEqualTo(actual);
    assertThat(actual.hashCode()).isEqualTo(expected.hashCode());
    assertThat(actual.nodes()).hasSameSizeAs(expected.nodes()).containsExactlyInAnyOrderElementsOf(expected.nodes());
    assertThat(actual.edges()).hasSize(expected.edges().size());
    for (Long n : expected.nodes()) {
      assertThat(actual.successors(n)).as("successors(%s)", n).isEqualTo(expected.successors(n));
      assertThat(actual.predecessors(n)).as("predecessors(%s)", n).isEqualTo(expected.predecessors(n));
      assertThat(actual.adjacentNodes(n)).as("adjacentNodes(%s)", n).isEqualTo(expected.adjacentNodes(n));
      assertThat(actual.degree(n)).as("degree(%s)", n).isEqualTo(expected.degree(n));
      assertThat(actual.inDegree(n)).as("inDegree(%s)", n).isEqualTo(expected.inDegree(n));
      assertThat(actual.outDegree(n)).as("outDegree(%s)", n).isEqualTo(expected.outDegree(n));
      assertThat(actual.incidentEdges(n)).as("incidentEdges(%s)", n).isEqualTo(expected.incidentEdges(n));
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void mutations_matchGuavaAndSurviveSpilling(boolean directed) {
    MutableGraph<Long> expected = guava(directed);
    try (SpillingGraph<Long> actual = graph(directed)) {
      mutateBoth(expected, actual, 17, 3000);
      assertSameGraph(expected, actual);
      assertThat(manager.stats().spillOperations()).as("partitions spilled").isPositive();
      assertThat(manager.stats().reloadOperations()).as("partitions reloaded").isPositive();
      assertThat(manager.memoryUsage()).isLessThanOrEqualTo(manager.stats().maxMemory());
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void traverser_andReachableNodes_workUnchangedOnASpilledGraph(boolean directed) {
    MutableGraph<Long> expected = guava(directed);
    try (SpillingGraph<Long> actual = graph(directed)) {
      Random random = new Random(3);
      for (int i = 0; i < 1500; i++) {
        long u = random.nextInt(1000);
        long v = random.nextInt(1000);
        expected.putEdge(u, v);
        actual.putEdge(u, v);
      }
      assertThat(actual.sizeInBytes()).as("graph larger than the budget").isGreaterThan(manager.stats().maxMemory());
      long reloadsBefore = manager.stats().reloadOperations();
      for (long root : new long[] {0, 7, 99}) {
        expected.addNode(root);
        actual.addNode(root);
        List<Long> order = new ArrayList<>();
        Traverser.forGraph(actual).breadthFirst(root).forEach(order::add);
        Set<Long> reachable = Graphs.reachableNodes(expected, root);
        assertThat(order).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(reachable);
        assertThat(order.get(0)).isEqualTo(root);
        assertThat(Graphs.reachableNodes(actual, root)).isEqualTo(reachable);
        // breadth-first: a node's BFS level never decreases along the order
        assertLevelsNonDecreasing(expected, root, order);
        List<Long> dfs = new ArrayList<>();
        Traverser.forGraph(actual).depthFirstPreOrder(root).forEach(dfs::add);
        assertThat(dfs).containsExactlyInAnyOrderElementsOf(reachable);
      }
      assertThat(manager.stats().reloadOperations()).as("traversals reloaded partitions")
          .isGreaterThan(reloadsBefore);
      assertThat(Graphs.hasCycle(actual)).isEqualTo(Graphs.hasCycle(expected));
      assertThat(Graphs.transpose(actual)).isEqualTo(Graphs.transpose(expected));
      assertThat(ImmutableSet.copyOf(Graphs.copyOf(actual).edges())).isEqualTo(expected.edges());
    }
  }

  private static void assertLevelsNonDecreasing(MutableGraph<Long> g, long root, List<Long> order) {
    java.util.Map<Long, Integer> level = new java.util.HashMap<>();
    java.util.ArrayDeque<Long> queue = new java.util.ArrayDeque<>();
    level.put(root, 0);
    queue.add(root);
    while (!queue.isEmpty()) {
      long u = queue.poll();
      for (long v : g.successors(u)) {
        if (level.putIfAbsent(v, level.get(u) + 1) == null) {
          queue.add(v);
        }
      }
    }
    int last = 0;
    for (Long n : order) {
      assertThat(level.get(n)).isGreaterThanOrEqualTo(last);
      last = level.get(n);
    }
  }

  @Test
  void putEdge_refusesSelfLoopsUnlessAllowed() {
    try (SpillingGraph<Long> g = SpillingGraph.builder(manager).undirected().buildLong()) {
      assertThat(g.allowsSelfLoops()).isFalse();
      assertThatThrownBy(() -> g.putEdge(1L, 1L)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("self-loop");
      assertThat(g.nodes()).isEmpty();
    }
  }

  @Test
  void views_throwForAbsentNodesAndEndpointPairsWork() {
    try (SpillingGraph<Long> g = graph(true)) {
      assertThat(g.putEdge(EndpointPair.ordered(1L, 2L))).isTrue();
      assertThat(g.putEdge(EndpointPair.ordered(1L, 2L))).isFalse();
      assertThat(g.hasEdgeConnecting(1L, 2L)).isTrue();
      assertThat(g.hasEdgeConnecting(2L, 1L)).isFalse();
      assertThat(g.hasEdgeConnecting(EndpointPair.ordered(1L, 2L))).isTrue();
      assertThat(g.hasEdgeConnecting(3L, 1L)).isFalse();
      assertThatThrownBy(() -> g.successors(3L)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not an element");
      assertThatThrownBy(() -> g.successorIds(3L)).isInstanceOf(IllegalArgumentException.class);
      assertThat(g.nodes().contains("1")).isFalse();
      assertThat(g.removeEdge(EndpointPair.ordered(1L, 2L))).isTrue();
      assertThat(g.edges()).isEmpty();
      assertThat(g.nodes()).containsExactlyInAnyOrder(1L, 2L);
    }
  }

  @Test
  void longAccessors_agreeWithTheGuavaViews() {
    try (SpillingGraph<Long> g = graph(false)) {
      Random random = new Random(5);
      for (int i = 0; i < 500; i++) {
        g.putEdge((long) random.nextInt(100), (long) random.nextInt(100));
      }
      long[] all = g.nodes().stream().mapToLong(Long::longValue).toArray();
      Set<Long> visited = new HashSet<>();
      List<long[]> pairs = new ArrayList<>();
      g.forEachSuccessorOfAll(all, all.length, (u, v) -> pairs.add(new long[] {u, v}));
      assertThat(pairs).hasSize((int) (2 * g.edgeCountLong() - selfLoops(g)));
      for (long n : all) {
        Set<Long> expected = g.successors(n);
        assertThat(g.successorIds(n)).isSorted().hasSize(expected.size());
        List<Long> seen = new ArrayList<>();
        g.forEachSuccessor(n, seen::add);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(expected);
        visited.add(n);
      }
      assertThat(visited).hasSize(g.nodes().size());
      assertThat(g.nodeCount()).isEqualTo(g.nodes().size());
    }
  }

  private static long selfLoops(SpillingGraph<Long> g) {
    return g.nodes().stream().filter(n -> g.hasEdgeConnecting(n, n)).count();
  }

  @Test
  void genericNodes_throughAnInterningMapper() {
    try (SpillingGraph<String> g = SpillingGraph.builder(manager).directed().partitions(4)
        .build(NodeMapper.interning())) {
      MutableGraph<String> expected = GraphBuilder.directed().build();
      String[] names = {"ada", "bob", "cy", "dee", "eve"};
      Random random = new Random(11);
      for (int i = 0; i < 40; i++) {
        String u = names[random.nextInt(names.length)];
        String v = names[random.nextInt(names.length)];
        if (!u.equals(v)) {
          assertThat(g.putEdge(u, v)).isEqualTo(expected.putEdge(u, v));
        }
      }
      assertThat(g).isEqualTo(expected);
      assertThat(Graphs.reachableNodes(g, "ada")).isEqualTo(Graphs.reachableNodes(expected, "ada"));
      assertThat(g.nodes().contains("zed")).isFalse();
      assertThat(g.nodes().contains(42)).isFalse();
    }
  }

  @Test
  void close_removesEverySegmentAndRefusesFurtherUse() {
    SpillingGraph<Long> g = graph(true);
    g.putEdge(1L, 2L);
    assertThat(manager.listSegments()).isNotEmpty();
    g.close();
    g.close();
    assertThat(manager.listSegments()).isEmpty();
    assertThat(manager.memoryUsage()).isZero();
    assertThatThrownBy(() -> g.nodes().size()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> g.putEdge(3L, 4L)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void close_afterTheManagerWasClosed_isQuiet() {
    SpillingGraph<Long> g = graph(false);
    g.putEdge(1L, 2L);
    manager.close();
    g.close();
    assertThatThrownBy(() -> g.successors(1L)).isInstanceOf(IllegalStateException.class);
  }
}
