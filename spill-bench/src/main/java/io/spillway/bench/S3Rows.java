package io.spillway.bench;

import java.util.List;
import org.openjdk.jmh.runner.RunnerException;

/** The {@link S3SpillBenchmark} rows of {@link BenchmarkRunner}'s table. Not thread-safe; used by the runner. */
final class S3Rows {
  static final double SMALL_GOAL = 0.9;
  static final double LARGE_GOAL = 1.5;

  private S3Rows() {}

  /** Runs both S3 comparisons ({@code bench.s3=false} skips them) and returns their rows. */
  static List<BenchmarkRunner.Row> rows(boolean quick, int rounds) throws RunnerException {
    if (!Boolean.parseBoolean(System.getProperty("bench.s3", "true"))) {
      return List.of();
    }
    // The large comparison takes tens of seconds per round; one round is enough to see a 1.5x difference.
    int largeRounds = Integer.getInteger("bench.s3.largeRounds", 1);
    return List.of(
        row("small", BenchmarkRunner.compare(quick, rounds, S3SpillBenchmark.class, "smallSpillway", "smallRawSdk", 1),
            S3SpillBenchmark.SMALL_SEGMENTS + " × 1 MiB, spill all then reload all, S3Proxy in-process",
            "raw SDK put/get/delete ", SMALL_GOAL),
        row("large", BenchmarkRunner.compare(quick, largeRounds, S3SpillBenchmark.class, "largeSpillway",
            "largeRawSingleRequest", 1),
            S3SpillBenchmark.LARGE_SEGMENTS + " × 256 MiB, spill all then reload all (8 MiB parts, 8 at once)",
            "raw SDK single-request put/get/delete ", LARGE_GOAL));
  }

  private static BenchmarkRunner.Row row(String kind, List<List<Double>> scores, String setting, String baseline,
      double goal) {
    List<Double> spillway = scores.get(0);
    List<Double> raw = scores.get(1);
    List<Double> ratios = BenchmarkRunner.ratios(raw, spillway);
    double ratio = BenchmarkRunner.geometricMean(ratios);
    return new BenchmarkRunner.Row("S3SpillBenchmark: " + kind, setting, BenchmarkRunner.summary(spillway, 0),
        baseline + BenchmarkRunner.summary(raw, 0), "ms per round",
        BenchmarkRunner.fmt(ratio, 2) + "× (raw / spillway)" + BenchmarkRunner.range(ratios),
        "≥ " + BenchmarkRunner.fmt(goal, 1) + "×", ratio >= goal);
  }
}
