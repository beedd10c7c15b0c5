package io.spillway.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ArrayCapacityTest {

  @Test
  void everyCapacity_makesHeaderAndDataAPowerOfTwo_forElementsOfFourAndEightBytes() {
    int capacity = ArrayCapacity.initial();
    int steps = 0;
    while (true) {
      long header = 16;
      // int[]: header and data exactly a power of two; long[]: 16 bytes short of one.
      assertThat(Long.bitCount(header + 4L * capacity)).as("int[%d]", capacity).isEqualTo(1);
      assertThat(Long.bitCount(header + 8L * capacity + 16)).as("long[%d]", capacity).isEqualTo(1);
      if (capacity >= (1 << 29)) {
        break;
      }
      int grown = ArrayCapacity.grown(capacity);
      assertThat(grown).isBetween(2 * capacity, 2 * capacity + 4);
      capacity = grown;
      steps++;
    }
    assertThat(steps).isGreaterThan(20);
  }

  @Test
  void grown_refusesToPassTheLargestArray() {
    int capacity = ArrayCapacity.initial();
    while (capacity < (1 << 29)) {
      capacity = ArrayCapacity.grown(capacity);
    }
    int last = capacity;

    assertThat(last).isEqualTo((1 << 30) - 4);
    assertThatThrownBy(() -> ArrayCapacity.grown(last)).isInstanceOf(IllegalStateException.class);
  }
}
