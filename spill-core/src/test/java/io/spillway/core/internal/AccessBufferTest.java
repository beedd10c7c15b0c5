package io.spillway.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessBufferTest {

  @Test
  void offer_refusesWhenTheStripeIsFull_andDrainEmptiesItInOrder() {
    AccessBuffer<Integer> buffer = new AccessBuffer<>(1, 3);

    assertThat(buffer.offer(1)).isTrue();
    assertThat(buffer.offer(2)).isTrue();
    assertThat(buffer.offer(3)).isTrue();
    assertThat(buffer.offer(4)).isFalse();

    List<Integer> drained = new ArrayList<>();
    buffer.drainTo(drained::add);
    assertThat(drained).containsExactly(1, 2, 3);
    assertThat(buffer.isEmpty()).isTrue();
    assertThat(buffer.offer(4)).isTrue();
  }

  @Test
  void drainTo_collectsEveryStripe() throws InterruptedException {
    AccessBuffer<String> buffer = new AccessBuffer<>(4, 200);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      String tag = "t" + t;
      threads.add(new Thread(() -> {
        for (int i = 0; i < 50; i++) {
          if (!buffer.offer(tag)) {
            throw new AssertionError("stripe full");
          }
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }

    List<String> drained = new ArrayList<>();
    buffer.drainTo(drained::add);
    assertThat(drained).hasSize(200);
    for (int t = 0; t < 4; t++) {
      assertThat(drained).filteredOn(("t" + t)::equals).hasSize(50);
    }
  }
}
