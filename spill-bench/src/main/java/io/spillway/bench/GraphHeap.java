package io.spillway.bench;

import com.google.common.graph.MutableGraph;
import io.spillway.api.SpillManager;
import io.spillway.graph.SpillingGraph;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Heap bytes per distinct edge of a Graph500 Kronecker graph held by a {@link SpillingGraph} with no budget limit
 * (everything resident, the manager's own objects included) and by Guava's {@code GraphBuilder.directed()} (each
 * edge both ways) and {@code GraphBuilder.undirected()} graphs, measured as {@link HeapPerSegment} does: used heap
 * after repeated full collections, before and after building. Meant to run in a JVM of its own on the Parallel
 * collector ({@link GraphRows} starts one).
 */
public final class GraphHeap {
  private GraphHeap() {}

  /** Bytes per edge by representation: {@code spilling}, {@code guava-directed}, {@code guava-undirected}. */
  static Map<String, Double> measure(int scale, Path dir) {
    GraphBenchData data = new GraphBenchData(scale);
    Map<String, Double> result = new LinkedHashMap<>();
    double edges;
    try (SpillManager manager = GraphBenchData.manager(Long.MAX_VALUE / 4, dir)) {
      long before = HeapPerSegment.usedHeapAfterGc();
      SpillingGraph<Long> graph = data.spilling(manager);
      long after = HeapPerSegment.usedHeapAfterGc();
      edges = graph.edgeCountLong();
      result.put("spilling", (after - before) / edges);
      Reference.reachabilityFence(graph);
      graph.close();
    }
    long before = HeapPerSegment.usedHeapAfterGc();
    MutableGraph<Long> directed = data.guavaDirected();
    long after = HeapPerSegment.usedHeapAfterGc();
    result.put("guava-directed", (after - before) / edges);
    Reference.reachabilityFence(directed);
    directed = null;
    before = HeapPerSegment.usedHeapAfterGc();
    MutableGraph<Long> undirected = data.guavaUndirected();
    after = HeapPerSegment.usedHeapAfterGc();
    result.put("guava-undirected", (after - before) / edges);
    Reference.reachabilityFence(undirected);
    return result;
  }

  /** Reads the lines {@link #main} prints. */
  static Map<String, Double> parse(String output) {
    Map<String, Double> bytes = new LinkedHashMap<>();
    output.lines().map(String::trim).filter(line -> line.endsWith(" bytes/edge")).forEach(line -> {
      String[] parts = line.split("\\s+");
      bytes.put(parts[0], Double.parseDouble(parts[1]));
    });
    return bytes;
  }

  /**
   * Prints bytes per edge of each representation.
   *
   * @param args optional: the scale (default {@value GraphBenchData#DEFAULT_SCALE})
   */
  public static void main(String[] args) throws IOException {
    int scale = args.length > 0 ? Integer.parseInt(args[0]) : GraphBenchData.DEFAULT_SCALE;
    Path dir = BenchDirs.create("spill-bench-graph-heap-");
    try {
      measure(scale, dir).forEach((name, bytes) -> System.out.printf(Locale.ROOT, "%s %.2f bytes/edge%n", name,
          bytes));
    } finally {
      BenchDirs.deleteTree(dir);
    }
  }
}
