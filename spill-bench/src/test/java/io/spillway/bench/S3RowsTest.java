package io.spillway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.bench.shaper.Shaping;
import java.util.List;
import org.junit.jupiter.api.Test;

class S3RowsTest {

  @Test
  void prefetchRow_hiddenShare_perRoundAndAveraged() {
    BenchmarkRunner.Row row = S3Rows.prefetchRow(List.of(List.of(1.0, 3.0), List.of(50.0, 60.0)), Shaping.defaults());
    // 1 - 1/50 = 98%, 1 - 3/60 = 95%: 96.5% on average.
    assertThat(row.ratio()).startsWith("96.5% of the reload hidden").contains("rounds 98.0% / 95.0%");
    assertThat(row.met()).isTrue();
    assertThat(row.metCell()).isEqualTo("yes");
    assertThat(row.setting()).contains("111 ms of work").contains("20 ms to first byte, 64 MiB/s");
  }

  @Test
  void prefetchRow_littleHidden_notMet() {
    BenchmarkRunner.Row row = S3Rows.prefetchRow(List.of(List.of(30.0), List.of(50.0)), Shaping.defaults());
    assertThat(row.ratio()).startsWith("40.0% of the reload hidden");
    assertThat(row.metCell()).isEqualTo("**no**");
  }

  @Test
  void prefetchRow_reloadUnderTwentyMillis_notMeaningful() {
    BenchmarkRunner.Row row = S3Rows.prefetchRow(List.of(List.of(0.1), List.of(5.0)), Shaping.defaults());
    assertThat(row.met()).isFalse();
    assertThat(row.metCell()).contains("nothing to hide");
  }
}
