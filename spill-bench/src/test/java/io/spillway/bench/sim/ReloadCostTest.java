package io.spillway.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ReloadCostTest {
  @Test
  void seconds_isTheLatencyPerReloadPlusTheBytesAtTheBandwidth() {
    ReloadCost cost = new ReloadCost(20_000_000, 64L << 20);

    assertThat(cost.seconds(10, 128L << 20)).isCloseTo(10 * 0.020 + 2.0, within(1e-9));
    assertThat(cost.seconds(0, 0)).isZero();
  }

  @Test
  void describe_namesBothFigures() {
    assertThat(ReloadCost.SHAPED_S3.describe()).isEqualTo("20 ms per reload + the bytes at 64 MiB/s");
    assertThat(new ReloadCost(250_000, 3L << 19).describe())
        .isEqualTo("0.250 ms per reload + the bytes at 1.500 MiB/s");
  }

  @Test
  void constructor_refusesANegativeLatencyOrNoBandwidth() {
    assertThatThrownBy(() -> new ReloadCost(-1, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1 ns");
    assertThatThrownBy(() -> new ReloadCost(0, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 B/s");
  }

  @Test
  void reference_countsMissesBeyondTheCompulsoryOnesAsReloads() {
    // Keys 1, 2, 3 each first requested once (compulsory); key 9 is larger than the capacity every time.
    Trace trace = Trace.of("t", new long[] {1, 2, 9, 1, 3, 9, 2, 1}, new int[] {2, 3, 50, 2, 4, 50, 3, 2});

    CellResult cell = CellResult.reference("caffeine", trace, 10, 2, 116, 4, 0);

    assertThat(trace.compulsory(10).requests()).isEqualTo(5);
    assertThat(trace.compulsory(10).bytes()).isEqualTo(2 + 3 + 50 + 4 + 50);
    assertThat(cell.reloads()).isEqualTo(8 - 2 - 5);
    assertThat(cell.bytesReloaded()).isEqualTo(116 - 4 - 109);
    assertThat(cell.reloadSeconds(new ReloadCost(1_000_000_000, 1))).isCloseTo(1 + 3, within(1e-9));
  }
}
