package io.spillway.examples;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillStats;
import io.spillway.bench.graph500.Kronecker;
import io.spillway.core.Spillway;
import io.spillway.graph.LongBfs;
import io.spillway.graph.SpillingGraph;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A Graph500-style run on a graph several times larger than the memory budget: generates a Kronecker (R-MAT) graph,
 * loads it into a {@link SpillingGraph} whose partitions a {@link SpillManager} spills to files, runs breadth-first
 * searches from random roots, validates each search with Graph500's checks, and prints TEPS and what was spilled.
 *
 * <p>Run it with {@code mvn -q -pl examples -am compile exec:java -Dexec.mainClass=io.spillway.examples.GraphDemo}
 * (add {@code -Dexec.args="--scale 16 --roots 8"} to change it, {@code -Dexec.args=--help} for the flags, listed
 * in {@link GraphDemoOptions#USAGE}).
 *
 * <p>Outside the budget, on purpose and as Graph500 does: the generator's vertex permutation (4 bytes per vertex)
 * and each search's parent array (8 bytes per vertex, kept per root for the validation pass).
 */
public final class GraphDemo {
  private GraphDemo() {}

  /**
   * What a run measured.
   *
   * @param vertices vertices of the generated graph (2^scale)
   * @param nonIsolated vertices with at least one edge
   * @param inputEdges edges generated, duplicates and self-loops included
   * @param graphEdges distinct undirected edges in the graph
   * @param graphBytes the graph's in-memory size (all partitions)
   * @param budget the manager's budget
   * @param peakResident the highest manager usage seen during the run
   * @param teps traversed edges per second of each search
   * @param harmonicMeanTeps their harmonic mean
   * @param allValid whether every search passed validation
   * @param stats the manager's counters at the end
   */
  public record Summary(long vertices, long nonIsolated, long inputEdges, long graphEdges, long graphBytes,
      long budget, long peakResident, double[] teps, double harmonicMeanTeps, boolean allValid, SpillStats stats) {}

  /** Runs the demo (see {@link GraphDemoOptions#USAGE} for the flags and the exit status). */
  public static void main(String[] args) throws IOException {
    Optional<GraphDemoOptions> options;
    try {
      options = GraphDemoOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("GraphDemo: " + e.getMessage());
      System.err.println("Run with --help for the flags.");
      System.exit(2);
      return;
    }
    if (options.isEmpty()) {
      System.out.print(GraphDemoOptions.USAGE);
      return;
    }
    Summary summary = run(options.get(), System.out);
    if (!summary.allValid()) {
      System.exit(1);
    }
  }

  /**
   * Parses {@code args} (see {@link GraphDemoOptions#USAGE}), runs the demo and prints to {@code out}.
   *
   * @throws IllegalArgumentException naming the flag, for a bad command line or {@code --help}
   */
  public static Summary run(String[] args, PrintStream out) throws IOException {
    return run(GraphDemoOptions.parse(args)
        .orElseThrow(() -> new IllegalArgumentException("--help asks for the usage, not a run")), out);
  }

  static Summary run(GraphDemoOptions options, PrintStream out) throws IOException {
    Path dir = options.dir();
    Path spillDir = dir != null ? dir : Files.createTempDirectory("spillway-graph-demo");
    try {
      return run(options.scale(), options.budget(), options.roots(), options.seed(), spillDir, options.partitions(),
          out);
    } finally {
      if (dir == null) {
        deleteRecursively(spillDir);
      }
    }
  }

  private static Summary run(int scale, long requestedBudget, int rootCount, long seed, Path spillDir,
      int requestedPartitions, PrintStream out) {
    Kronecker generator = new Kronecker(scale, Kronecker.DEFAULT_EDGE_FACTOR, seed);
    int n = generator.vertexCount();
    // About 15 bytes per generated edge once deduplicated and stored both ways, plus 12 per vertex.
    long estimate = generator.edgeCount() * 15 + 12L * n;
    long budget = requestedBudget > 0 ? requestedBudget : Math.max(256L << 10, estimate / 5);
    int partitions = requestedPartitions > 0 ? requestedPartitions
        : (int) Math.min(4096, Math.max(16, Long.highestOneBit(Math.max(1, estimate * 16 / budget)) * 2));
    out.printf(Locale.ROOT, "Spillway GraphDemo: Graph500 Kronecker graph, scale %d (%,d vertices, %,d edges), "
        + "budget %s, %d partitions, spilling to %s%n", scale, n, generator.edgeCount(), mib(budget), partitions,
        spillDir);

    SpillConfig config = SpillConfig.builder()
        .maxMemory(budget)
        .spillThreshold(0.90)
        .targetAfterSpill(0.70)
        .minSpillSize(0)
        .spillDir(spillDir)
        .store("file")
        .build();
    AtomicLong peak = new AtomicLong();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "graph-demo-sampler");
      t.setDaemon(true);
      return t;
    });
    try (SpillManager manager = Spillway.newManager(config);
        SpillingGraph<Long> graph = SpillingGraph.builder(manager).undirected().partitions(partitions)
            .name("graph500").buildLong()) {
      sampler.scheduleAtFixedRate(() -> peak.accumulateAndGet(manager.memoryUsage(), Math::max), 0, 2,
          TimeUnit.MILLISECONDS);

      // ---- load ----
      long loadStart = System.nanoTime();
      long total = generator.edgeCount();
      long step = Math.max(1, total / 10);
      long[] seen = {0};
      try (SpillingGraph<Long>.Loader loader = graph.loader()) {
        generator.forEachEdge((u, v) -> {
          if (u != v) {
            loader.addEdge(u, v);
          }
          if (++seen[0] % step == 0) {
            SpillStats s = manager.stats();
            out.printf(Locale.ROOT, "  loading: %3d%% of edges, resident %s of %s, %s spilled so far%n",
                seen[0] * 100 / total, mib(s.memoryUsage()), mib(budget), mib(s.bytesSpilled()));
          }
        });
        out.println("  merging the last buffered edges into their partitions...");
      }
      double loadSeconds = seconds(loadStart);
      long graphBytes = graph.sizeInBytes();
      out.printf(Locale.ROOT, "Loaded in %.1f s: %,d vertices with edges, %,d distinct edges, graph %s = %.1fx the "
          + "budget%n", loadSeconds, graph.nodeCount(), graph.edgeCountLong(), mib(graphBytes),
          (double) graphBytes / budget);

      // ---- search ----
      long[] roots = pickRoots(graph, n, rootCount, seed);
      long[][] parents = new long[roots.length][];
      double[] bfsSeconds = new double[roots.length];
      for (int r = 0; r < roots.length; r++) {
        long reloadsBefore = manager.stats().reloadOperations();
        long start = System.nanoTime();
        parents[r] = LongBfs.parents(graph, roots[r], n);
        bfsSeconds[r] = seconds(start);
        long reached = Arrays.stream(parents[r]).filter(p -> p >= 0).count();
        out.printf(Locale.ROOT, "  BFS %d/%d from root %,d: reached %,d vertices in %.3f s (%d partition reloads)%n",
            r + 1, roots.length, roots[r], reached, bfsSeconds[r], manager.stats().reloadOperations() - reloadsBefore);
      }

      // ---- validate ----
      out.println("Validating every search against the regenerated edge stream (Graph500 checks)...");
      long validationStart = System.nanoTime();
      Validation[] checks = new Validation[roots.length];
      for (int r = 0; r < roots.length; r++) {
        checks[r] = new Validation(roots[r], parents[r]);
      }
      generator.forEachEdge((u, v) -> {
        for (Validation c : checks) {
          c.edge(u, v);
        }
      });
      boolean allValid = true;
      double[] teps = new double[roots.length];
      double inverseSum = 0;
      for (int r = 0; r < roots.length; r++) {
        String error = checks[r].finish();
        teps[r] = checks[r].traversedEdges / bfsSeconds[r];
        inverseSum += 1 / teps[r];
        allValid &= error == null;
        out.printf(Locale.ROOT, "  root %,d: %s; %,d edges traversed, %s TEPS%n", roots[r],
            error == null ? "valid" : "INVALID (" + error + ")", checks[r].traversedEdges, teps(teps[r]));
      }
      double validationSeconds = seconds(validationStart);
      out.printf(Locale.ROOT, "Validated in %.1f s%n", validationSeconds);
      double harmonic = roots.length / inverseSum;
      sampler.shutdownNow();
      SpillStats stats = manager.stats();
      long peakResident = Math.max(peak.get(), stats.memoryUsage());

      out.println();
      out.println("Summary");
      out.printf(Locale.ROOT, "  vertices            %,d (%,d with edges)%n", n, graph.nodeCount());
      out.printf(Locale.ROOT, "  edges               %,d generated, %,d distinct undirected%n", total,
          graph.edgeCountLong());
      out.printf(Locale.ROOT, "  graph size / budget %s / %s = %.1fx%n", mib(graphBytes), mib(budget),
          (double) graphBytes / budget);
      out.printf(Locale.ROOT, "  peak resident       %s of the %s budget (%.0f%%)%n", mib(peakResident),
          mib(budget), 100.0 * peakResident / budget);
      out.printf(Locale.ROOT, "  spilled / reloaded  %s in %,d spills / %s in %,d reloads%n",
          mib(stats.bytesSpilled()), stats.spillOperations(), mib(stats.bytesReloaded()), stats.reloadOperations());
      StringBuilder perRoot = new StringBuilder();
      for (double t : teps) {
        perRoot.append(perRoot.length() == 0 ? "" : ", ").append(teps(t));
      }
      out.printf(Locale.ROOT, "  TEPS                %s harmonic mean (per root: %s)%n", teps(harmonic), perRoot);
      out.printf(Locale.ROOT, "  time                load %.1f s, BFS %.2f s in all, validation %.1f s%n",
          loadSeconds, Arrays.stream(bfsSeconds).sum(), validationSeconds);
      out.println("  validation          " + (allValid ? "all " + roots.length + " searches valid" : "FAILED"));
      return new Summary(n, graph.nodeCount(), total, graph.edgeCountLong(), graphBytes, budget, peakResident, teps,
          harmonic, allValid, stats);
    } finally {
      sampler.shutdownNow();
    }
  }

  /** Roots as Graph500 picks them: random vertices that have at least one edge, distinct. */
  private static long[] pickRoots(SpillingGraph<Long> graph, int n, int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed * 31 + 7);
    List<Long> roots = new ArrayList<>();
    for (int attempts = 0; roots.size() < count && attempts < 100 * count + 1000; attempts++) {
      long candidate = random.nextInt(n);
      if (!roots.contains(candidate) && graph.containsId(candidate) && graph.successorIds(candidate).length > 0) {
        roots.add(candidate);
      }
    }
    if (roots.isEmpty()) {
      throw new IllegalStateException("no vertex with edges found for a root");
    }
    return roots.stream().mapToLong(Long::longValue).toArray();
  }

  /**
   * Graph500's validation of one search: the parents form a tree rooted at the root (no cycles), each tree edge is
   * an input edge and joins levels that differ by exactly one, every input edge joins two unreached vertices or two
   * reached ones whose levels differ by at most one (so every vertex reachable from the root is in the tree).
   */
  static final class Validation {
    private final long root;
    private final long[] parent;
    private final int[] level;
    private final BitSet treeEdgeSeen;
    private @Nullable String error;
    long traversedEdges;

    Validation(long root, long[] parent) {
      this.root = root;
      this.parent = parent;
      this.level = new int[parent.length];
      this.treeEdgeSeen = new BitSet(parent.length);
      this.error = levels();
    }

    /** Levels from the parent tree; an error if it is not a tree rooted at the root. */
    private @Nullable String levels() {
      int n = parent.length;
      Arrays.fill(level, -1);
      if (parent[(int) root] != root) {
        return "the root is not its own parent";
      }
      level[(int) root] = 0;
      int[] path = new int[64];
      for (int v = 0; v < n; v++) {
        if (parent[v] < 0 || level[v] >= 0) {
          continue;
        }
        int depth = 0;
        int x = v;
        while (level[x] < 0) {
          if (depth == path.length) {
            path = Arrays.copyOf(path, depth * 2);
          }
          path[depth++] = x;
          long p = parent[x];
          if (p < 0 || p >= n || depth > n) {
            return "vertex " + x + " has parent " + p + ", which is not in the tree (or the parents form a cycle)";
          }
          x = (int) p;
        }
        for (int k = depth - 1; k >= 0; k--) {
          level[path[k]] = level[x] + (depth - k);
        }
      }
      return null;
    }

    void edge(long u, long v) {
      if (error != null || u == v) {
        return;
      }
      int a = (int) u;
      int b = (int) v;
      int la = level[a];
      int lb = level[b];
      if ((la < 0) != (lb < 0)) {
        error = "edge " + u + "-" + v + " joins a reached and an unreached vertex";
        return;
      }
      if (la < 0) {
        return;
      }
      traversedEdges++;
      if (Math.abs(la - lb) > 1) {
        error = "edge " + u + "-" + v + " joins levels " + la + " and " + lb;
        return;
      }
      if (parent[b] == u && b != root) {
        treeEdgeSeen.set(b);
      }
      if (parent[a] == v && a != root) {
        treeEdgeSeen.set(a);
      }
    }

    /** The first error found, or null when the search is valid. */
    @Nullable String finish() {
      if (error != null) {
        return error;
      }
      for (int v = 0; v < parent.length; v++) {
        if (parent[v] >= 0 && v != root) {
          if (!treeEdgeSeen.get(v)) {
            return "tree edge " + parent[v] + "-" + v + " is not an input edge";
          }
          if (level[v] != level[(int) parent[v]] + 1) {
            return "tree edge " + parent[v] + "-" + v + " does not join consecutive levels";
          }
        }
      }
      return null;
    }
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
  }

  private static String teps(double value) {
    return String.format(Locale.ROOT, "%.2fM", value / 1e6);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
