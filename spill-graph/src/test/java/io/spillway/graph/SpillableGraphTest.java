package io.spillway.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.graph.EndpointPair;
import com.google.common.graph.GraphBuilder;
import com.google.common.graph.MutableGraph;
import io.spillway.api.SegmentInfo;
import io.spillway.api.SpillCodec;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillMode;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpillableGraphTest {
  private static final long BUDGET = 100_000;

  @TempDir Path dir;
  private SpillManager manager;

  @BeforeEach
  void open() {
    manager = TestManagers.create(dir, BUDGET, SpillMode.SYNCHRONOUS);
  }

  @AfterEach
  void close() {
    manager.close();
  }

  /** A Guava graph of longs as its edge list; what a user of the wrapper writes for their own graph type. */
  static final class EdgeListCodec implements SpillCodec<MutableGraph<Long>> {
    @Override
    public byte[] encode(MutableGraph<Long> g) {
      ByteBuffer buf = ByteBuffer.allocate(4 + 16 * g.edges().size());
      buf.putInt(g.edges().size());
      for (EndpointPair<Long> e : g.edges()) {
        buf.putLong(e.nodeU()).putLong(e.nodeV());
      }
      return buf.array();
    }

    @Override
    public MutableGraph<Long> decode(byte[] bytes) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      MutableGraph<Long> g = GraphBuilder.directed().build();
      for (int i = buf.getInt(); i > 0; i--) {
        g.putEdge(buf.getLong(), buf.getLong());
      }
      return g;
    }
  }

  private static MutableGraph<Long> chain(int length) {
    MutableGraph<Long> g = GraphBuilder.directed().build();
    for (long i = 0; i < length; i++) {
      g.putEdge(i, i + 1);
    }
    return g;
  }

  private SegmentInfo info(String name) {
    return manager.listSegments().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void create_registersTheGraphAsASegment() {
    try (SpillableGraph<MutableGraph<Long>> g = SpillableGraph.create(manager, "g", chain(10), new EdgeListCodec())) {
      assertThat(g.segmentName()).isEqualTo("g");
      assertThat(info("g").size()).isEqualTo(4 + 16 * 10);
      assertThat(manager.memoryUsage()).isEqualTo(4 + 16 * 10);
      assertThat(g.stats().segmentCount()).isEqualTo(1);
    }
    assertThat(manager.listSegments()).isEmpty();
  }

  @Test
  void checkMemory_updatesTheRegisteredSizeAndLetsTheManagerSpill() {
    try (SpillableGraph<MutableGraph<Long>> cold = SpillableGraph.create(manager, "cold", chain(100),
            new EdgeListCodec(), 30_000, 0.8);
        SpillableGraph<MutableGraph<Long>> hot = SpillableGraph.create(manager, "hot", chain(5),
            new EdgeListCodec(), 10_000, 0.8)) {
      assertThat(hot.checkMemory(20_000)).as("usage 50% of the budget").isFalse();
      assertThat(info("hot").size()).isEqualTo(20_000);
      assertThat(manager.memoryUsage()).isEqualTo(50_000);

      // Growing past the threshold makes the manager spill by itself (here before the call returns).
      boolean over = hot.checkMemory(60_000);
      assertThat(info("hot").size()).isEqualTo(60_000);
      assertThat(manager.stats().spillOperations()).isPositive();
      assertThat(manager.memoryUsage()).isLessThanOrEqualTo((long) (0.8 * BUDGET));
      assertThat(over).isEqualTo(manager.utilization() >= 0.8);
      assertThat(cold.isSpilled() || hot.isSpilled()).isTrue();

      // Both come back intact.
      int coldEdges = cold.read(graph -> graph.edges().size());
      assertThat(coldEdges).isEqualTo(100);
      assertThat(hot.graph().edges()).hasSize(5);
      assertThat(manager.stats().reloadOperations()).isPositive();
    }
  }

  @Test
  void update_mutatesWhilePinnedAndRecordsTheNewSize() {
    try (SpillableGraph<MutableGraph<Long>> g = SpillableGraph.create(manager, "g", chain(3), new EdgeListCodec())) {
      g.update(graph -> graph.putEdge(100L, 200L), 1234);
      assertThat(g.size()).isEqualTo(1234);
      assertThat(g.graph().hasEdgeConnecting(100L, 200L)).isTrue();
      assertThatThrownBy(() -> g.checkMemory(-1)).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
