package io.spillway.bench.graph500;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KroneckerTest {

  private static List<long[]> edges(Kronecker k) {
    List<long[]> edges = new ArrayList<>();
    k.forEachEdge((u, v) -> edges.add(new long[] {u, v}));
    return edges;
  }

  @Test
  void forEachEdge_isDeterministicForASeedAndDiffersAcrossSeeds() {
    List<long[]> first = edges(new Kronecker(8, 16, 3));
    List<long[]> again = edges(new Kronecker(8, 16, 3));
    List<long[]> other = edges(new Kronecker(8, 16, 4));
    assertThat(first).hasSize(16 << 8);
    for (int i = 0; i < first.size(); i++) {
      assertThat(again.get(i)).isEqualTo(first.get(i));
    }
    boolean differs = false;
    for (int i = 0; i < first.size() && !differs; i++) {
      differs = first.get(i)[0] != other.get(i)[0] || first.get(i)[1] != other.get(i)[1];
    }
    assertThat(differs).isTrue();
  }

  @Test
  void forEachEdge_staysInRangeAndIsSkewedLikeRmat() {
    Kronecker k = new Kronecker(12, 16, 1);
    int n = k.vertexCount();
    int[] degree = new int[n];
    k.forEachEdge((u, v) -> {
      assertThat(u).isBetween(0L, n - 1L);
      assertThat(v).isBetween(0L, n - 1L);
      degree[(int) u]++;
      degree[(int) v]++;
    });
    int max = java.util.Arrays.stream(degree).max().orElseThrow();
    long isolated = java.util.Arrays.stream(degree).filter(d -> d == 0).count();
    // R-MAT: a heavy tail (max degree far above the mean of 32) and many isolated vertices.
    assertThat(max).isGreaterThan(20 * 32);
    assertThat(isolated).isGreaterThan(n / 10);
  }

  @Test
  void constructor_refusesBadArguments() {
    assertThatThrownBy(() -> new Kronecker(0, 16, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Kronecker(31, 16, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Kronecker(4, 0, 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
