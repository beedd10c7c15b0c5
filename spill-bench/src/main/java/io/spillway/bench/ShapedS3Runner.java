package io.spillway.bench;

import java.util.List;
import org.openjdk.jmh.runner.RunnerException;

/**
 * Runs the shaped S3 comparisons alone ({@link ShapedS3SpillBenchmark}, {@link S3PrefetchBenchmark}) and prints their
 * rows, for measuring them without the whole of {@link BenchmarkRunner}, which runs them with everything else and
 * writes {@code BENCHMARKS.md}; this writes nothing.
 *
 * <p>Usage, from the repository root, after {@code mvn -q -pl spill-bench -am package -DskipTests}:
 * {@code java -cp spill-bench/target/benchmarks.jar io.spillway.bench.ShapedS3Runner}. The runner's properties
 * apply: {@code bench.quick}, {@code bench.rounds} (default 3, 1 when quick), and those of {@link S3Rows}
 * ({@code bench.s3.latency}, {@code bench.s3.bandwidth}, {@code bench.s3.shapedLargeRounds}). Not thread-safe; meant
 * to be run as a program.
 */
public final class ShapedS3Runner {
  private ShapedS3Runner() {}

  /** Runs the shaped comparisons and prints their table. */
  public static void main(String[] args) throws RunnerException {
    boolean quick = Boolean.getBoolean("bench.quick");
    int rounds = Integer.getInteger("bench.rounds", quick ? 1 : 3);
    if (rounds < 1) {
      throw new IllegalArgumentException("bench.rounds must be at least 1, was " + rounds);
    }
    List<BenchmarkRunner.Row> rows = S3Rows.shapedRows(quick, rounds);
    System.out.println();
    System.out.println(BenchmarkRunner.table(rows));
  }
}
