package io.spillway.bench.sim;

import io.spillway.bench.sim.Simulation.TraceResults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;

/**
 * Replays access traces against every spill policy on the class path and writes, per trace, a markdown table, a CSV
 * file and a PNG chart of hit ratio against capacity, with Belady's optimum and Caffeine beside them.
 *
 * <pre>
 * mvn -q -pl spill-bench -am package -DskipTests
 * java -cp spill-bench/target/benchmarks.jar io.spillway.bench.sim.TraceSimulator --out docs/policy-quality
 * </pre>
 *
 * <p>Options: {@code --out DIR} (required) where the files go; {@code --traces DIR} the folder of the five shared
 * traces (default: {@code shared/traces} beside the working directory or one of its ancestors, which is
 * {@code ../shared/traces} from a checkout); {@code --trace FILE} a trace in the same format instead (repeatable;
 * keys are any 64-bit integers or strings, the file gzip or plain text: see {@code TraceReader});
 * {@code --budgets N,N,...} capacities for {@code --trace} files, in entries for traces of uniform sizes, else in
 * bytes (default 1, 2, 5, 10, 20, 50% of the distinct keys); {@code --policies a,b} the manager policies to replay
 * (default: every {@code SpillPolicyProvider} found; {@value #DEFAULT_POLICY} names the one a manager picks when
 * none is named); {@code --peers s3-fifo} replays S3-FIFO too, as a second peer beside Caffeine
 * ({@link S3FifoReplay}; default: Caffeine only); {@code --threads N} (default: the processors);
 * {@code --rounds policy=PERCENT,...} policies to replay in spill rounds that each free PERCENT% of the capacity
 * beyond what is needed (default {@code coldness=5}; {@code --rounds none} replays every policy exactly);
 * {@code --time-limit SECONDS} per policy and trace (default 120), after which that policy's cells on that trace are
 * reported as not finished; {@code --reload-latency-ms MS} and {@code --reload-bandwidth-mibps MIB} what a reload
 * costs, for the estimated reload times and for the cost-aware policies (default 20 ms and 64 MiB/s, the shaped S3
 * link of BENCHMARKS.md).
 *
 * <p>Exit status 0 on success, 2 on a usage error; an unreadable trace fails with an exception. Runs headless.
 */
public final class TraceSimulator {
  /**
   * The {@code coldness} policy is replayed in spill rounds that free {@value}% of the capacity beyond what is
   * needed: its victim choice is O(n) in the number of segments, spilled ones included (RedDB's decay pass), so one
   * round per request would take hours on the larger traces.
   */
  public static final int DEFAULT_COLDNESS_ROUNDS = 5;

  /** The {@code --policies} name of the policy a manager uses when none is named. */
  public static final String DEFAULT_POLICY = "default";

  private TraceSimulator() {}

  /**
   * Runs the simulator with the command-line options above.
   *
   * @throws IOException if a trace cannot be read or the output cannot be written
   * @throws InterruptedException if interrupted while waiting for the replays
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    System.setProperty("java.awt.headless", "true");
    Path out = null;
    Path tracesDir = null;
    List<Path> files = new ArrayList<>();
    List<Long> budgets = new ArrayList<>();
    List<String> policies = new ArrayList<>();
    List<String> peers = new ArrayList<>();
    int threads = Runtime.getRuntime().availableProcessors();
    Duration limit = Duration.ofSeconds(120);
    Map<String, Integer> batches = new HashMap<>(Map.of("coldness", DEFAULT_COLDNESS_ROUNDS));
    long latencyNanos = ReloadCost.SHAPED_S3.latencyNanos();
    long bytesPerSecond = ReloadCost.SHAPED_S3.bytesPerSecond();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (i + 1 >= args.length) {
        usage("missing value after " + arg);
        return;
      }
      String value = args[++i];
      switch (arg) {
        case "--out":
          out = Path.of(value);
          break;
        case "--traces":
          tracesDir = Path.of(value);
          break;
        case "--trace":
          files.add(Path.of(value));
          break;
        case "--budgets":
          for (String b : value.split(",")) {
            budgets.add(Long.parseLong(b.trim()));
          }
          break;
        case "--policies":
          for (String p : value.split(",")) {
            // "default": whatever a manager picks when no policy is named, so a report can follow the default.
            policies.add(p.trim().equals(DEFAULT_POLICY) ? Simulation.defaultPolicy() : p.trim());
          }
          break;
        case "--peers":
          for (String p : value.split(",")) {
            if (!p.trim().equals(S3FifoReplay.NAME)) {
              usage("unknown peer " + p.trim() + "; the peers are: " + S3FifoReplay.NAME);
              return;
            }
            peers.add(p.trim());
          }
          break;
        case "--threads":
          threads = Integer.parseInt(value);
          break;
        case "--rounds":
          batches.clear();
          for (String entry : value.split(",")) {
            String[] parts = entry.split("=", 2);
            if (parts.length == 2) {
              batches.put(parts[0].trim(), Integer.parseInt(parts[1].trim()));
            }
          }
          break;
        case "--time-limit":
          limit = Duration.ofSeconds(Long.parseLong(value));
          break;
        case "--reload-latency-ms":
          latencyNanos = Math.round(Double.parseDouble(value) * 1e6);
          break;
        case "--reload-bandwidth-mibps":
          bytesPerSecond = Math.round(Double.parseDouble(value) * (1 << 20));
          break;
        default:
          usage("unknown option " + arg);
          return;
      }
    }
    if (out == null) {
      usage("--out DIR is required");
      return;
    }
    if (latencyNanos < 0 || bytesPerSecond <= 0) {
      usage("--reload-latency-ms must be >= 0 and --reload-bandwidth-mibps > 0");
      return;
    }
    ReloadCost cost = new ReloadCost(latencyNanos, bytesPerSecond);
    List<TraceSpec> specs = new ArrayList<>();
    if (files.isEmpty()) {
      Optional<Path> dir = tracesDir != null ? Optional.of(tracesDir) : TraceSpec.findShared(Path.of(""));
      if (dir.isEmpty()) {
        throw new IOException("No shared/traces folder beside " + Path.of("").toAbsolutePath()
            + " or its ancestors; pass --traces DIR or --trace FILE");
      }
      specs.addAll(TraceSpec.shared(dir.get()));
    } else {
      for (Path file : files) {
        specs.add(TraceSpec.forFile(file, Trace.read(file), budgets));
      }
    }
    if (policies.isEmpty()) {
      policies.addAll(Simulation.policiesOnClassPath());
    }
    System.err.printf("Replaying %d traces x 6 budgets with policies %s on %d threads%n", specs.size(), policies,
        threads);
    long start = System.nanoTime();
    Simulation simulation = new Simulation(policies, threads, limit, batches, cost, peers);
    List<TraceResults> results = simulation.run(specs);
    long simulated = System.nanoTime() - start;
    ReportWriter.write(out, results, simulation.label(Simulation.defaultPolicy()), cost);
    for (TraceResults result : results) {
      double seconds = 0;
      for (CellResult cell : result.cells()) {
        seconds += cell.nanos() / 1e9;
      }
      System.err.printf(Locale.ROOT, "%s: read in %.1f s, %.1f s of replay%n", result.spec().name(),
          result.readTime().toNanos() / 1e9, seconds);
    }
    System.err.printf(Locale.ROOT, "Done in %.1f s; wrote %s%n", simulated / 1e9, Files.isDirectory(out)
        ? out.toAbsolutePath().normalize() : out);
  }

  private static void usage(String problem) {
    System.err.println("TraceSimulator: " + problem);
    System.err.println("usage: TraceSimulator --out DIR [--traces DIR | --trace FILE ... [--budgets N,...]]"
        + " [--policies a,b] [--peers s3-fifo] [--threads N] [--rounds policy=PERCENT,...] [--time-limit SECONDS]"
        + " [--reload-latency-ms MS] [--reload-bandwidth-mibps MIB]");
    System.exit(2);
  }
}
