package io.spillway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import io.spillway.bench.PairedSpillReload.SideResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class PairedSpillReloadTest {

  @Test
  void run_measuresRawFirst_thenEachSideOnce_withRatiosToTheSameRoundsRaw() throws Exception {
    List<SideResult> results = PairedSpillReload.run("json", List.of("none/none", "lz4/none", "raw", "none/none"),
        3, 1, 4, 64 << 10);

    assertThat(results).extracting(SideResult::side).containsExactly("raw", "none/none", "lz4/none");
    for (SideResult result : results) {
      assertThat(result.millis()).hasSize(3);
      for (int r = 0; r < 3; r++) {
        assertThat(result.millis()[r]).isPositive();
        assertThat(result.ratios()[r]).isCloseTo(results.get(0).millis()[r] / result.millis()[r],
            offset(1e-9));
      }
    }
    assertThat(results.get(0).ratios()).containsOnly(1.0);
    // LZ4 stores the JSON in well under the bytes that none writes (each round: 4 x 64 KiB of payload).
    double none = PairedSpillReload.median(results.get(1).mibWritten());
    double lz4 = PairedSpillReload.median(results.get(2).mibWritten());
    assertThat(none).isGreaterThanOrEqualTo(0.25);
    assertThat(lz4).isLessThan(0.8 * none);

    String table = PairedSpillReload.table(results);
    assertThat(table).contains("| raw |", "| none/none |", "| lz4/none |").contains("×");
  }

  @Test
  void run_malformedSide_failsNamingIt() {
    assertThatThrownBy(() -> PairedSpillReload.run("random", List.of("aes-gcm"), 1, 0, 1, 1024))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'aes-gcm'");
  }

  @Test
  void median_ofOddAndEvenCounts() {
    assertThat(PairedSpillReload.median(new double[] {3, 1, 2})).isEqualTo(2);
    assertThat(PairedSpillReload.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
  }
}
