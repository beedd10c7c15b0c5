package io.spillway.bench;

import com.google.common.graph.MutableGraph;
import io.spillway.api.SpillManager;
import io.spillway.graph.LongBfs;
import io.spillway.graph.SpillingGraph;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Breadth-first searches from {@value GraphBenchData#ROOTS} roots of a Graph500 Kronecker graph (scale
 * {@code -Dbench.graph.scale}, default {@value GraphBenchData#DEFAULT_SCALE}): on a {@link SpillingGraph} whose budget
 * is a quarter of its size (partitions spill and reload during every search), on one with an unlimited budget, and
 * on Guava's in-memory graphs of the same edges. One operation is the {@value GraphBenchData#ROOTS} searches; TEPS
 * is operations per second times the edges the searches traverse ({@link GraphRows} computes both). Run by
 * {@link BenchmarkRunner}; JMH creates and drives instances.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class GraphBfsBenchmark {

  /** A spilling graph with the budget at {@code budgetDivisor}ths of its size, or unlimited when 0. */
  abstract static class SpillingState {
    @Nullable Path dir;
    @Nullable SpillManager manager;
    @Nullable SpillingGraph<Long> graph;
    long[] roots = new long[0];
    long[] parent = new long[0];

    abstract int budgetDivisor();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      GraphBenchData data = new GraphBenchData(GraphBenchData.scaleFromProperty());
      dir = BenchDirs.create("spill-bench-graph-");
      long size;
      try (SpillManager sizing = GraphBenchData.manager(Long.MAX_VALUE / 4, dir.resolve("sizing"));
          SpillingGraph<Long> g = data.spilling(sizing)) {
        size = g.sizeInBytes();
      }
      long budget = budgetDivisor() == 0 ? Long.MAX_VALUE / 4 : size / budgetDivisor();
      manager = GraphBenchData.manager(budget, dir.resolve("run"));
      graph = data.spilling(manager);
      roots = data.roots();
      parent = new long[data.vertices];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      if (graph != null) {
        graph.close();
      }
      if (manager != null) {
        manager.close();
      }
      if (dir != null) {
        BenchDirs.deleteTree(dir);
      }
    }
  }

  /** Budget a quarter of the graph. */
  @State(Scope.Benchmark)
  public static class QuarterBudget extends SpillingState {
    @Override
    int budgetDivisor() {
      return 4;
    }
  }

  /** No budget limit: nothing spills. */
  @State(Scope.Benchmark)
  public static class Unlimited extends SpillingState {
    @Override
    int budgetDivisor() {
      return 0;
    }
  }

  /** Guava's {@code GraphBuilder.directed()} graph, each edge both ways. */
  @State(Scope.Benchmark)
  public static class GuavaDirected {
    @Nullable MutableGraph<Long> graph;
    long[] roots = new long[0];
    long[] parent = new long[0];

    @Setup(Level.Trial)
    public void setUp() {
      GraphBenchData data = new GraphBenchData(GraphBenchData.scaleFromProperty());
      graph = data.guavaDirected();
      roots = data.roots();
      parent = new long[data.vertices];
    }
  }

  /** Guava's {@code GraphBuilder.undirected()} graph. */
  @State(Scope.Benchmark)
  public static class GuavaUndirected extends GuavaDirected {
    @Override
    @Setup(Level.Trial)
    public void setUp() {
      GraphBenchData data = new GraphBenchData(GraphBenchData.scaleFromProperty());
      graph = data.guavaUndirected();
      roots = data.roots();
      parent = new long[data.vertices];
    }
  }

  private static long spilling(SpillingState state) {
    long reached = 0;
    SpillingGraph<Long> graph = java.util.Objects.requireNonNull(state.graph);
    for (long root : state.roots) {
      long[] parent = LongBfs.parents(graph, root, state.parent.length);
      reached += parent[(int) root];
    }
    return reached;
  }

  private static long guava(GuavaDirected state) {
    long reached = 0;
    MutableGraph<Long> graph = java.util.Objects.requireNonNull(state.graph);
    for (long root : state.roots) {
      reached += GraphBenchData.guavaBfs(graph, root, state.parent);
    }
    return reached;
  }

  @Benchmark
  public long spillingQuarterBudget(QuarterBudget state) {
    return spilling(state);
  }

  @Benchmark
  public long spillingUnlimited(Unlimited state) {
    return spilling(state);
  }

  @Benchmark
  public long guavaDirected(GuavaDirected state) {
    return guava(state);
  }

  @Benchmark
  public long guavaUndirected(GuavaUndirected state) {
    return guava(state);
  }
}
