package io.spillway.bench;

import io.spillway.bench.tiered.TieredWorkload;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The managed path against Ehcache 3's tiered cache (heap + disk), the peer a Java user reaches for: 256 MiB of
 * values (4,096 × 64 KiB, then 256 × 1 MiB) under a budget of a quarter of it, each side in a fresh JVM with the
 * same {@code -Xmx512m}, the order alternating over {@code bench.tiered.rounds} rounds (default 4), every value read
 * checked ({@link TieredWorkload}). Rows: per value size and phase, ops/s (Spillway / Ehcache), the bytes each wrote
 * and the disk space it took. Goal: ≥ 1.0× in every phase with no more bytes written: by the end of each phase,
 * Spillway has written no more than Ehcache since the start (Spillway writes a value when it is first evicted,
 * Ehcache when it is put, so the bytes fall in different phases). A side's bytes written in a phase are the larger of
 * its {@code wchar} and its {@code write_bytes} (each misses some writing: memory-mapped writes, pages dirtied twice),
 * the same measure for both. {@code bench.tiered=false}
 * skips it; {@code bench.tiered.phaseMillis} sets each read phase's length (default 3,000). Not thread-safe; used
 * by {@link BenchmarkRunner}, or run alone with its {@code main}.
 */
final class TieredRows {
  static final double GOAL = 1.0;
  private static final String GOAL_TEXT =
      "≥ " + BenchmarkRunner.fmt(GOAL, 1) + "×, no more bytes written by the phase's end";
  private static final long DATA_BYTES = 256L << 20;
  private static final long BUDGET = DATA_BYTES / 4;
  private static final String HEAP = "-Xmx512m";

  private TieredRows() {}

  /** Prints the rows of a run with the default settings. */
  public static void main(String[] args) throws IOException {
    System.out.println(BenchmarkRunner.table(rows(false)));
  }

  /** Runs the comparison and returns its rows; none when {@code bench.tiered=false}. */
  static List<BenchmarkRunner.Row> rows(boolean quick) throws IOException {
    if (!Boolean.parseBoolean(System.getProperty("bench.tiered", "true"))) {
      return List.of();
    }
    int rounds = Integer.getInteger("bench.tiered.rounds", quick ? 1 : 4);
    long phaseMillis = Long.getLong("bench.tiered.phaseMillis", quick ? 1_000 : 3_000);
    List<BenchmarkRunner.Row> rows = new ArrayList<>();
    for (int valueBytes : new int[] {64 << 10, 1 << 20}) {
      rows.addAll(compare(valueBytes, rounds, phaseMillis));
    }
    return rows;
  }

  /** One phase's figures of one run. */
  record Phase(long operations, long millis, long written, long dirtied, long disk, long heapAfterGc) {
    double opsPerSecond() {
      return operations * 1000.0 / millis;
    }

    /** The bytes the side wrote in the phase, as the goal counts them: the larger of the two measures. */
    long bytesWritten() {
      return Math.max(written, dirtied);
    }
  }

  private static List<BenchmarkRunner.Row> compare(int valueBytes, int rounds, long phaseMillis) throws IOException {
    int count = (int) (DATA_BYTES / valueBytes);
    Map<String, List<Phase>> spillway = new LinkedHashMap<>();
    Map<String, List<Phase>> ehcache = new LinkedHashMap<>();
    List<String> failures = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      for (String side : round % 2 == 0 ? List.of("ehcache", "spillway") : List.of("spillway", "ehcache")) {
        Path dir = BenchDirs.create("spill-bench-tiered-" + side + "-");
        try {
          String out = ChildJvm.run(TieredWorkload.class, List.of(HEAP), List.of(side, Integer.toString(valueBytes),
              Integer.toString(count), Long.toString(BUDGET), Long.toString(phaseMillis),
              dir.resolve("data").toString(), Long.toString(42 + round)));
          System.out.print(out);
          parse(out, side.equals("spillway") ? spillway : ehcache);
        } catch (IllegalStateException e) {
          System.out.println(side + " failed: " + e.getMessage());
          failures.add(side + ": " + firstLine(String.valueOf(e.getMessage())));
        } finally {
          BenchDirs.deleteTree(dir);
        }
      }
    }
    String setting = String.format(Locale.ROOT, "%,d × %s, budget %d MiB (¼), -Xmx512m each, %d rounds", count,
        valueBytes >= 1 << 20 ? (valueBytes >> 20) + " MiB" : (valueBytes >> 10) + " KiB", BUDGET >> 20, rounds);
    List<BenchmarkRunner.Row> rows = new ArrayList<>();
    double oursWritten = 0;
    double theirsWritten = 0;
    for (String phase : List.of("load", "zipf-1-thread", "zipf-2-threads", "uniform-1-thread")) {
      List<Phase> ours = spillway.getOrDefault(phase, List.of());
      List<Phase> theirs = ehcache.getOrDefault(phase, List.of());
      if (ours.size() != rounds || theirs.size() != rounds) {
        rows.add(new BenchmarkRunner.Row("TieredComparison: " + phase, setting, "failed: " + String.join("; ",
            failures), summary(theirs), "ops/s", "—", GOAL_TEXT,
            false));
        continue;
      }
      List<Double> ratios = new ArrayList<>();
      for (int i = 0; i < rounds; i++) {
        ratios.add(ours.get(i).opsPerSecond() / theirs.get(i).opsPerSecond());
      }
      double ratio = BenchmarkRunner.geometricMean(ratios);
      oursWritten += mean(ours, Phase::bytesWritten);
      theirsWritten += mean(theirs, Phase::bytesWritten);
      rows.add(new BenchmarkRunner.Row("TieredComparison: " + phase, setting, summary(ours),
          "Ehcache 3 heap+disk " + summary(theirs), "ops/s", BenchmarkRunner.fmt(ratio, 2)
              + "× (spillway / ehcache)" + BenchmarkRunner.range(ratios),
          GOAL_TEXT,
          ratio >= GOAL && oursWritten <= theirsWritten));
    }
    return rows;
  }

  private static String firstLine(String text) {
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }

  private static void parse(String out, Map<String, List<Phase>> into) {
    for (String line : out.split("\n")) {
      String[] f = line.trim().split(" ");
      if (f.length >= 14 && f[0].equals("phase")) {
        into.computeIfAbsent(f[1], k -> new ArrayList<>()).add(new Phase(Long.parseLong(f[3]), Long.parseLong(f[5]),
            Long.parseLong(f[7]), Long.parseLong(f[9]), Long.parseLong(f[11]), Long.parseLong(f[13])));
      }
    }
  }

  private static double mean(List<Phase> phases, java.util.function.ToLongFunction<Phase> field) {
    return phases.stream().mapToLong(field).average().orElse(Double.NaN);
  }

  private static String summary(List<Phase> phases) {
    if (phases.isEmpty()) {
      return "—";
    }
    List<Double> ops = phases.stream().map(Phase::opsPerSecond).toList();
    return BenchmarkRunner.summary(ops, 0) + String.format(Locale.ROOT,
        "; wrote %.0f MiB (wchar %.0f, write_bytes %.0f), disk %.0f MiB, heap %.0f MiB",
        mean(phases, Phase::bytesWritten) / (1 << 20), mean(phases, Phase::written) / (1 << 20),
        mean(phases, Phase::dirtied) / (1 << 20), mean(phases, Phase::disk) / (1 << 20),
        mean(phases, Phase::heapAfterGc) / (1 << 20));
  }
}
