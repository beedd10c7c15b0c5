package io.spillway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.SpillStats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickStartTest {

  @TempDir
  Path spillDir;

  @Test
  void run_spillsColdPartitionsKeepsHotOnesAndReloadsVerified() throws IOException {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    SpillStats stats = QuickStart.run(spillDir, new PrintStream(printed, true, StandardCharsets.UTF_8));

    // 60 MiB registered under 64 MiB: past the 80% threshold, so enough goes to reach 50%: three partitions.
    assertThat(stats.spillOperations()).isEqualTo(3);
    assertThat(stats.bytesSpilled()).isEqualTo(30L << 20);
    assertThat(stats.reloadOperations()).isEqualTo(1);
    assertThat(stats.bytesReloaded()).isEqualTo(10L << 20);
    assertThat(stats.spilledCount()).isEqualTo(2);
    assertThat(stats.memoryUsage()).isEqualTo(40L << 20);
    String output = printed.toString(StandardCharsets.UTF_8);
    assertThat(output).contains("verified identical");
    // Readable stats: sizes in binary units, latencies in ms or us, no raw record dump.
    assertThat(output).contains("stats: SpillStats{memory 40.0 MiB of 64.0 MiB (62.5%), segments 6 (2 spilled)")
        .containsPattern("spill latency \\{count 3, mean [0-9.]+ (ms|us), p50 [0-9.]+ (ms|us)").doesNotContain("PT0.");
    // The two hot partitions are never chosen.
    assertThat(output).doesNotContain("spilled partition-0").doesNotContain("spilled partition-1");
    // Closing the manager removed its session folder with every spill file in it.
    try (Stream<Path> left = Files.walk(spillDir)) {
      assertThat(left.filter(Files::isRegularFile)).isEmpty();
    }
  }
}
