package io.spillway.bench.sim;

import io.spillway.api.spi.SpillPolicyProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Runs every (trace, budget, policy) cell on a fixed pool of threads. Internal, may change.
 *
 * <p>Each trace is read once and shared by its cells. Policies run through the manager may take long (a policy that
 * is O(n) per victim, on a trace of many keys): a cell that passes the time limit stops, and so do the other budgets
 * of that policy on that trace, reported as failed rather than holding up the whole run.
 *
 * <p>Not thread-safe; one run per instance.
 */
final class Simulation {
  /** Names of the reference columns, best first. */
  static final String OPT = "opt";
  static final String BELADY = "belady";
  static final String BELADY_SIZE = "belady-size";
  static final String CAFFEINE = "caffeine";

  private final List<String> policies;
  private final int threads;
  private final Duration timeLimit;
  private final Map<String, Integer> batches;
  private final ReloadCost cost;
  private final boolean s3Fifo;

  /**
   * @param batches policies to replay in spill rounds, with the percent of the capacity each round frees beyond
   *     what is needed (see {@link ManagerReplay#run(Trace, String, String, long, int, ReloadCost,
   *     BooleanSupplier)})
   * @param cost what a reload costs, told to the policies (the report's estimate uses the same)
   * @param peers references to replay beside Caffeine and Belady: none, or {@link S3FifoReplay#NAME}
   * @throws IllegalArgumentException for a peer of another name
   */
  Simulation(List<String> policies, int threads, Duration timeLimit, Map<String, Integer> batches,
      ReloadCost cost, List<String> peers) {
    for (String peer : peers) {
      if (!peer.equals(S3FifoReplay.NAME)) {
        throw new IllegalArgumentException("unknown peer '" + peer + "'; the peers are: " + S3FifoReplay.NAME);
      }
    }
    this.policies = List.copyOf(policies);
    this.threads = threads;
    this.timeLimit = timeLimit;
    this.batches = Map.copyOf(batches);
    this.cost = cost;
    this.s3Fifo = peers.contains(S3FifoReplay.NAME);
  }

  ReloadCost cost() {
    return cost;
  }

  /** The row name of a policy: its provider name, with its batch size when replayed in rounds. */
  String label(String policy) {
    Integer percent = batches.get(policy);
    return percent == null || percent == 0 ? policy : policy + " (" + percent + "% rounds)";
  }

  /** The names of every {@link SpillPolicyProvider} on the class path, sorted; broken providers are skipped. */
  static List<String> policiesOnClassPath() {
    TreeMap<String, Integer> names = providers();
    return List.copyOf(names.keySet());
  }

  /** The policy a manager uses when none is named: the provider of the highest priority. */
  static String defaultPolicy() {
    return providers().entrySet().stream()
        .max(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey(
            Comparator.reverseOrder())))
        .map(Map.Entry::getKey)
        .orElse("");
  }

  private static TreeMap<String, Integer> providers() {
    TreeMap<String, Integer> names = new TreeMap<>();
    var iterator = ServiceLoader.load(SpillPolicyProvider.class).iterator();
    while (true) {
      try {
        if (!iterator.hasNext()) {
          break;
        }
        SpillPolicyProvider provider = iterator.next();
        names.put(provider.name(), provider.priority());
      } catch (ServiceConfigurationError e) {
        System.err.println("Skipping a policy provider that fails to load: " + e);
      }
    }
    return names;
  }

  /** The results of one trace. */
  record TraceResults(TraceSpec spec, Trace trace, List<CellResult> cells, Duration readTime) {
    CellResult cell(String policy, long budget) {
      long capacity = spec.capacity(budget);
      for (CellResult cell : cells) {
        if (cell.policy().equals(policy) && cell.capacity() == capacity) {
          return cell;
        }
      }
      throw new IllegalArgumentException("No result for " + policy + " at " + capacity);
    }

    /** Column order: references, then the policies. */
    List<String> policyNames() {
      List<String> names = new ArrayList<>();
      for (CellResult cell : cells) {
        if (!names.contains(cell.policy())) {
          names.add(cell.policy());
        }
      }
      return names;
    }
  }

  /** Reads the traces and runs all cells; returns the results in the order of {@code specs}. */
  List<TraceResults> run(List<TraceSpec> specs) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(threads, task -> {
      Thread thread = new Thread(task, "simulator");
      thread.setDaemon(true);
      return thread;
    });
    try {
      Map<TraceSpec, CompletableFuture<Trace>> traces = new LinkedHashMap<>();
      Map<TraceSpec, Duration> readTimes = new ConcurrentHashMap<>();
      for (TraceSpec spec : specs) {
        traces.put(spec, CompletableFuture.supplyAsync(() -> {
          long start = System.nanoTime();
          try {
            Trace trace = Trace.read(spec.file());
            trace.nextUse();
            readTimes.put(spec, Duration.ofNanos(System.nanoTime() - start));
            return trace;
          } catch (IOException e) {
            throw new UncheckedIOException("Cannot read trace " + spec.file() + ": " + e.getMessage(), e);
          }
        }, pool));
      }
      Map<TraceSpec, List<Future<CellResult>>> futures = new LinkedHashMap<>();
      // The largest traces first, so that the pool ends with short cells.
      List<TraceSpec> bySize = new ArrayList<>(specs);
      Map<TraceSpec, Trace> loaded = new LinkedHashMap<>();
      for (TraceSpec spec : specs) {
        loaded.put(spec, join(entry(traces, spec)));
      }
      bySize.sort(Comparator.comparingInt((TraceSpec s) -> entry(loaded, s).requests()).reversed());
      for (TraceSpec spec : bySize) {
        Trace trace = entry(loaded, spec);
        List<Future<CellResult>> cells = new ArrayList<>();
        Map<String, AtomicBoolean> gaveUp = new ConcurrentHashMap<>();
        for (String policy : policies) {
          AtomicBoolean flag = gaveUp.computeIfAbsent(policy, p -> new AtomicBoolean());
          for (long budget : spec.budgets()) {
            long capacity = spec.capacity(budget);
            cells.add(pool.submit(() -> runPolicy(trace, policy, capacity, flag)));
          }
        }
        for (long budget : spec.budgets()) {
          long capacity = spec.capacity(budget);
          if (spec.sized()) {
            cells.add(pool.submit(() -> Belady.min(trace, capacity, false)));
            cells.add(pool.submit(() -> Belady.sizeAware(trace, capacity)));
          } else {
            cells.add(pool.submit(() -> Belady.min(trace, capacity, true)));
          }
          cells.add(pool.submit(() -> CaffeineReplay.run(trace, capacity)));
          if (s3Fifo) {
            cells.add(pool.submit(() -> S3FifoReplay.run(trace, capacity)));
          }
        }
        futures.put(spec, cells);
      }
      List<TraceResults> results = new ArrayList<>();
      for (TraceSpec spec : specs) {
        List<CellResult> cells = new ArrayList<>();
        for (Future<CellResult> future : entry(futures, spec)) {
          cells.add(get(future));
        }
        cells.sort(Comparator.comparingInt((CellResult c) -> rank(c.policy())).thenComparing(CellResult::policy)
            .thenComparingLong(CellResult::capacity));
        results.add(new TraceResults(spec, entry(loaded, spec), List.copyOf(cells), entry(readTimes, spec)));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  /** {@code map.get(spec)} for one of run's maps, each filled for every spec before it is read. */
  private static <V> V entry(Map<TraceSpec, V> map, TraceSpec spec) {
    return Objects.requireNonNull(map.get(spec), () -> "no entry for " + spec);
  }

  private CellResult runPolicy(Trace trace, String policy, long capacity, AtomicBoolean gaveUp) {
    long deadline = System.nanoTime() + timeLimit.toNanos();
    BooleanSupplier cancelled = () -> {
      if (gaveUp.get()) {
        return true;
      }
      if (System.nanoTime() - deadline > 0) {
        gaveUp.set(true);
        return true;
      }
      return false;
    };
    try {
      CellResult result = ManagerReplay.run(trace, policy, label(policy), capacity,
          batches.getOrDefault(policy, 0), cost, cancelled);
      if (!result.ok()) {
        System.err.printf("%s %s at %d: %s%n", trace.name, policy, capacity, result.failure());
      }
      return result;
    } catch (RuntimeException e) {
      System.err.printf("%s %s at %d failed: %s%n", trace.name, policy, capacity, e);
      return CellResult.failed(policy, capacity, 0, e.toString());
    }
  }

  static int rank(String policy) {
    switch (policy) {
      case OPT:
        return 0;
      case BELADY_SIZE:
        return 1;
      case BELADY:
        return 2;
      case CAFFEINE:
      case S3FifoReplay.NAME:
        return 3;
      case "lru":
        return 4;
      default:
        return 5;
    }
  }

  static boolean isReference(String policy) {
    return rank(policy) < 4;
  }

  private static <T> T join(CompletableFuture<T> future) throws InterruptedException {
    return get(future);
  }

  private static <T> T get(Future<T> future) throws InterruptedException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new IllegalStateException(cause);
    }
  }
}
