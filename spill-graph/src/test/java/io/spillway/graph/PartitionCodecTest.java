package io.spillway.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.CorruptSegmentException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PartitionCodecTest {

  private static Partition random(boolean directed, long seed) {
    Random random = new Random(seed);
    LongList out = new LongList();
    LongList in = new LongList();
    LongList nodes = new LongList();
    for (int i = 0; i < 2000; i++) {
      long u = random.nextInt(300) - 150;
      long v = random.nextBoolean() ? random.nextLong() : random.nextInt(1000);
      out.add(u, v);
      if (directed) {
        in.add(v, u);
      }
    }
    nodes.add(Long.MAX_VALUE);
    nodes.add(Long.MIN_VALUE + 1);
    return Partition.merge(directed, List.of(), nodes, out, in);
  }

  private static void assertSame(Partition a, Partition b) {
    assertThat(b.nodes).isEqualTo(a.nodes);
    assertThat(b.outOff).isEqualTo(a.outOff);
    assertThat(b.out).isEqualTo(a.out);
    assertThat(b.inOff).isEqualTo(a.inOff);
    assertThat(b.in).isEqualTo(a.in);
    assertThat(b.loops).isEqualTo(a.loops);
  }

  @Test
  void encodeDecode_roundTripsDirectedAndUndirected() {
    for (boolean directed : new boolean[] {true, false}) {
      Partition p = random(directed, 42);
      PartitionCodec codec = new PartitionCodec(directed);
      byte[] bytes = codec.encode(p);
      assertSame(p, codec.decode(bytes));
      assertThat(codec.sizeOf(p)).isEqualTo(p.bytes());
    }
  }

  @Test
  void encode_isSmallerThanTheHeapForm() {
    Partition p = random(false, 7);
    assertThat((long) new PartitionCodec(false).encode(p).length).isLessThan(p.bytes());
  }

  @Test
  void decode_rejectsTruncatedAndTrailingBytes() {
    PartitionCodec codec = new PartitionCodec(true);
    byte[] bytes = codec.encode(random(true, 1));
    for (int cut : new int[] {0, 1, 5, bytes.length / 2, bytes.length - 1}) {
      assertThatThrownBy(() -> codec.decode(Arrays.copyOf(bytes, cut)))
          .isInstanceOf(CorruptSegmentException.class);
    }
    assertThatThrownBy(() -> codec.decode(Arrays.copyOf(bytes, bytes.length + 1)))
        .isInstanceOf(CorruptSegmentException.class)
        .hasMessageContaining("after the partition");
  }

  @Test
  void decode_rejectsHugeCountsWithoutAllocating() {
    // version 1, then a node count of 2^62 as a varint
    byte[] bytes = {1, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
        (byte) 0x80, 0x40};
    assertThatThrownBy(() -> new PartitionCodec(false).decode(bytes))
        .isInstanceOf(CorruptSegmentException.class);
  }

  @Test
  void decode_rejectsListsThatAreNotIncreasing() {
    PartitionCodec codec = new PartitionCodec(false);
    // one node (id 0), two entries: degree 2, first neighbour 0+zigzag(2)=1, then delta 0
    byte[] bytes = {1, 1, 2, 0, 0, 2, 2, 0};
    assertThatThrownBy(() -> codec.decode(bytes))
        .isInstanceOf(CorruptSegmentException.class)
        .hasMessageContaining("not increasing");
  }

  @Test
  void merge_sortsAndDeduplicatesAndCountsLoops() {
    LongList out = new LongList();
    out.add(5, 9);
    out.add(5, 1);
    out.add(5, 9);
    out.add(5, 5);
    out.add(2, 5);
    Partition p = Partition.merge(false, List.of(), new LongList(), out, new LongList());
    assertThat(p.nodes).containsExactly(2, 5);
    assertThat(Arrays.copyOfRange(p.out, p.outOff[1], p.outOff[2])).containsExactly(1, 5, 9);
    assertThat(p.loops).isEqualTo(1);
    Partition again = Partition.merge(false, List.of(p, p), new LongList(), out, new LongList());
    assertSame(p, again);
  }
}
