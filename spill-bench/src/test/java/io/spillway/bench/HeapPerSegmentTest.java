package io.spillway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeapPerSegmentTest {

  @Test
  void bytesPerSegment_manySegments_positiveAndPlausible(@TempDir Path dir) {
    for (String policy : HeapPerSegment.POLICIES) {
      // Enough segments that what else the test JVM frees between the two heap readings (a manager closed just
      // before, its threads ending: a hundred kilobytes or so, once seen as -132 bytes a segment over 1,000) is a
      // few bytes a segment.
      double bytes = HeapPerSegment.bytesPerSegment(policy, 50_000, dir);
      // A segment costs at least its map entry and at most a few kilobytes of bookkeeping.
      assertThat(bytes).as(policy).isGreaterThan(16).isLessThan(4096);
    }
  }

  @Test
  void policies_measureTheDefaultAndRedDbsPolicy() {
    assertThat(HeapPerSegment.POLICIES).startsWith("adaptive").contains("w-tinylfu", "coldness", "lru", "lfu");
  }

  @Test
  void bytesPerSegment_unknownPolicy_fails(@TempDir Path dir) {
    assertThatThrownBy(() -> HeapPerSegment.bytesPerSegment("no-such-policy", 10, dir))
        .hasMessageContaining("no-such-policy");
  }

  @Test
  void bytesPerSegment_zeroCount_throws(@TempDir Path dir) {
    assertThatThrownBy(() -> HeapPerSegment.bytesPerSegment("coldness", 0, dir))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parse_readsMainOutput() {
    Map<String, Double> parsed =
        HeapPerSegment.parse("coldness 122.331 bytes/segment\nnoise\nlru 152.800 bytes/segment\n");
    assertThat(parsed).containsExactly(Map.entry("coldness", 122.331), Map.entry("lru", 152.8));
  }
}
