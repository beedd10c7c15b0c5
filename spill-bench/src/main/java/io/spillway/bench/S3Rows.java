package io.spillway.bench;

import io.spillway.bench.shaper.Shaping;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.runner.RunnerException;

/**
 * The S3 rows of {@link BenchmarkRunner}'s table: {@link S3SpillBenchmark} against S3Proxy as it is, then
 * {@link ShapedS3SpillBenchmark} and {@link S3PrefetchBenchmark} through the shaper. Not thread-safe; used by the
 * runner.
 *
 * <p>Properties: {@code bench.s3=false} skips every S3 row; {@code bench.s3.shaped=false} skips the shaped ones;
 * {@code bench.s3.latency} and {@code bench.s3.bandwidth} set the shaping (see {@link Shaping}; 20 ms and 64 MiB/s by
 * default); {@code bench.s3.largeRounds} (default 1) and {@code bench.s3.shapedLargeRounds} (default 2) set the rounds
 * of the two large comparisons, which take tens of seconds each. {@link ShapedS3Runner} runs the shaped rows alone.
 */
final class S3Rows {
  static final double SMALL_GOAL = 0.9;
  static final double LARGE_GOAL = 1.5;
  /** Share of the reload latency a prefetch one step ahead should hide, given enough work to hide it behind. */
  static final double PREFETCH_GOAL = 0.9;
  /** The least a reload must cost, in ms, for the hidden share to mean anything. */
  static final double PREFETCH_MIN_RELOAD_MS = 20;

  private S3Rows() {}

  /** Runs the S3 comparisons ({@code bench.s3=false} skips them) and returns their rows. */
  static List<BenchmarkRunner.Row> rows(boolean quick, int rounds) throws RunnerException {
    if (!Boolean.parseBoolean(System.getProperty("bench.s3", "true"))) {
      return List.of();
    }
    // The large comparison takes tens of seconds per round; one round is enough to see a 1.5x difference.
    int largeRounds = Integer.getInteger("bench.s3.largeRounds", 1);
    List<BenchmarkRunner.Row> rows = new ArrayList<>(List.of(
        row("S3SpillBenchmark: small",
            BenchmarkRunner.compare(quick, rounds, S3SpillBenchmark.class, "smallSpillway", "smallRawSdk", 1),
            S3SpillBenchmark.SMALL_SEGMENTS + " × 1 MiB, spill all then reload all, S3Proxy in-process",
            "raw SDK put/get/delete ", SMALL_GOAL),
        row("S3SpillBenchmark: large", BenchmarkRunner.compare(quick, largeRounds, S3SpillBenchmark.class,
            "largeSpillway", "largeRawSingleRequest", 1),
            S3SpillBenchmark.LARGE_SEGMENTS + " × 256 MiB, spill all then reload all (8 MiB parts, 8 at once)",
            "raw SDK single-request put/get/delete ", LARGE_GOAL)));
    if (Boolean.parseBoolean(System.getProperty("bench.s3.shaped", "true"))) {
      rows.addAll(shapedRows(quick, rounds));
    }
    return rows;
  }

  /** The comparisons through the shaper; the shaping is read here first, so that a bad property fails at once. */
  static List<BenchmarkRunner.Row> shapedRows(boolean quick, int rounds) throws RunnerException {
    Shaping shaping = Shaping.fromSystemProperties();
    String shaped = "; shaped: " + shaping.describe();
    // Two rounds, so that each side goes first once: the ratio is large, the rounds are long.
    int largeRounds = Integer.getInteger("bench.s3.shapedLargeRounds", 2);
    return List.of(
        row("ShapedS3SpillBenchmark: small", BenchmarkRunner.compare(quick, rounds, ShapedS3SpillBenchmark.class,
            "smallSpillway", "smallRawSdk", 1),
            ShapedS3SpillBenchmark.SMALL_SEGMENTS + " × 1 MiB, spill all then reload all" + shaped,
            "raw SDK put/get/delete ", SMALL_GOAL),
        row("ShapedS3SpillBenchmark: large", BenchmarkRunner.compare(quick, largeRounds,
            ShapedS3SpillBenchmark.class, "largeSpillway", "largeRawSingleRequest", 1),
            ShapedS3SpillBenchmark.LARGE_SEGMENTS + " × 256 MiB, spill then reload (8 MiB parts, 8 at once)"
                + shaped,
            "raw SDK single-request put/get/delete ", LARGE_GOAL),
        prefetchRow(BenchmarkRunner.compare(quick, rounds, S3PrefetchBenchmark.class, "getAfterPrefetch",
            "getWithoutPrefetch", 1), shaping));
  }

  private static BenchmarkRunner.Row row(String benchmark, List<List<Double>> scores, String setting,
      String baseline, double goal) {
    List<Double> spillway = scores.get(0);
    List<Double> raw = scores.get(1);
    List<Double> ratios = BenchmarkRunner.ratios(raw, spillway);
    double ratio = BenchmarkRunner.geometricMean(ratios);
    return new BenchmarkRunner.Row(benchmark, setting, BenchmarkRunner.summary(spillway, 0),
        baseline + BenchmarkRunner.summary(raw, 0), "ms per round",
        BenchmarkRunner.fmt(ratio, 2) + "× (raw / spillway)" + BenchmarkRunner.range(ratios),
        "≥ " + BenchmarkRunner.fmt(goal, 1) + "×", ratio >= goal);
  }

  /**
   * The prefetch row: the time per {@code get()} with and without a prefetch one step ahead, and the share of the
   * reload hidden, {@code 1 - with / without} per round, averaged. Met when that share reaches the goal and the
   * reload without prefetch cost at least {@value #PREFETCH_MIN_RELOAD_MS} ms.
   */
  static BenchmarkRunner.Row prefetchRow(List<List<Double>> scores, Shaping shaping) {
    List<Double> with = scores.get(0);
    List<Double> without = scores.get(1);
    List<Double> hidden = new ArrayList<>();
    for (double ratio : BenchmarkRunner.ratios(with, without)) {
      hidden.add(1 - ratio);
    }
    double meanHidden = mean(hidden);
    boolean meaningful = mean(without) >= PREFETCH_MIN_RELOAD_MS;
    String rounds = hidden.size() == 1 ? ""
        : ", rounds " + String.join(" / ", hidden.stream().map(h -> BenchmarkRunner.fmt(100 * h, 1) + "%").toList());
    String setting = S3PrefetchBenchmark.VALUES + " managed values × 1 MiB in a budget of "
        + S3PrefetchBenchmark.BUDGET_VALUES + ", read in a cycle; prefetch(next), "
        + S3PrefetchBenchmark.workNanos(shaping) / 1_000_000 + " ms of work (" + S3PrefetchBenchmark.WORK_FACTOR
        + " × a modelled reload), next.get(); shaped: " + shaping.describe();
    return new BenchmarkRunner.Row("S3PrefetchBenchmark", setting,
        "with prefetch " + BenchmarkRunner.summary(with, 2), "without prefetch " + BenchmarkRunner.summary(without, 1),
        "ms per get()", BenchmarkRunner.fmt(100 * meanHidden, 1) + "% of the reload hidden (1 − with / without)"
            + rounds,
        "≥ " + BenchmarkRunner.fmt(100 * PREFETCH_GOAL, 0) + "% hidden, reload ≥ "
            + BenchmarkRunner.fmt(PREFETCH_MIN_RELOAD_MS, 0) + " ms",
        meaningful && meanHidden >= PREFETCH_GOAL,
        meaningful ? null : "**no** (a reload under " + BenchmarkRunner.fmt(PREFETCH_MIN_RELOAD_MS, 0)
            + " ms: nothing to hide)");
  }

  private static double mean(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }
}
