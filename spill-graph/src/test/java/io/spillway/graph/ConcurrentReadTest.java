package io.spillway.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.SpillManager;
import io.spillway.api.SpillMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The documented claim: any number of threads may read at once while the manager spills and reloads. */
class ConcurrentReadTest {
  @TempDir Path dir;

  @Test
  void concurrentSearches_onASpillingGraph_allSeeTheSameGraph() throws Exception {
    int n = 20_000;
    try (SpillManager manager = TestManagers.create(dir, 256 << 10, SpillMode.BACKGROUND);
        SpillingGraph<Long> graph = SpillingGraph.builder(manager).undirected().partitions(32).buildLong()) {
      SplittableRandom random = new SplittableRandom(1);
      try (SpillingGraph<Long>.Loader loader = graph.loader()) {
        for (int i = 0; i < 80_000; i++) {
          long u = random.nextLong(n);
          long v = random.nextLong(n);
          if (u != v) {
            loader.addEdge(u, v);
          }
        }
        // Left unflushed on purpose: the readers race to merge the last buffers.
      }
      graph.putEdge(0L, 1L);
      long[] roots = {0, 1, 2, 3};
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<long[]>> bfs = new ArrayList<>();
        List<Future<Long>> sums = new ArrayList<>();
        for (long root : roots) {
          bfs.add(pool.submit(() -> {
            start.await();
            return LongBfs.parents(graph, root, n);
          }));
          sums.add(pool.submit(() -> {
            start.await();
            long degrees = 0;
            for (Long node : graph.nodes()) {
              degrees += graph.successors(node).size();
            }
            return degrees;
          }));
        }
        start.countDown();
        long[] reference = null;
        for (Future<long[]> f : bfs) {
          long[] parent = f.get(60, TimeUnit.SECONDS);
          long reached = java.util.Arrays.stream(parent).filter(p -> p >= 0).count();
          assertThat(reached).isGreaterThan(n / 2);
          // Roots 0..3 are in one giant component, so every search reaches the same set.
          if (reference == null) {
            reference = parent;
          } else {
            for (int v = 0; v < n; v++) {
              assertThat(parent[v] >= 0).isEqualTo(reference[v] >= 0);
            }
          }
        }
        for (Future<Long> f : sums) {
          assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(2 * graph.edgeCountLong());
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(manager.stats().reloadOperations()).isPositive();
      assertThat(manager.stats().reloadFailures()).isZero();
    }
  }
}
