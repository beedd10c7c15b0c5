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
    cost.stored(1_000_000, 1_000_000, 300_000); // 0.3 ns a byte, a page cache

    assertThat(cost.pays(0.37)).as("1.4 + 0.37 x (0.3 + 0.3) > 0.3 + 0.3").isFalse();

    CompressionCost slow = new CompressionCost();
    slow.compressed(1_000_000, 1_400_000);
    slow.stored(1_000_000, 1_000_000, 15_000_000); // 15 ns a byte, 64 MiB/s to an object store
    // No reload measured yet: a read is taken to cost what a write does.
    assertThat(slow.pays(0.37)).as("1.4 + 0.37 x (15 + 15) < 15 + 15").isTrue();
    assertThat(slow.pays(0.97)).as("1.4 + 0.97 x (15 + 15) > 15 + 15").isFalse();
  }

  @Test
  void movingAverages_followTheStoreAsItChanges() {
    CompressionCost cost = new CompressionCost();
    cost.compressed(1000, 1000);
    cost.stored(1000, 1000, 100); // fast: does not pay at half
    assertThat(cost.pays(0.5)).isFalse();

    for (int i = 0; i < 30; i++) {
      cost.stored(1000, 1000, 10_000); // the store slowed to 10 ns a byte
    }
    assertThat(cost.pays(0.5)).isTrue();
  }

  @Test
  void theReloadItIsWrittenFor_counts_itsReadsSavedAndItsExpansionSpent() {
    CompressionCost cost = new CompressionCost();
    cost.compressed(1000, 1000); // 1 ns a byte
    cost.stored(1000, 1000, 600); // 0.6 ns a byte, and reads taken to cost as much
    assertThat(cost.pays(0.5)).as("1 + 0.5 x (0.6 + 0.6) > 0.6 + 0.6").isFalse();

    for (int i = 0; i < 40; i++) {
      cost.reloaded(1000, 1000, 4000); // reads of 4 ns a byte: a disk the page cache no longer covers
    }
    assertThat(cost.pays(0.5)).as("1 + 0.5 x (0.6 + 4) < 0.6 + 4").isTrue();

    for (int i = 0; i < 40; i++) {
      cost.expanded(1000, 3000); // an expansion of 3 ns a byte
    }
    assertThat(cost.pays(0.5)).as("1 + 3 + 0.5 x (0.6 + 4) > 0.6 + 4").isFalse();
  }

  @Test
  void reloadOfACompressedFrame_takesItsMeasuredExpansionOut_ofTheReadTime() {
    CompressionCost compressedFrames = new CompressionCost();
    compressedFrames.compressed(1000, 1000);
    compressedFrames.stored(1000, 1000, 0);
    compressedFrames.expanded(1000, 1000); // 1 ns a byte
    // 1,000 stored bytes expanded to 4,000 in 6 us: 4 us of expanding, so reading took 2 ns a stored byte.
    compressedFrames.reloaded(1000, 4000, 6000);
    assertThat(compressedFrames.pays(0.5)).as("1 + 1 + 0.5 x (0 + 2) > 0 + 2").isFalse();

    CompressionCost plainFrames = new CompressionCost();
    plainFrames.compressed(1000, 1000);
    plainFrames.stored(1000, 1000, 0);
    plainFrames.expanded(1000, 1000);
    plainFrames.reloaded(1000, 1000, 6000); // stored as it is: all 6 us were reading
    assertThat(plainFrames.pays(0.5)).as("1 + 1 + 0.5 x (0 + 6) < 0 + 6").isTrue();
  }

  @Test
  void framesOfEachKind_arePricedByTheirOwnReloads_asABoundedPageCacheHoldsTheSmallerOnes() {
    CompressionCost cost = new CompressionCost();
    cost.compressed(1000, 1000); // 1 ns a byte
    cost.expanded(1000, 500); // 0.5 ns a byte
    cost.stored(1000, 1000, 2000); // writes of 2 ns a byte, as they are
    cost.stored(400, 1000, 800); // and compressed
    for (int i = 0; i < 40; i++) {
      cost.reloaded(1000, 1000, 4000); // frames stored as they are come back from the disk: 4 ns a byte
    }
    for (int i = 0; i < 40; i++) {
      cost.reloaded(400, 1000, 40 + 500); // compressed ones from the page cache: 0.1 ns a byte, plus expanding
    }
    // One average of all reloads would now say 0.1 ns a byte for both: 1 + 0.5 + 0.4 x 2.1 > 2.1, no.
    assertThat(cost.pays(0.4)).as("1 + 0.5 + 0.4 x (2 + 0.1) < 2 + 4").isTrue();
  }
}
