package io.spillway.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class S3FifoReplayTest {
  /** A trace of uniform sizes over keys already numbered from 0 in order of first appearance. */
  private static Trace uniform(int... keys) {
    int[] sizes = new int[keys.length];
    Arrays.fill(sizes, 1);
    return Trace.of("t", keys, sizes, IntStream.of(keys).max().orElse(-1) + 1);
  }

  private static int[] concat(int[]... parts) {
    return Arrays.stream(parts).flatMapToInt(IntStream::of).toArray();
  }

  private static int[] range(int from, int to) {
    return IntStream.range(from, to).toArray();
  }

  @Test
  void run_aKeyHitWhileInTheSmallQueue_movesToTheMainQueue_andOutlivesAScan() {
    // 10 entries: a small queue of 1. Key 0 is hit while small, so when the queue overflows it moves to main; the
    // scan of 30 new keys then passes through the small queue alone.
    Trace trace = uniform(concat(range(0, 10), new int[] {0}, range(10, 41), new int[] {0}));

    CellResult result = S3FifoReplay.run(trace, 10);

    assertThat(result.policy()).isEqualTo(S3FifoReplay.NAME);
    assertThat(result.requests()).isEqualTo(43);
    assertThat(result.hits()).isEqualTo(2); // the 0 right after the fill, and the 0 after the scan
  }

  @Test
  void run_aKeyComingBackFromTheGhostQueue_entersTheMainQueue_andOutlivesAScan() {
    // Key 0 is never hit while small: it leaves for the ghost queue at the 11th key and comes back, a miss, into the
    // main queue, where the scan that follows leaves it alone. Back into the small queue, the scan would push it out.
    Trace trace = uniform(concat(range(0, 11), new int[] {0}, range(11, 41), new int[] {0}));

    CellResult result = S3FifoReplay.run(trace, 10);

    assertThat(result.hits()).isEqualTo(1);
  }

  @Test
  void run_theMainQueue_givesAKeyHitThereASecondChance_andEvictsTheNextOne() {
    // Fill, hit all ten: the 11th key moves all of them to main and evicts 0 from there. Key 1 is hit in main; keys
    // 11 and 12 pass through the small queue; 10 returns from the ghost queue into main, which is then full alone.
    // Key 13 evicts from main: 1 goes back to its end (2 leaves instead), so the last request for 1 hits.
    Trace trace = uniform(concat(range(0, 10), range(0, 10), new int[] {10, 1, 11, 12, 10, 13, 1}));

    CellResult result = S3FifoReplay.run(trace, 10);

    assertThat(result.hits()).isEqualTo(12); // the ten, key 1 in main, and key 1 after its second chance
  }

  @Test
  void run_aKeyOnlySeenOnce_isForgottenByTheGhostQueue_afterItsShareOfTheCapacity() {
    // Ghost queue of 9 entries: key 0 leaves the small queue at the 11th key; 9 more keys leave after it (the 21st
    // key's arrival pushes out the 10th of them), so key 0 is no longer remembered and comes back into small.
    Trace trace = uniform(concat(range(0, 21), new int[] {0}, range(21, 52), new int[] {0}));

    CellResult result = S3FifoReplay.run(trace, 10);

    assertThat(result.hits()).isZero();
  }

  @Test
  void run_aKeyLargerThanTheCapacity_isNeverInserted_andTheOthersStillHit() {
    long[] keys = {1, 2, 1, 2, 1, 2};
    int[] sizes = {300, 40, 300, 40, 300, 40};
    Trace trace = Trace.of("sized", keys, sizes);

    CellResult result = S3FifoReplay.run(trace, 100);

    assertThat(result.hits()).isEqualTo(2);
    assertThat(result.bytesHit()).isEqualTo(80);
  }

  @Test
  void run_onASkewedStream_hitsMoreThanOnAScanOfTheSameKeys() {
    List<Integer> skewed = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      skewed.add(i % 3 == 0 ? i % 1_000 : i % 20); // a hot set of 20 and a loop of 1,000
    }
    int[] keys = renumber(skewed);
    CellResult result = S3FifoReplay.run(uniform(keys), 100);
    CellResult loop = S3FifoReplay.run(uniform(renumber(IntStream.range(0, 20_000).map(i -> i % 1_000).boxed()
        .toList())), 100);

    assertThat(loop.hits()).isZero(); // a loop over ten times the capacity: FIFO queues keep nothing of it
    assertThat(result.hits()).isGreaterThan(13_000); // the hot set: two thirds of the requests
  }

  @Test
  void simulation_knowsTheNameOfThePeer_andRefusesAnyOther() {
    assertThat(Simulation.isReference(S3FifoReplay.NAME)).isTrue();
    assertThatThrownBy(() -> new Simulation(List.of("lru"), 1, Duration.ofSeconds(1), Map.of(),
        ReloadCost.SHAPED_S3, List.of("s4-fifo"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("s4-fifo");
  }

  private static int[] renumber(List<Integer> raw) {
    long[] keys = raw.stream().mapToLong(Integer::longValue).toArray();
    int[] sizes = new int[keys.length];
    Arrays.fill(sizes, 1);
    return Trace.of("r", keys, sizes).keys;
  }
}
