package io.spillway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StatsTextTest {
  private static final LatencySummary SPILLS = new LatencySummary(3, Duration.ofNanos(31_850_496),
      Duration.ofMillis(40), Duration.ofMillis(41), Duration.ofMillis(42), Duration.ofMillis(120));
  private static final LatencySummary WAITS = new LatencySummary(2, Duration.ofMillis(5), Duration.ofMillis(9),
      Duration.ofMillis(9), Duration.ofMillis(9), Duration.ofMillis(14));

  private static SpillStats stats(long cleanEvictions, long deleteFailures, long pinned, long dropped) {
    return new SpillStats(40L << 20, 512L << 20, 12, 3, 120L << 20, 40L << 20, 3, 1, cleanEvictions, 1, 0,
        deleteFailures, 0, (120L << 20) + 225, 0, pinned, dropped, 0, SPILLS, LatencySummary.EMPTY,
        LatencySummary.EMPTY, 0, 0);
  }

  @Test
  void stats_printWithUnits() {
    assertThat(stats(0, 0, 0, 0)).hasToString("SpillStats{memory 40.0 MiB of 512 MiB (7.8%), segments 12 "
        + "(3 spilled), spills 3 (120 MiB, 1 failed), reloads 1 (40.0 MiB, 0 failed), store 120 MiB, spill latency "
        + "{count 3, mean 40.0 ms, p50 31.9 ms, p90 40.0 ms, p99 41.0 ms, max 42.0 ms}, reload latency {count 0}}");
  }

  @Test
  void quietCounters_appearOnlyWhenNotZero() {
    assertThat(stats(5, 2, 1L << 20, 7).toString())
        .contains("(3 spilled, 1.0 MiB pinned)", "(120 MiB, 5 clean evictions, 1 failed)", "2 delete failures",
            "7 dropped accesses")
        .doesNotContain("recovery failures", "in flight", "undelivered", "corrupt", "budget waits");
  }

  @Test
  void corruptFramesAndBudgetWaits_appearWhenThereWereAny() {
    SpillStats stats = new SpillStats(0, 1024, 1, 1, 0, 0, 0, 2, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, LatencySummary.EMPTY,
        LatencySummary.EMPTY, WAITS, 1, 2);
    assertThat(stats.toString()).contains("reloads 2 (0 B, 2 failed, 2 corrupt frames)")
        .endsWith(", budget waits {count 2, mean 7.0 ms, p50 5.0 ms, p90 9.0 ms, p99 9.0 ms, max 9.0 ms}, 1 gave up}");
  }

  @Test
  void aStoreThatCannotTellItsUsage_printsUnknown() {
    SpillStats stats = new SpillStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, 0, 0, 0, 0, LatencySummary.EMPTY,
        LatencySummary.EMPTY, LatencySummary.EMPTY, 0, 0);
    assertThat(stats.toString()).contains("memory 0 B of 0 B (0.0%)", "store unknown");
  }
}
