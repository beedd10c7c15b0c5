package io.spillway.policy.lfu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class IdIndexTest {

  /** Random puts and removes over a few key ranges (so runs collide and wrap), checked against a HashMap. */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1L, 77L, 20_261_203L})
  void randomOperations_matchHashMap(long seed) {
    Random random = new Random(seed);
    IdIndex index = new IdIndex();
    Map<Integer, Integer> model = new HashMap<>();
    for (int step = 0; step < 200_000; step++) {
      int key = random.nextBoolean() ? random.nextInt(64) : random.nextInt(5_000) * 16;
      int op = random.nextInt(10);
      if (op < 5) {
        int value = random.nextInt(1 << 20);
        index.put(key, value);
        model.put(key, value);
      } else if (op < 8) {
        assertThat(index.remove(key)).as("step %d remove %d", step, key).isEqualTo(model.getOrDefault(key, -1));
        model.remove(key);
      } else {
        assertThat(index.get(key)).as("step %d get %d", step, key).isEqualTo(model.getOrDefault(key, -1));
      }
      assertThat(index.size()).isEqualTo(model.size());
    }
    for (Map.Entry<Integer, Integer> entry : model.entrySet()) {
      assertThat(index.get(entry.getKey())).isEqualTo(entry.getValue());
    }
  }

  @Test
  void clear_forgetsEverything() {
    IdIndex index = new IdIndex();
    for (int i = 0; i < 1_000; i++) {
      index.put(i, i + 1);
    }
    index.clear();
    assertThat(index.size()).isZero();
    assertThat(index.get(5)).isEqualTo(IdIndex.ABSENT);
  }

  @Test
  void put_negative_refused() {
    IdIndex index = new IdIndex();
    assertThatThrownBy(() -> index.put(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> index.put(0, -1)).isInstanceOf(IllegalArgumentException.class);
  }
}
