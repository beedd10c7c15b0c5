package io.spillway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.SpillStats;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonValuesTest {

  @TempDir
  Path spillDir;

  @Test
  void run_spillsRacksAsJsonAndReadsEachBackIdentical() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    SpillStats stats = JsonValues.run(spillDir, new PrintStream(printed, true, StandardCharsets.UTF_8));

    // About 320 KiB of JSON under a 128 KiB budget: most racks were spilled, and read back on get().
    assertThat(stats.spillOperations()).isGreaterThanOrEqualTo(4);
    assertThat(stats.reloadOperations()).isGreaterThanOrEqualTo(4);
    assertThat(stats.reloadFailures()).isZero();
    assertThat(stats.memoryUsage()).isLessThanOrEqualTo(128L << 10);
    assertThat(printed.toString(StandardCharsets.UTF_8)).contains("verified identical");
  }
}
