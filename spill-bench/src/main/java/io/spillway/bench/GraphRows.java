package io.spillway.bench;

import io.spillway.api.SpillManager;
import io.spillway.graph.LongBfs;
import io.spillway.graph.SpillingGraph;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The spill-graph rows of the benchmark table: BFS TEPS of {@link GraphBfsBenchmark} (quarter budget and unlimited
 * against Guava's {@code GraphBuilder.directed()} graph, alternating which runs first in each round) and heap bytes
 * per edge ({@link GraphHeap}, in a child JVM on the Parallel collector). {@link #main} runs only these and prints
 * them. Not thread-safe; meant to be run as a program.
 */
public final class GraphRows {
  static final double UNLIMITED_GOAL = 1.0;
  static final double QUARTER_GOAL = 0.3;
  static final double HEAP_GOAL = 0.25;
  private static final String BASELINE = "guavaDirected";

  private GraphRows() {}

  /** Runs the graph benchmarks and returns their rows. */
  static List<BenchmarkRunner.Row> rows(boolean quick, int rounds) throws IOException, RunnerException {
    int scale = GraphBenchData.scaleFromProperty();
    double edgesPerOp = traversedEdgesPerOp(scale);
    System.out.printf(Locale.ROOT, "graph BFS: scale %d, %,.0f edges traversed per operation (%d searches)%n", scale,
        edgesPerOp, GraphBenchData.ROOTS);
    List<String> methods = List.of("spillingUnlimited", "spillingQuarterBudget", BASELINE, "guavaUndirected");
    Map<String, List<Double>> teps = new java.util.LinkedHashMap<>();
    for (String m : methods) {
      teps.put(m, new ArrayList<>());
    }
    for (int round = 0; round < rounds; round++) {
      List<String> order = new ArrayList<>(methods);
      if (round % 2 == 1) {
        java.util.Collections.reverse(order);
      }
      for (String m : order) {
        series(teps, m).add(run(quick, m) * edgesPerOp);
      }
    }
    List<BenchmarkRunner.Row> rows = new ArrayList<>();
    String setting = "BFS from " + GraphBenchData.ROOTS + " roots, Graph500 Kronecker scale " + scale;
    rows.add(tepsRow("spilling graph, no budget limit", setting, series(teps, "spillingUnlimited"),
        series(teps, BASELINE), UNLIMITED_GOAL));
    rows.add(tepsRow("spilling graph, budget = ¼ of the graph", setting, series(teps, "spillingQuarterBudget"),
        series(teps, BASELINE), QUARTER_GOAL));
    List<Double> undirectedRatios = BenchmarkRunner.ratios(series(teps, "spillingUnlimited"),
        series(teps, "guavaUndirected"));
    rows.add(new BenchmarkRunner.Row("GraphBfsBenchmark: spilling graph, no budget limit", setting,
        BenchmarkRunner.summary(mteps(series(teps, "spillingUnlimited")), 2),
        "Guava undirected() " + BenchmarkRunner.summary(mteps(series(teps, "guavaUndirected")), 2), "MTEPS",
        fmt(BenchmarkRunner.geometricMean(undirectedRatios)) + "× (spilling / guava undirected)", "— (for reference)",
        true, "—"));
    Map<String, Double> heap = heapInChildJvm(scale);
    double spilling = require(heap, "spilling");
    double directed = require(heap, "guava-directed");
    double undirected = require(heap, "guava-undirected");
    System.out.printf(Locale.ROOT, "graph heap: spilling %.1f, guava directed %.1f, guava undirected %.1f bytes/edge%n",
        spilling, directed, undirected);
    rows.add(new BenchmarkRunner.Row("GraphHeap", "Kronecker scale " + scale + ", every partition resident",
        fmt(spilling) + " (Guava undirected(): " + fmt(undirected) + ")", "Guava directed() " + fmt(directed),
        "bytes/edge", fmt(spilling / directed) + "× (spilling / guava)", "≤ " + fmt(HEAP_GOAL) + "×",
        spilling / directed <= HEAP_GOAL));
    return rows;
  }

  private static BenchmarkRunner.Row tepsRow(String what, String setting, List<Double> spilling, List<Double> guava,
      double goal) {
    List<Double> ratios = BenchmarkRunner.ratios(spilling, guava);
    double ratio = BenchmarkRunner.geometricMean(ratios);
    String rounds = ratios.size() == 1 ? ""
        : ", rounds " + String.join(" / ", ratios.stream().map(GraphRows::fmt).toList());
    return new BenchmarkRunner.Row("GraphBfsBenchmark: " + what, setting, BenchmarkRunner.summary(mteps(spilling), 2),
        "Guava directed() " + BenchmarkRunner.summary(mteps(guava), 2), "MTEPS",
        fmt(ratio) + "× (spilling / guava)" + rounds, "≥ " + fmt(goal) + "×", ratio >= goal);
  }

  private static List<Double> mteps(List<Double> teps) {
    return teps.stream().map(t -> t / 1e6).toList();
  }

  /** The measurements of {@code method}: rows puts a list in {@code teps} for each method before it runs any. */
  private static List<Double> series(Map<String, List<Double>> teps, String method) {
    return Objects.requireNonNull(teps.get(method), method);
  }

  private static double require(Map<String, Double> values, String key) {
    Double value = values.get(key);
    if (value == null) {
      throw new IllegalStateException("the heap JVM measured nothing for " + key + ": " + values);
    }
    return value;
  }

  /** Edges one operation traverses: for each root, the distinct edges of the component it reaches. */
  static double traversedEdgesPerOp(int scale) throws IOException {
    GraphBenchData data = new GraphBenchData(scale);
    Path dir = BenchDirs.create("spill-bench-graph-count-");
    try (SpillManager manager = GraphBenchData.manager(Long.MAX_VALUE / 4, dir);
        SpillingGraph<Long> graph = data.spilling(manager)) {
      double total = 0;
      for (long root : data.roots()) {
        long[] parent = LongBfs.parents(graph, root, data.vertices);
        long degrees = 0;
        for (int v = 0; v < parent.length; v++) {
          if (parent[v] >= 0) {
            degrees += graph.successorIds(v).length;
          }
        }
        total += degrees / 2.0;
      }
      return total;
    } finally {
      BenchDirs.deleteTree(dir);
    }
  }

  private static double run(boolean quick, String method) throws RunnerException {
    ChainedOptionsBuilder options = new OptionsBuilder()
        .include("^" + Pattern.quote(GraphBfsBenchmark.class.getName() + "." + method) + "$")
        .forks(1)
        .jvmArgsAppend("-Dbench.graph.scale=" + GraphBenchData.scaleFromProperty())
        .shouldFailOnError(true);
    if (quick) {
      options.warmupIterations(1).warmupTime(TimeValue.seconds(1))
          .measurementIterations(2).measurementTime(TimeValue.seconds(1));
    } else {
      options.warmupIterations(2).warmupTime(TimeValue.seconds(2))
          .measurementIterations(3).measurementTime(TimeValue.seconds(3));
    }
    Collection<RunResult> results = new Runner(options.build()).run();
    if (results.size() != 1) {
      throw new IllegalStateException("expected one JMH result for " + method + ", got " + results.size());
    }
    return results.iterator().next().getPrimaryResult().getScore();
  }

  private static Map<String, Double> heapInChildJvm(int scale) throws IOException {
    return GraphHeap.parse(ChildJvm.run(GraphHeap.class, "3g", Integer.toString(scale)));
  }

  private static String fmt(double value) {
    return String.format(Locale.ROOT, "%.2f", value);
  }

  /**
   * Runs only the graph benchmarks and prints their table. {@code -Dbench.quick=true}, {@code -Dbench.rounds=N}
   * (default 1) and {@code -Dbench.graph.scale=N} apply.
   */
  public static void main(String[] args) throws IOException, RunnerException {
    boolean quick = Boolean.getBoolean("bench.quick");
    int rounds = Integer.getInteger("bench.rounds", 1);
    System.out.println(BenchmarkRunner.table(rows(quick, rounds)));
  }
}
