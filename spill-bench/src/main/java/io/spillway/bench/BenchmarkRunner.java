package io.spillway.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every Spillway benchmark, each against a baseline measured in the same run, prints the table of ratios and
 * writes it into {@code BENCHMARKS.md}.
 *
 * <p>Usage, from the repository root: {@code mvn -q -pl spill-bench -am package -DskipTests} then
 * {@code java -jar spill-bench/target/benchmarks.jar [REPO_ROOT]}. With no argument the root is the current folder,
 * or its parent when run from inside {@code spill-bench}. {@code -Dbench.quick=true} makes a smoke run of a few
 * seconds per benchmark; {@code -Dbench.dir=PATH} chooses where the scratch folders go (default: the system temp
 * folder); {@code -Dbench.rounds=N} sets how many times each comparison runs (default 3, 1 when quick). The S3 rows
 * run against S3Proxy in this JVM as it is and then through an in-process shaper ({@code -Dbench.s3.latency=20ms
 * -Dbench.s3.bandwidth=64MiB} by default: time to first byte, bandwidth per connection and direction);
 * {@code -Dbench.s3=false} skips them all, {@code -Dbench.s3.shaped=false} the shaped ones (see {@link S3Rows}). JMH
 * forks one JVM per benchmark, round and thread count, with this JVM's options.
 *
 * <p>If {@code BENCHMARKS.md} already holds the generated markers, only the text between them is replaced, so
 * hand-written notes around it survive a new run. Not thread-safe; meant to be run as a program.
 */
public final class BenchmarkRunner {
  static final String START_MARKER = "<!-- bench:generated:start (written by BenchmarkRunner; edit outside) -->";
  static final String END_MARKER = "<!-- bench:generated:end -->";
  static final String COMMAND = "mvn -q -pl spill-bench -am package -DskipTests"
      + " && java -jar spill-bench/target/benchmarks.jar";
  private static final double ACCESS_GOAL = 1.0;
  private static final double SPILL_RELOAD_GOAL = 0.9;
  private static final double HEAP_GOAL_BYTES = 128;

  private BenchmarkRunner() {}

  /** One line of the result table. */
  record Row(String benchmark, String setting, String spillway, String baseline, String unit, String ratio,
      String goal, boolean met, @Nullable String metText) {
    Row(String benchmark, String setting, String spillway, String baseline, String unit, String ratio, String goal,
        boolean met) {
      this(benchmark, setting, spillway, baseline, unit, ratio, goal, met, null);
    }

    String metCell() {
      return metText != null ? metText : met ? "yes" : "**no**";
    }
  }

  /**
   * Runs everything and writes {@code BENCHMARKS.md}.
   *
   * @param args optional: the repository root to write {@code BENCHMARKS.md} into
   */
  public static void main(String[] args) throws IOException, RunnerException {
    boolean quick = Boolean.getBoolean("bench.quick");
    Path root = args.length > 0 ? Path.of(args[0]) : defaultRoot();
    Instant started = Instant.now();
    double loadBefore = loadAverage();

    List<Row> rows = new ArrayList<>();
    rows.addAll(heapRows(quick ? 200_000 : HeapPerSegment.DEFAULT_COUNT));
    int rounds = Integer.getInteger("bench.rounds", quick ? 1 : 3);
    if (rounds < 1) {
      throw new IllegalArgumentException("bench.rounds must be at least 1, was " + rounds);
    }
    for (int threads : new int[] {1, 2}) {
      rows.add(accessRow("access(name)", compare(quick, rounds, AccessBenchmark.class, "spillwayAccess",
          "caffeineGetIfPresent", threads), threads));
    }
    for (int threads : new int[] {1, 2}) {
      rows.add(accessRow("SegmentHandle.get()", compare(quick, rounds, AccessBenchmark.class, "spillwayHandleGet",
          "caffeineGetIfPresent", threads), threads));
    }
    rows.add(spillReloadRow(compare(quick, rounds, SpillReloadBenchmark.class, "spillway", "rawFileChannel", 1)));
    rows.addAll(S3Rows.rows(quick, rounds));
    rows.addAll(TieredRows.rows(quick));
    rows.addAll(GraphRows.rows(quick, rounds));

    String table = table(rows);
    System.out.println();
    System.out.println(table);
    String generated = generated(quick, rounds, started, loadBefore, loadAverage(), table);
    Path file = root.resolve("BENCHMARKS.md");
    Files.writeString(file, merge(Files.exists(file) ? Files.readString(file) : null, generated),
        StandardCharsets.UTF_8);
    System.out.println("Wrote " + file.toAbsolutePath().normalize());
  }

  private static Path defaultRoot() {
    Path cwd = Path.of("").toAbsolutePath();
    Path name = cwd.getFileName();
    Path parent = cwd.getParent();
    if (name != null && name.toString().equals("spill-bench") && parent != null) {
      return parent;
    }
    return cwd;
  }

  /**
   * The heap per segment of each policy, measured twice: in a child JVM on the Parallel collector, whose compacted
   * heap reading is the exact size of the retained objects, and in this JVM on the default collector (G1), whose
   * reading also holds what G1 loses to whole regions taken by large arrays (the map's table).
   */
  private static List<Row> heapRows(int count) throws IOException {
    Map<String, Double> exact = heapInChildJvm(count);
    List<Row> rows = new ArrayList<>();
    Path dir = BenchDirs.create("spill-bench-heap-");
    try {
      for (String policy : HeapPerSegment.POLICIES) {
        double g1 = HeapPerSegment.bytesPerSegment(policy, count, dir);
        Double compact = exact.get(policy);
        if (compact == null) {
          throw new IllegalStateException("the child JVM measured no heap for policy " + policy);
        }
        System.out.printf(Locale.ROOT, "heap per segment, %s: %.1f bytes exact, %.1f bytes under G1%n", policy,
            compact, g1);
        rows.add(heapRow(policy.equals("adaptive") ? "adaptive (default)" : policy, count, compact, g1));
      }
      rows.add(spilledHeapRow(count, exact.get(HeapPerSegment.SPILLED), dir));
    } finally {
      BenchDirs.deleteTree(dir);
    }
    return rows;
  }

  /** The heap row of spilled segments: the segment, the default policy's state and the file store's index entry. */
  private static Row spilledHeapRow(int count, @Nullable Double exact, Path dir) {
    if (exact == null) {
      throw new IllegalStateException("the child JVM measured no heap for spilled segments");
    }
    double g1 = HeapPerSegment.bytesPerSpilledSegment(count, dir);
    System.out.printf(Locale.ROOT, "heap per spilled segment: %.1f bytes exact, %.1f bytes under G1%n", exact, g1);
    return heapRow("spilled (adaptive, file store index)", count, exact, g1);
  }

  /** A heap row: met only if both the exact and the G1 reading are within the goal. */
  private static Row heapRow(String label, int count, double exact, double g1) {
    boolean exactMet = exact <= HEAP_GOAL_BYTES;
    boolean g1Met = g1 <= HEAP_GOAL_BYTES;
    return new Row("HeapPerSegment", label + ", " + String.format(Locale.ROOT, "%,d", count) + " segments",
        fmt(exact, 1) + " exact (ParallelGC); " + fmt(g1, 1) + " under G1", "—", "bytes/segment", "—",
        "≤ " + fmt(HEAP_GOAL_BYTES, 0) + " bytes", exactMet && g1Met, exactMet == g1Met ? null
            : exactMet ? "yes exact, **no** under G1" : "**no** exact, yes under G1");
  }

  /** Runs {@link HeapPerSegment#main} in a child JVM on the Parallel collector and parses its lines. */
  private static Map<String, Double> heapInChildJvm(int count) throws IOException {
    return HeapPerSegment.parse(ChildJvm.run(HeapPerSegment.class, "4g", Integer.toString(count)));
  }

  /**
   * Runs a Spillway benchmark method and its baseline {@code rounds} times each, alternating which goes first, so
   * that a change in the machine's load during the run weighs on both sides alike.
   *
   * @return the Spillway scores and the baseline scores, one per round
   */
  static List<List<Double>> compare(boolean quick, int rounds, Class<?> benchmark, String spillwayMethod,
      String baselineMethod, int threads) throws RunnerException {
    List<Double> spillway = new ArrayList<>();
    List<Double> baseline = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      if (round % 2 == 0) {
        baseline.add(run(quick, benchmark, baselineMethod, threads));
        spillway.add(run(quick, benchmark, spillwayMethod, threads));
      } else {
        spillway.add(run(quick, benchmark, spillwayMethod, threads));
        baseline.add(run(quick, benchmark, baselineMethod, threads));
      }
    }
    return List.of(spillway, baseline);
  }

  private static double run(boolean quick, Class<?> benchmark, String method, int threads) throws RunnerException {
    ChainedOptionsBuilder options = new OptionsBuilder()
        .include("^" + Pattern.quote(benchmark.getName() + "." + method) + "$")
        .forks(1)
        .threads(threads)
        .shouldFailOnError(true);
    if (benchmark == SpillReloadBenchmark.class) {
      // The table's row: random payloads, the default compression. The payload and compression matrix is run by
      // hand (BENCHMARKS.md, "Compression").
      options.param("payload", "random").param("compression", io.spillway.api.SpillConfig.DEFAULT_COMPRESSION);
    }
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

  private static Row accessRow(String operation, List<List<Double>> scores, int threads) {
    List<Double> spillway = scores.get(0);
    List<Double> caffeine = scores.get(1);
    List<Double> ratios = ratios(spillway, caffeine);
    double ratio = geometricMean(ratios);
    return new Row("AccessBenchmark: " + operation, threads + (threads == 1 ? " thread" : " threads")
        + ", Zipf 0.99 over 100,000 keys", summary(spillway, 3), "Caffeine getIfPresent " + summary(caffeine, 3),
        "ops/µs", fmt(ratio, 2) + "× (spillway / caffeine)" + range(ratios), "≥ " + fmt(ACCESS_GOAL, 1) + "×",
        ratio >= ACCESS_GOAL);
  }

  private static Row spillReloadRow(List<List<Double>> scores) {
    List<Double> spillway = scores.get(0);
    List<Double> raw = scores.get(1);
    List<Double> ratios = ratios(raw, spillway);
    double ratio = geometricMean(ratios);
    return new Row("SpillReloadBenchmark", "256 × 4 MiB, spill all then reload all", summary(spillway, 0),
        "raw FileChannel " + summary(raw, 0), "ms per round", fmt(ratio, 2) + "× (raw / spillway)" + range(ratios),
        "≥ " + fmt(SPILL_RELOAD_GOAL, 1) + "×", ratio >= SPILL_RELOAD_GOAL);
  }

  /** {@code numerators[i] / denominators[i]} for each round. */
  static List<Double> ratios(List<Double> numerators, List<Double> denominators) {
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < numerators.size(); i++) {
      ratios.add(numerators.get(i) / denominators.get(i));
    }
    return ratios;
  }

  /** The geometric mean, the right average for ratios (a ratio and its inverse average to 1). */
  static double geometricMean(List<Double> values) {
    double logs = 0;
    for (double value : values) {
      logs += Math.log(value);
    }
    return Math.exp(logs / values.size());
  }

  /** The mean, followed by the range when there are several rounds. */
  static String summary(List<Double> values, int decimals) {
    double sum = 0;
    for (double value : values) {
      sum += value;
    }
    String mean = fmt(sum / values.size(), decimals);
    if (values.size() == 1) {
      return mean;
    }
    return mean + " (" + fmt(values.stream().mapToDouble(Double::doubleValue).min().orElseThrow(), decimals) + "–"
        + fmt(values.stream().mapToDouble(Double::doubleValue).max().orElseThrow(), decimals) + ")";
  }

  static String range(List<Double> ratios) {
    if (ratios.size() == 1) {
      return "";
    }
    return ", rounds " + String.join(" / ", ratios.stream().map(r -> fmt(r, 2)).toList());
  }

  static String fmt(double value, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }

  static String table(List<Row> rows) {
    StringBuilder out = new StringBuilder();
    out.append("| Benchmark | Setting | Spillway | Baseline (same run) | Unit | Ratio | Goal | Met |\n");
    out.append("|---|---|---|---|---|---|---|---|\n");
    for (Row row : rows) {
      out.append("| ").append(String.join(" | ", row.benchmark(), row.setting(), row.spillway(), row.baseline(),
          row.unit(), row.ratio(), row.goal(), row.metCell())).append(" |\n");
    }
    return out.toString();
  }

  /** The one-minute system load average, or a negative number where the platform cannot tell. */
  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static String generated(boolean quick, int rounds, Instant started, double loadBefore,
      double loadAfter, String table) {
    long seconds = ChronoUnit.SECONDS.between(started, Instant.now());
    String settings = quick
        ? "**quick** smoke run (`-Dbench.quick=true`): 1 fork, warm-up 1 × 1 s, measurement 2 × 1 s; 200,000 segments"
            + " for the heap measurement. Numbers are indicative only."
        : "**full** run: 1 fork, warm-up 2 × 2 s, measurement 3 × 3 s; 1,000,000 segments for the heap measurement.";
    return "## Last run\n\n"
        + "Run " + started.truncatedTo(ChronoUnit.SECONDS) + ", took " + seconds + " s. Settings: " + settings
        + " Each comparison ran in " + rounds + (rounds == 1 ? " round" : " rounds, alternating which side went first")
        + "; a score is the mean over the rounds (lowest–highest in parentheses), a ratio the geometric mean of the"
        + " rounds' ratios.\n\n"
        + "Machine:\n\n```\n" + machine()
        + String.format(Locale.ROOT, "load average (1 min): %.2f at start, %.2f at end%n", loadBefore, loadAfter)
        + "```\n\n"
        + "A load average above the processor count means other processes competed for the CPUs during the run:"
        + " the timings are then noisy, and the ratios less so, but not immune.\n\n"
        + table;
  }

  static String machine() {
    StringBuilder out = new StringBuilder();
    out.append("processors (nproc): ").append(Runtime.getRuntime().availableProcessors()).append('\n');
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      out.append(String.format(Locale.ROOT, "memory: %.1f GiB%n", os.getTotalMemorySize() / (double) (1L << 30)));
    }
    out.append("os: ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
        .append(' ').append(System.getProperty("os.arch")).append('\n');
    out.append("java: ").append(System.getProperty("java.vm.name")).append(' ')
        .append(System.getProperty("java.runtime.version")).append(" (").append(System.getProperty("java.vendor"))
        .append(")\n");
    out.append(lscpu());
    return out.toString();
  }

  /** The first lines of {@code lscpu}, or nothing where it is missing. */
  private static String lscpu() {
    try {
      Process process = new ProcessBuilder("lscpu").redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
        return "";
      }
      StringBuilder out = new StringBuilder("lscpu | head -14:\n");
      output.lines().limit(14).forEach(line -> out.append("  ").append(line).append('\n'));
      return out.toString();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /**
   * The new content of {@code BENCHMARKS.md}: {@code existing} with the text between the markers replaced by
   * {@code generated}, or a fresh page when there is no file or it lacks the markers.
   */
  static String merge(@Nullable String existing, String generated) {
    String block = START_MARKER + "\n" + generated + END_MARKER;
    if (existing != null) {
      int start = existing.indexOf(START_MARKER);
      int end = existing.indexOf(END_MARKER);
      if (start >= 0 && end > start) {
        return existing.substring(0, start) + block + existing.substring(end + END_MARKER.length());
      }
    }
    return template(block);
  }

  private static String template(String block) {
    return "# Benchmarks\n\n"
        + "Written by `io.spillway.bench.BenchmarkRunner` (module `spill-bench`). Every Spillway number is set against"
        + " a baseline measured in the same run, on the same machine.\n\n"
        + "## How to run\n\nFrom the repository root:\n\n```\n" + COMMAND + "\n```\n\n"
        + "`-Dbench.quick=true` (before `-jar`) makes a smoke run of a few seconds per benchmark. The benchmarks never"
        + " run during `mvn verify`.\n\n"
        + block + "\n\n## Notes\n\n(Add notes on the results here; the runner keeps them.)\n";
  }
}
