package io.spillway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ZipfTest {
  private static final int N = 100_000;
  private static final int LENGTH = 1 << 20;

  @Test
  void ranks_sameSeed_sameStream() {
    assertThat(Zipf.ranks(1000, 0.99, 10_000, 5)).isEqualTo(Zipf.ranks(1000, 0.99, 10_000, 5));
    assertThat(Zipf.ranks(1000, 0.99, 10_000, 5)).isNotEqualTo(Zipf.ranks(1000, 0.99, 10_000, 6));
  }

  @Test
  void ranks_allInRange() {
    int[] ranks = Zipf.ranks(N, 0.99, LENGTH, 42);
    assertThat(ranks).hasSize(LENGTH);
    assertThat(Arrays.stream(ranks).min().orElseThrow()).isZero();
    assertThat(Arrays.stream(ranks).max().orElseThrow()).isBetween(N / 2, N - 1);
  }

  @Test
  void ranks_followZipfShape() {
    int[] counts = new int[N];
    for (int r : Zipf.ranks(N, 0.99, LENGTH, 42)) {
      counts[r]++;
    }
    // P(rank k) ~ 1/(k+1)^0.99: rank 0 is drawn about 1000^0.99 ≈ 930 times as often as rank 999, and about
    // 1/H(100000, 0.99) ≈ 8% of all draws.
    double share = counts[0] / (double) LENGTH;
    assertThat(share).isBetween(0.07, 0.10);
    double topTenToThousand = (counts[0] + counts[1] + counts[2] + counts[3] + counts[4] + counts[5] + counts[6]
        + counts[7] + counts[8] + counts[9]) / (double) (sum(counts, 990, 1000) + 1);
    // 10 hottest ranks vs 10 ranks around 1000: about 2.93 / (10/995) ≈ 290 times as often.
    assertThat(topTenToThousand).isBetween(150.0, 600.0);
    assertThat(counts[1]).isBetween(counts[0] / 3, counts[0] * 2 / 3);
    // The tail is reached: a heavy-tailed stream touches far more than the hot set.
    long distinct = Arrays.stream(counts).filter(c -> c > 0).count();
    assertThat(distinct).isGreaterThan(N / 2);
  }

  @Test
  void ranks_exponentZero_isUniform() {
    int[] counts = new int[10];
    for (int r : Zipf.ranks(10, 0.0, 100_000, 1)) {
      counts[r]++;
    }
    for (int c : counts) {
      assertThat(c).isBetween(9_000, 11_000);
    }
  }

  @Test
  void ranks_badArguments_throw() {
    assertThatThrownBy(() -> Zipf.ranks(0, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Zipf.ranks(1, 1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Zipf.ranks(1, Double.NaN, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Zipf.ranks(1, -0.5, 1, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  private static int sum(int[] counts, int from, int to) {
    int total = 0;
    for (int i = from; i < to; i++) {
      total += counts[i];
    }
    return total;
  }
}
