package io.spillway.policy.lfu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MiniatureCacheTest {
  /** The experts' shared sketch: the tuner counts each request in it before handing it to them, as here. */
  private final FrequencySketch sketch = new FrequencySketch();

  private MiniatureCache expert(double windowShare) {
    sketch.ensureCapacity(1_024);
    return new MiniatureCache(windowShare, sketch);
  }

  private void request(MiniatureCache cache, int segment, int hash, long size) {
    sketch.increment(hash);
    cache.request(segment, hash, size);
  }

  @Test
  void request_overCapacity_holdsAtMostTheCapacity() {
    MiniatureCache cache = expert(0.2);
    cache.setCapacity(1_000);
    Random random = new Random(2);
    for (int i = 0; i < 50_000; i++) {
      int segment = random.nextInt(500);
      request(cache, segment, FrequencySketch.spread(segment), 10 + segment % 20);
      assertThat(cache.heldCount()).isLessThanOrEqualTo(100);
    }
    assertThat(cache.heldCount()).isGreaterThan(30);
  }

  @Test
  void request_countsMissesAndTheirBytes() {
    MiniatureCache cache = expert(1.0);
    cache.setCapacity(20);
    request(cache, 1, 11, 10);
    request(cache, 1, 11, 10);
    request(cache, 2, 22, 10);
    request(cache, 3, 33, 10); // over: one of 1 and 2 goes (LRU: 1)
    request(cache, 1, 11, 10);
    assertThat(cache.misses()).isEqualTo(4);
    assertThat(cache.missedBytes()).isEqualTo(40);
    cache.decay(0.5);
    assertThat(cache.misses()).isEqualTo(2);
  }

  @Test
  void request_readsTheSharedSketchAndCountsNothingInIt() {
    MiniatureCache cache = expert(0); // no window: every newcomer must beat the victim's frequency
    cache.setCapacity(10);
    for (int i = 0; i < 5; i++) {
      request(cache, 1, 11, 10);
    }

    cache.request(2, 22, 10); // counted nowhere: frequency 0 against 5, so segment 1 stays

    assertThat(sketch.frequency(22)).isZero();
    assertThat(sketch.frequency(11)).isEqualTo(5);
    cache.request(1, 11, 10);
    assertThat(cache.misses()).as("1 was kept: its request hits").isEqualTo(2);
  }

  @Test
  void seed_countsNoMiss() {
    MiniatureCache cache = expert(0.01);
    cache.setCapacity(100);
    cache.seed(7, 77, 10);
    cache.seed(7, 77, 10);
    assertThat(cache.misses()).isZero();
    assertThat(cache.heldCount()).isEqualTo(1);
    request(cache, 7, 77, 10);
    assertThat(cache.misses()).isZero();
  }

  @Test
  void retain_forgetsTheRefusedSegmentsAndKeepsTheRestWithTheCounts() {
    MiniatureCache cache = expert(0.2);
    for (int segment = 0; segment < 10; segment++) {
      request(cache, segment, 100 + segment, 10);
    }

    cache.retain(hash -> hash % 2 == 0);

    assertThat(cache.heldCount()).isEqualTo(5);
    assertThat(cache.misses()).isEqualTo(10);
    cache.setCapacity(50); // the five kept fill it exactly: the forgotten ones' bytes are gone too
    assertThat(cache.heldCount()).isEqualTo(5);
    request(cache, 4, 104, 10);
    assertThat(cache.misses()).as("a kept segment is a hit").isEqualTo(10);
    request(cache, 3, 103, 10);
    assertThat(cache.misses()).as("a forgotten one is a miss").isEqualTo(11);
    assertThat(cache.heldCount()).isEqualTo(5);
  }

  @Test
  void remove_andResize_keepTheBytesRight() {
    MiniatureCache cache = expert(1.0);
    cache.setCapacity(30);
    request(cache, 1, 11, 10);
    request(cache, 2, 22, 10);
    cache.resize(2, 25); // 35 > 30: the least recent (1) goes
    assertThat(cache.heldCount()).isEqualTo(1);
    cache.remove(2);
    assertThat(cache.heldCount()).isZero();
    request(cache, 3, 33, 30);
    assertThat(cache.heldCount()).isEqualTo(1);
    cache.reset(new FrequencySketch());
    assertThat(cache.heldCount()).isZero();
    assertThat(cache.misses()).isZero();
  }
}
