package io.spillway.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CompressionCostTest {
  @Test
  void untilBothCostsAreMeasured_compressingIsTakenToPay() {
    CompressionCost cost = new CompressionCost();
    assertThat(cost.pays(0.9)).isTrue();

    cost.compressed(1000, 1000);
    assertThat(cost.pays(0.9)).as("store not measured yet").isTrue();
  }

  @Test
  void pays_whenTheStoreTimeSavedExceedsTheCompressionTime() {
    CompressionCost cost = new CompressionCost();
    cost.compressed(1_000_000, 1_400_000); // 1.4 ns a byte, LZ4 on a busy core
    cost.stored(1_000_000, 300_000); // 0.3 ns a byte, a page cache

    assertThat(cost.pays(0.37)).as("0.63 x 0.3 < 1.4").isFalse();

    CompressionCost slow = new CompressionCost();
    slow.compressed(1_000_000, 1_400_000);
    slow.stored(1_000_000, 15_000_000); // 15 ns a byte, 64 MiB/s to an object store
    assertThat(slow.pays(0.37)).as("0.63 x 15 > 1.4").isTrue();
    assertThat(slow.pays(0.95)).as("0.05 x 15 < 1.4").isFalse();
  }

  @Test
  void movingAverages_followTheStoreAsItChanges() {
    CompressionCost cost = new CompressionCost();
    cost.compressed(1000, 1000);
    cost.stored(1000, 100); // fast: does not pay at half
    assertThat(cost.pays(0.5)).isFalse();

    for (int i = 0; i < 30; i++) {
      cost.stored(1000, 10_000); // the store slowed to 10 ns a byte
    }
    assertThat(cost.pays(0.5)).isTrue();
  }
}
