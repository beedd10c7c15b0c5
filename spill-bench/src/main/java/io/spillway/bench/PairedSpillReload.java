package io.spillway.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@link SpillReloadBenchmark}'s round (spill every segment, then reload every one, against raw {@code FileChannel}
 * writes and reads of the same bytes) with the sides alternated within one JVM: each round runs every side once,
 * starting with a different one each round, and every side's time is divided by the raw time of the same round.
 *
 * <p>Why besides JMH: JMH forks one JVM per side, and on this shared machine the raw baseline moved by half between
 * forks (800 to 1,450 ms a round), more than the margins the goals ask about. Paired rounds see the same page cache
 * and neighbours, so the spread of their ratios is the noise that matters.
 *
 * <p>Usage: {@code java -Xmx6g -cp spill-bench/target/benchmarks.jar io.spillway.bench.PairedSpillReload
 * [--payload random|json|graph] [--sides raw,none/none,none/aes-gcm] [--rounds 8] [--warmup 3] [--segments 256]
 * [--segment-bytes 4194304]}. A side is {@code raw} or {@code COMPRESSION/ENCRYPTION} (the manager's
 * {@code compression} and {@code encryption}); {@code raw} is always measured. Prints a Markdown table: ms per round
 * (median, range), bytes written per round, and the ratio raw / side (above 1: the side is faster), median and range
 * over the rounds. Not thread-safe; meant to be run as a program.
 */
public final class PairedSpillReload {
  static final String RAW = "raw";

  private PairedSpillReload() {}

  /** What a side measured: a time and the bytes written per round, and its ratio to raw in each round. */
  record SideResult(String side, double[] millis, double[] mibWritten, double[] ratios) {}

  /**
   * Runs the rounds and returns each side's result, raw first.
   *
   * @throws IllegalArgumentException for a malformed side, or counts below 1 (warm-up: below 0)
   */
  static List<SideResult> run(String payload, List<String> sides, int rounds, int warmup, int segments,
      int segmentBytes) throws IOException {
    if (rounds < 1 || warmup < 0 || segments < 1 || segmentBytes < 1) {
      throw new IllegalArgumentException("rounds, segments and segment bytes must be at least 1, warm-up at least 0");
    }
    List<String> order = new ArrayList<>();
    order.add(RAW);
    sides.stream().filter(s -> !s.equals(RAW)).distinct().forEach(order::add);
    List<SpillReloadBenchmark> benches = new ArrayList<>(); // benches.get(s) runs side order.get(s)
    try {
      for (String side : order) {
        benches.add(bench(side, payload, segments, segmentBytes));
      }
      int k = order.size();
      double[][] millis = new double[k][rounds];
      double[][] written = new double[k][rounds];
      for (int r = -warmup; r < rounds; r++) {
        for (int j = 0; j < k; j++) {
          int s = Math.floorMod(r + j, k); // each round starts with another side
          SpillReloadBenchmark bench = benches.get(s);
          long bytesBefore = Payloads.bytesWritten();
          long start = System.nanoTime();
          if (order.get(s).equals(RAW)) {
            bench.rawFileChannel();
          } else {
            bench.spillway();
          }
          long nanos = System.nanoTime() - start;
          if (r >= 0) {
            millis[s][r] = nanos / 1e6;
            written[s][r] = (Payloads.bytesWritten() - bytesBefore) / (double) (1 << 20);
          }
        }
      }
      List<SideResult> results = new ArrayList<>();
      for (int s = 0; s < k; s++) {
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          ratios[r] = millis[0][r] / millis[s][r];
        }
        results.add(new SideResult(order.get(s), millis[s], written[s], ratios));
      }
      return results;
    } finally {
      for (SpillReloadBenchmark bench : benches) {
        bench.tearDown();
      }
    }
  }

  private static SpillReloadBenchmark bench(String side, String payload, int segments, int segmentBytes)
      throws IOException {
    SpillReloadBenchmark bench = new SpillReloadBenchmark();
    bench.payload = payload;
    bench.segments = segments;
    bench.segmentBytes = segmentBytes;
    if (!side.equals(RAW)) {
      String[] parts = side.split("/", -1);
      if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
        throw new IllegalArgumentException("a side is 'raw' or COMPRESSION/ENCRYPTION, such as none/aes-gcm; not '"
            + side + "'");
      }
      bench.compression = parts[0];
      bench.encryption = parts[1];
    }
    bench.setUp();
    return bench;
  }

  /** The Markdown table of {@code results}: one row per side. */
  static String table(List<SideResult> results) {
    StringBuilder out = new StringBuilder();
    out.append("| side | ms/round, median (range) | MiB written/round, median | raw / side, median (range) |\n");
    out.append("|---|---|---|---|\n");
    for (SideResult result : results) {
      out.append("| ").append(result.side()).append(" | ").append(fmt("%.0f", median(result.millis())))
          .append(" (").append(fmt("%.0f", min(result.millis()))).append('–')
          .append(fmt("%.0f", max(result.millis()))).append(") | ")
          .append(fmt("%.0f", median(result.mibWritten()))).append(" | ");
      if (result.side().equals(RAW)) {
        out.append("— |\n");
      } else {
        out.append(fmt("%.2f×", median(result.ratios()))).append(" (").append(fmt("%.2f", min(result.ratios())))
            .append('–').append(fmt("%.2f", max(result.ratios()))).append(") |\n");
      }
    }
    return out.toString();
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static double min(double[] values) {
    return Arrays.stream(values).min().orElse(Double.NaN);
  }

  private static double max(double[] values) {
    return Arrays.stream(values).max().orElse(Double.NaN);
  }

  private static String fmt(String format, double value) {
    return String.format(Locale.ROOT, format, value);
  }

  /** Runs as described in the class comment. */
  public static void main(String[] args) throws IOException {
    String payload = "random";
    List<String> sides = List.of(RAW, "none/none", "none/aes-gcm");
    int rounds = 8;
    int warmup = 3;
    int segments = SpillReloadBenchmark.SEGMENTS;
    int segmentBytes = SpillReloadBenchmark.SEGMENT_BYTES;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : "";
      switch (args[i]) {
        case "--payload" -> payload = value;
        case "--sides" -> sides = List.of(value.split(","));
        case "--rounds" -> rounds = Integer.parseInt(value);
        case "--warmup" -> warmup = Integer.parseInt(value);
        case "--segments" -> segments = Integer.parseInt(value);
        case "--segment-bytes" -> segmentBytes = Integer.parseInt(value);
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + "; known: --payload, --sides, --rounds, --warmup, --segments, --segment-bytes");
      }
      i++;
    }
    List<SideResult> results = run(payload, sides, rounds, warmup, segments, segmentBytes);
    System.out.printf(Locale.ROOT, "payload=%s, %d rounds after %d warm-up, %d x %d bytes%n%n", payload, rounds,
        warmup, segments, segmentBytes);
    System.out.print(table(results));
  }
}
