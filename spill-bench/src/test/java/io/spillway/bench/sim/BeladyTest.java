package io.spillway.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BeladyTest {

  private static Trace counted(long... keys) {
    int[] sizes = new int[keys.length];
    Arrays.fill(sizes, 1);
    return Trace.of("t", keys, sizes);
  }

  @Test
  void min_withBypass_doesNotAdmitTheObjectUsedFarthest() {
    // Capacity 2: a b c a b. With bypass, c (never used again) is not kept, so a and b hit: 2 hits.
    Trace trace = counted(1, 2, 3, 1, 2);

    assertThat(Belady.min(trace, 2, true).hits()).isEqualTo(2);
    // Always admitting c evicts one of a, b (both used later): one hit only.
    assertThat(Belady.min(trace, 2, false).hits()).isEqualTo(1);
  }

  @Test
  void min_evictsTheObjectUsedFarthestInTheFuture() {
    // Capacity 2: a b c b a ... on c, a is used after b, so a goes: b hits, a misses.
    Trace trace = counted(1, 2, 3, 2, 3, 1);

    CellResult result = Belady.min(trace, 2, false);

    assertThat(result.hits()).isEqualTo(2); // b and c hit, a misses
    assertThat(result.misses()).isEqualTo(4);
  }

  @Test
  void min_sized_neverAdmitsAnObjectLargerThanTheCapacity() {
    Trace trace = Trace.of("t", new long[] {1, 2, 1, 2}, new int[] {10, 3, 10, 3});

    CellResult result = Belady.min(trace, 5, false);

    assertThat(result.hits()).isEqualTo(1);
    assertThat(result.bytesHit()).isEqualTo(3);
    assertThat(result.byteHitRatio()).isEqualTo(100.0 * 3 / 26);
  }

  @Test
  void sizeAware_keepsSmallObjectsUsedSoonOverLargeOnes() {
    // Capacity 10: big (8) then small x2 (1 each); the big one's next use is far, so it makes room.
    Trace trace = Trace.of("t", new long[] {1, 2, 3, 2, 3, 2, 3, 1}, new int[] {8, 1, 1, 1, 1, 1, 1, 8});

    CellResult result = Belady.sizeAware(trace, 10);

    assertThat(result.hits()).isEqualTo(5);
    assertThat(Belady.sizeAware(counted(1, 1, 2, 2), 1).hits()).isEqualTo(2);
  }
}
