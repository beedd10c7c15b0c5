package io.spillway.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KeyHeapTest {

  @Test
  void operations_inRandomOrder_agreeWithAReferenceMap() {
    SplittableRandom random = new SplittableRandom(7);
    KeyHeap heap = new KeyHeap(64);
    Map<Integer, Long> reference = new HashMap<>();
    for (int step = 0; step < 20_000; step++) {
      int key = random.nextInt(64);
      switch (random.nextInt(3)) {
        case 0:
          long priority = random.nextLong(1_000_000) * 64 + key; // distinct priorities
          heap.put(key, priority);
          reference.put(key, priority);
          break;
        case 1:
          heap.remove(key);
          reference.remove(key);
          break;
        default:
          if (!reference.isEmpty()) {
            int expected = reference.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            assertThat(heap.poll()).isEqualTo(expected);
            reference.remove(expected);
          }
      }
      assertThat(heap.size()).isEqualTo(reference.size());
      assertThat(heap.contains(key)).isEqualTo(reference.containsKey(key));
    }
  }
}
