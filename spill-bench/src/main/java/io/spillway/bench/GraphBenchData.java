package io.spillway.bench;

import com.google.common.graph.GraphBuilder;
import com.google.common.graph.MutableGraph;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.bench.graph500.Kronecker;
import io.spillway.core.Spillway;
import io.spillway.graph.SpillingGraph;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The graph the BFS benchmarks share: a Graph500 Kronecker graph (edge factor 16, seed 1) without self-loops, the
 * roots searched from, and builders of the three representations measured. Not thread-safe.
 */
final class GraphBenchData {
  /** Scale of the benchmarked graph unless {@code -Dbench.graph.scale} says otherwise. */
  static final int DEFAULT_SCALE = 16;
  static final int ROOTS = 4;
  static final int PARTITIONS = 64;

  final int scale;
  final int vertices;
  final long[] sources;
  final long[] targets;

  GraphBenchData(int scale) {
    this.scale = scale;
    Kronecker generator = new Kronecker(scale, Kronecker.DEFAULT_EDGE_FACTOR, 1);
    vertices = generator.vertexCount();
    long[] us = new long[(int) generator.edgeCount()];
    long[] vs = new long[us.length];
    int[] count = {0};
    generator.forEachEdge((u, v) -> {
      if (u != v) {
        us[count[0]] = u;
        vs[count[0]++] = v;
      }
    });
    sources = Arrays.copyOf(us, count[0]);
    targets = Arrays.copyOf(vs, count[0]);
  }

  static int scaleFromProperty() {
    return Integer.getInteger("bench.graph.scale", DEFAULT_SCALE);
  }

  static SpillManager manager(long budget, Path dir) {
    return Spillway.newManager(SpillConfig.builder()
        .maxMemory(budget)
        .spillThreshold(0.90)
        .targetAfterSpill(0.70)
        .minSpillSize(0)
        .spillDir(dir)
        .store("file")
        .build());
  }

  SpillingGraph<Long> spilling(SpillManager manager) {
    SpillingGraph<Long> graph = SpillingGraph.builder(manager).undirected().partitions(PARTITIONS).name("bench")
        .buildLong();
    try (SpillingGraph<Long>.Loader loader = graph.loader()) {
      for (int i = 0; i < sources.length; i++) {
        loader.addEdge(sources[i], targets[i]);
      }
    }
    return graph;
  }

  /** Guava's {@code GraphBuilder.directed()} graph holding each undirected edge both ways, as BFS needs. */
  MutableGraph<Long> guavaDirected() {
    MutableGraph<Long> graph = GraphBuilder.directed().expectedNodeCount(vertices).build();
    for (int i = 0; i < sources.length; i++) {
      graph.putEdge(sources[i], targets[i]);
      graph.putEdge(targets[i], sources[i]);
    }
    return graph;
  }

  /** Guava's {@code GraphBuilder.undirected()} graph of the edges. */
  MutableGraph<Long> guavaUndirected() {
    MutableGraph<Long> graph = GraphBuilder.undirected().expectedNodeCount(vertices).build();
    for (int i = 0; i < sources.length; i++) {
      graph.putEdge(sources[i], targets[i]);
    }
    return graph;
  }

  /** {@link #ROOTS} distinct vertices with edges, chosen deterministically. */
  long[] roots() {
    SplittableRandom random = new SplittableRandom(7);
    long[] roots = new long[ROOTS];
    for (int r = 0; r < ROOTS; r++) {
      long candidate = sources[random.nextInt(sources.length)];
      for (int k = 0; k < r; k++) {
        if (roots[k] == candidate) {
          candidate = -1;
        }
      }
      if (candidate < 0) {
        r--;
      } else {
        roots[r] = candidate;
      }
    }
    return roots;
  }

  /**
   * The same level-synchronous BFS as {@link io.spillway.graph.LongBfs}, over Guava's {@code successors} view;
   * returns the number of vertices reached.
   */
  static int guavaBfs(MutableGraph<Long> graph, long root, long[] parent) {
    Arrays.fill(parent, -1);
    parent[(int) root] = root;
    ArrayList<Long> frontier = new ArrayList<>();
    frontier.add(root);
    int reached = 1;
    while (!frontier.isEmpty()) {
      ArrayList<Long> next = new ArrayList<>();
      for (Long u : frontier) {
        for (Long v : graph.successors(u)) {
          int vi = (int) v.longValue();
          if (parent[vi] < 0) {
            parent[vi] = u;
            next.add(v);
            reached++;
          }
        }
      }
      frontier = next;
    }
    return reached;
  }
}
