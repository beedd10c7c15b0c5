package io.spillway.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CaffeineReplayTest {
  private static CellResult withHits(long hits) {
    return new CellResult("caffeine", 100, 1000, hits, 1000, hits, 0, 0, hits, "");
  }

  @Test
  void medianByHits_takesTheMiddleReplay_notTheFirstNorTheBest() {
    List<CellResult> replays = List.of(withHits(910), withHits(880), withHits(975), withHits(890), withHits(901));

    assertThat(CaffeineReplay.medianByHits(replays).hits()).isEqualTo(901);
    assertThat(CaffeineReplay.medianByHits(List.of(withHits(7))).hits()).isEqualTo(7);
    assertThatThrownBy(() -> CaffeineReplay.medianByHits(List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void run_onALoopLargerThanTheCapacity_countsEveryRequest_andKeepsMostOfAFixedSet() {
    int[] keys = new int[50 * 120];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = i % 120;
    }
    int[] sizes = new int[keys.length];
    Arrays.fill(sizes, 1);
    Trace trace = Trace.of("loop", keys, sizes, 120);

    CellResult result = CaffeineReplay.run(trace, 100);

    assertThat(result.requests()).isEqualTo(6000);
    // A loop of 120 keys over 100 entries: LRU would hit nothing; TinyLFU keeps most of a fixed set.
    assertThat(result.hits()).isBetween(3000L, 6000L - 120L);
  }
}
