package io.spillway.policy.lfu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ReloadCostModelTest {

  @Test
  void learned_beforeMeasurements_everyMissCostsTheSame() {
    ReloadCostModel model = ReloadCostModel.learned();
    assertThat(model.nanos(3, 1_000_000)).isEqualTo(model.nanos(3, 0));
  }

  @Test
  void learned_linearTimes_fitsLatencyAndBandwidth() {
    ReloadCostModel model = ReloadCostModel.learned();
    Random random = new Random(1);
    for (int i = 0; i < 2_000; i++) {
      long size = 512 + random.nextInt(1 << 20);
      model.observe(size, 50_000 + size / 2 + random.nextInt(200) - 100);
    }
    assertThat(model.latencyNanos()).isCloseTo(50_000, within(500.0));
    assertThat(model.nanosPerByte()).isCloseTo(0.5, within(0.001));
  }

  @Test
  void learned_uniformSizes_flatAtTheMeanTime() {
    ReloadCostModel model = ReloadCostModel.learned();
    for (int i = 0; i < 100; i++) {
      model.observe(4_096, i % 2 == 0 ? 900 : 1_100);
    }
    assertThat(model.nanosPerByte()).isZero();
    assertThat(model.latencyNanos()).isCloseTo(1_000, within(20.0));
  }

  @Test
  void learned_timesProportionalToSize_zeroLatency() {
    ReloadCostModel model = ReloadCostModel.learned();
    // Noise that would put the intercept below zero: taken as no latency, slope through the origin.
    model.observe(1_000, 1_000);
    model.observe(2_000, 3_000);
    model.observe(3_000, 3_500);
    assertThat(model.latencyNanos()).isGreaterThanOrEqualTo(0);
    assertThat(model.nanosPerByte()).isPositive();
  }

  @Test
  void learned_storeGetsSlower_followsIt() {
    ReloadCostModel model = ReloadCostModel.learned();
    for (int i = 0; i < 5_000; i++) {
      model.observe(1_000 + (i % 7) * 1_000, 1_000);
    }
    for (int i = 0; i < 5_000; i++) {
      model.observe(1_000 + (i % 7) * 1_000, 1_000_000);
    }
    assertThat(model.latencyNanos()).isCloseTo(1_000_000, within(20_000.0));
  }

  @Test
  void fixed_ignoresMeasurements() {
    ReloadCostModel model = ReloadCostModel.fixed(20_000_000, 64L << 20);
    model.observe(1_000, 5);
    assertThat(model.isFixed()).isTrue();
    assertThat(model.latencyNanos()).isEqualTo(20_000_000);
    assertThat(model.nanos(2, 64L << 20)).isCloseTo(40_000_000 + 1e9, within(1.0));
  }

  @Test
  void fixed_outOfRange_refused() {
    assertThatThrownBy(() -> ReloadCostModel.fixed(-1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ReloadCostModel.fixed(1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ReloadCostModel.fixed(0, Long.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
  }
}
