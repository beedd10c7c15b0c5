package io.spillway.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceSimulatorTest {
  @TempDir
  Path dir;

  @Test
  void main_givenTraceFile_writesTableCsvAndChart() throws Exception {
    Path trace = tinyTrace();
    Path out = dir.resolve("report");

    TraceSimulator.main(new String[] {"--trace", trace.toString(), "--budgets", "10,40", "--policies", "lru",
        "--threads", "1", "--out", out.toString()});

    List<String> csv = Files.readAllLines(out.resolve("tiny.csv"));
    assertThat(csv.get(0)).startsWith("trace,policy,budget");
    assertThat(csv).anyMatch(line -> line.startsWith("tiny,opt,10,"))
        .anyMatch(line -> line.startsWith("tiny,caffeine,40,"))
        .anyMatch(line -> line.startsWith("tiny,lru,40,"));
    assertThat(Files.readString(out.resolve("tiny.md"))).contains("| *opt* |", "| lru |", "best Spillway policy");
    assertThat(Files.readString(out.resolve("README.md"))).contains("![tiny](tiny.png)");
    byte[] png = Files.readAllBytes(out.resolve("tiny.png"));
    assertThat(png).hasSizeGreaterThan(1000);
    assertThat(new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
  }

  @Test
  void main_withThePeersOption_reportsS3FifoBesideCaffeine() throws Exception {
    Path trace = tinyTrace();
    Path out = dir.resolve("report");

    TraceSimulator.main(new String[] {"--trace", trace.toString(), "--budgets", "10,40", "--policies", "lru",
        "--peers", "s3-fifo", "--threads", "1", "--out", out.toString()});

    List<String> csv = Files.readAllLines(out.resolve("tiny.csv"));
    assertThat(csv).anyMatch(line -> line.startsWith("tiny,s3-fifo,10,"))
        .anyMatch(line -> line.startsWith("tiny,s3-fifo,40,"))
        .anyMatch(line -> line.startsWith("tiny,caffeine,40,"));
    assertThat(Files.readString(out.resolve("tiny.md"))).contains("| *s3-fifo* |");
  }

  @Test
  void main_givenAPlainTraceOfStringAndNegativeKeys_replaysTheDefaultPolicy() throws Exception {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 3_000; i++) {
      long key = (i * 7919L) % 200 % (1 + i % 61);
      text.append(i % 2 == 0 ? "user:" + key : Long.toString(-0x6A0E0B3C5D8F1E2AL - key)).append(' ')
          .append(100 + key).append('\n');
    }
    Path trace = Files.writeString(dir.resolve("keys.txt"), text);
    Path out = dir.resolve("report");

    TraceSimulator.main(new String[] {"--trace", trace.toString(), "--budgets", "2000", "--policies", "default",
        "--threads", "1", "--out", out.toString()});

    String policy = Simulation.defaultPolicy();
    assertThat(policy).isNotEmpty();
    assertThat(Files.readAllLines(out.resolve("keys.txt.csv")))
        .anyMatch(line -> line.startsWith("keys.txt," + policy + ",2000,"));
  }

  @Test
  void main_givenAReloadCost_reportsTheEstimatedReloadTimeOfEveryCell() throws Exception {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 4_000; i++) {
      long key = (i * 7919L) % 400 % (1 + i % 89);
      text.append(key).append(' ').append(1 + key % 7 * 1000).append('\n');
    }
    Path trace = Files.writeString(dir.resolve("sized.txt"), text);
    Path out = dir.resolve("report");

    TraceSimulator.main(new String[] {"--trace", trace.toString(), "--budgets", "20000", "--policies", "lru",
        "--threads", "1", "--reload-latency-ms", "2", "--reload-bandwidth-mibps", "0.5", "--out", out.toString()});

    List<String> csv = Files.readAllLines(out.resolve("sized.txt.csv"));
    assertThat(csv.get(0)).contains(",reloads,bytes_reloaded,reload_seconds_estimated,");
    String[] lru = csv.stream().filter(line -> line.startsWith("sized.txt,lru,")).findFirst().orElseThrow()
        .split(",");
    long reloads = Long.parseLong(lru[11]);
    long bytes = Long.parseLong(lru[12]);
    assertThat(reloads).isPositive();
    assertThat(Double.parseDouble(lru[13])).isCloseTo(reloads * 0.002 + bytes / (512.0 * 1024), within(0.001));
    assertThat(Files.readString(out.resolve("sized.txt.md")))
        .contains("Estimated reload time, s (2 ms per reload + the bytes at 0.500 MiB/s)", "reload time / lru's",
            "default - lru, byte hit");
  }

  @Test
  void policiesOnClassPath_includeTheBundledOnes() {
    assertThat(Simulation.policiesOnClassPath()).contains("lru", "lfu", "coldness");
  }

  /** A 5,000-access trace over 300 unit-sized keys, skewed towards small keys, written gzipped as {@code tiny}. */
  private Path tinyTrace() throws Exception {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 5_000; i++) {
      text.append((i * 7919L) % 300 % (1 + i % 97)).append(" 1\n");
    }
    return TraceTest.gzip(dir.resolve("tiny.trace.gz"), text.toString());
  }
}
