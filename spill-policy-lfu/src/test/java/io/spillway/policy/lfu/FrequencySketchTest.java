package io.spillway.policy.lfu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FrequencySketchTest {

  @Test
  void increment_counts_andSaturatesAtFifteen() {
    FrequencySketch sketch = new FrequencySketch();
    sketch.ensureCapacity(1_000);
    int hash = FrequencySketch.spread("hot".hashCode());
    assertThat(sketch.frequency(hash)).isZero();
    for (int i = 1; i <= 5; i++) {
      sketch.increment(hash);
      assertThat(sketch.frequency(hash)).isEqualTo(i);
    }
    for (int i = 0; i < 40; i++) {
      sketch.increment(hash);
    }
    assertThat(sketch.frequency(hash)).isEqualTo(FrequencySketch.MAX_COUNT);
  }

  @Test
  void frequency_manyOtherKeys_rarelyOverestimates() {
    FrequencySketch sketch = new FrequencySketch();
    sketch.ensureCapacity(1_024);
    // 1,000 keys used once each: a collision-prone sketch would report many of them as used twice or more.
    for (int i = 0; i < 1_000; i++) {
      sketch.increment(FrequencySketch.spread(("k" + i).hashCode()));
    }
    int overestimated = 0;
    for (int i = 0; i < 1_000; i++) {
      if (sketch.frequency(FrequencySketch.spread(("k" + i).hashCode())) > 1) {
        overestimated++;
      }
    }
    assertThat(overestimated).isLessThan(20);
  }

  @Test
  void increment_pastSampleSize_halvesCounts() {
    FrequencySketch sketch = new FrequencySketch();
    sketch.ensureCapacity(8);
    int hot = FrequencySketch.spread("hot".hashCode());
    for (int i = 0; i < 12; i++) {
      sketch.increment(hot);
    }
    assertThat(sketch.frequency(hot)).isEqualTo(12);
    // The sample is 10 × 8 increments (16 longs for 8 keys); other keys push the total past it, which halves every
    // counter.
    for (int i = 0; i < 68; i++) {
      sketch.increment(FrequencySketch.spread(("other" + i).hashCode()));
    }
    assertThat(sketch.frequency(hot)).isBetween(6, 7);
  }

  @Test
  void increment_countersInTheTablesLastLongs_countLikeTheOthers() {
    // Eight longs, the last two kept apart: a quarter of every key's counters land there.
    for (int k = 0; k < 200; k++) {
      FrequencySketch sketch = new FrequencySketch();
      int hash = FrequencySketch.spread(("k" + k).hashCode());
      for (int i = 1; i <= 5; i++) {
        sketch.increment(hash);
      }
      assertThat(sketch.frequency(hash)).as("key k%d", k).isEqualTo(5);
      sketch.halve();
      assertThat(sketch.frequency(hash)).as("key k%d halved", k).isEqualTo(2);
    }
  }

  @Test
  void ensureCapacity_grows_toThePowerOfTwoAboveTwoLongsPerKey() {
    FrequencySketch sketch = new FrequencySketch();
    sketch.ensureCapacity(1_000);
    assertThat(sketch.tableLength()).isEqualTo(2_048);
    sketch.ensureCapacity(10);
    assertThat(sketch.tableLength()).isEqualTo(2_048);
  }
}
