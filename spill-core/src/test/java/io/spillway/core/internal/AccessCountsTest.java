package io.spillway.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AccessCountsTest {

  @Test
  void slots_countSeparately_andAFreedSlotComesBackAtZero() {
    AccessCounts counts = new AccessCounts();
    int a = counts.take();
    int b = counts.take();
    counts.increment(a);
    counts.increment(a);
    counts.increment(b);
    assertThat(a).isNotEqualTo(b);
    assertThat(counts.get(a)).isEqualTo(2);
    assertThat(counts.get(b)).isEqualTo(1);

    counts.release(a);
    int c = counts.take();

    assertThat(c).as("the freed slot is reused").isEqualTo(a);
    assertThat(counts.get(c)).isZero();
    assertThat(counts.get(b)).isEqualTo(1);
  }

  @Test
  void growth_keepsEveryCount_andReuseFollowsTheFreeListNewestFirst() {
    AccessCounts counts = new AccessCounts();
    int n = 1_000;
    int[] slots = new int[n];
    for (int i = 0; i < n; i++) {
      slots[i] = counts.take();
      for (int k = 0; k < i % 5; k++) {
        counts.increment(slots[i]);
      }
    }
    counts.release(slots[10]);
    counts.release(slots[20]);

    assertThat(counts.take()).isEqualTo(slots[20]);
    assertThat(counts.take()).isEqualTo(slots[10]);
    assertThat(counts.take()).as("a new slot once none is free").isEqualTo(n);
    for (int i = 0; i < n; i++) {
      long expected = i == 10 || i == 20 ? 0 : i % 5;
      assertThat(counts.get(slots[i])).as("count of slot %d", slots[i]).isEqualTo(expected);
    }
  }

  @Test
  void aCountPast2To32_isKeptWhole_andForgottenWithItsSlot() {
    AccessCounts counts = new AccessCounts();
    int big = counts.take();
    int small = counts.take();
    long past = (1L << 32) + 3;
    for (long i = 0; i < past; i++) {
      counts.increment(big);
    }
    counts.increment(small);
    assertThat(counts.get(big)).isEqualTo(past);
    assertThat(counts.get(small)).isEqualTo(1);

    counts.release(big);
    int reused = counts.take();

    assertThat(reused).isEqualTo(big);
    assertThat(counts.get(reused)).isZero();
  }
}
