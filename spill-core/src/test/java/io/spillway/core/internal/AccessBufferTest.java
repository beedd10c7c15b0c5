package io.spillway.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AccessBufferTest {
  private static final int MINE = 1;
  private static final int THEIRS = 2;

  @Test
  void offer_refusesWhenTheStripeIsFull_andDrainEmptiesItInOrder() {
    AccessBuffer buffer = new AccessBuffer(1, 4, 1);

    for (int i = 1; i <= 4; i++) {
      assertThat(buffer.offer(i)).isEqualTo(AccessBuffer.RECORDED);
    }
    assertThat(buffer.offer(5)).as("the full stripe").isZero();
    assertThat(buffer.isEmpty()).isFalse();

    List<Integer> drained = new ArrayList<>();
    buffer.drainTo(drained::add);
    assertThat(drained).containsExactly(1, 2, 3, 4);
    assertThat(buffer.isEmpty()).isTrue();
    assertThat(buffer.offer(5)).isEqualTo(AccessBuffer.RECORDED);
  }

  @Test
  void offer_saysADrainIsDue_fromTheThresholdOn_untilADrainEmptiesTheStripe() {
    AccessBuffer buffer = new AccessBuffer(1, 8, 1, 3);

    assertThat(buffer.offer(1)).isEqualTo(AccessBuffer.RECORDED);
    assertThat(buffer.offer(2)).isEqualTo(AccessBuffer.RECORDED);
    assertThat(buffer.offer(3)).isEqualTo(AccessBuffer.RECORDED_DRAIN_DUE);
    assertThat(buffer.offer(4)).isEqualTo(AccessBuffer.RECORDED_DRAIN_DUE);
    assertThat(AccessBuffer.isRecorded(AccessBuffer.RECORDED_DRAIN_DUE)).isTrue();
    assertThat(AccessBuffer.isFull(AccessBuffer.RECORDED_DRAIN_DUE)).isFalse();

    int[] drained = new int[8];
    assertThat(buffer.drainStripe(0, drained)).isEqualTo(4);
    assertThat(buffer.offer(5)).as("counted from the drained head").isEqualTo(AccessBuffer.RECORDED);
  }

  @Test
  void offer_neverSaysADrainIsDue_withoutAThreshold() {
    AccessBuffer buffer = new AccessBuffer(1, 4, 1);
    for (int i = 0; i < 4; i++) {
      assertThat(buffer.offer(i)).isEqualTo(AccessBuffer.RECORDED);
    }
    assertThat(AccessBuffer.isRecorded(0)).as("a full stripe's index").isFalse();
    assertThat(AccessBuffer.isRecorded(AccessBuffer.CONTENDED)).isFalse();
  }

  @Test
  void offer_wrapsAroundTheRing_manyTimesWithoutLossInOneThread() {
    AccessBuffer buffer = new AccessBuffer(4, 8, 4);
    List<Integer> drained = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      if (AccessBuffer.isFull(buffer.offer(i))) {
        buffer.drainTo(drained::add);
        assertThat(buffer.offer(i)).isEqualTo(AccessBuffer.RECORDED);
      }
    }
    buffer.drainTo(drained::add);

    // One thread records into one stripe: nothing lost, order kept.
    assertThat(drained).hasSize(10_000);
    for (int i = 0; i < drained.size(); i++) {
      assertThat(drained.get(i)).isEqualTo(i);
    }
  }

  @Test
  void drainStripe_drainsOnlyThatStripe() throws InterruptedException {
    AccessBuffer buffer = new AccessBuffer(64, 2, 1);
    buffer.offer(MINE);
    buffer.offer(MINE);
    int mine = buffer.offer(MINE);
    assertThat(AccessBuffer.isFull(mine)).isTrue();
    // Another thread, on another stripe. One whose id hashes to this full stripe (1 in 64) records nothing, each
    // of its offers finding the stripe full (the assertions below would see any item it left), so another is tried.
    int theirs = mine;
    for (int tries = 0; theirs == mine; tries++) {
      assertThat(tries).as("threads tried, all on this stripe").isLessThan(1_000);
      theirs = offerThreeFromAnotherThread(buffer);
    }
    assertThat(AccessBuffer.isFull(theirs)).as("the other thread filled its own stripe").isTrue();

    int[] into = new int[buffer.stripeCapacity()];
    int moved = buffer.drainStripe(mine, into);
    List<Integer> drained = new ArrayList<>();
    Arrays.stream(into, 0, moved).forEach(drained::add);

    assertThat(drained).containsExactly(MINE, MINE);
    assertThat(buffer.isEmpty()).isFalse();
    buffer.drainTo(drained::add);
    assertThat(drained).containsExactly(MINE, MINE, THEIRS, THEIRS);
    assertThat(buffer.isEmpty()).isTrue();
  }

  /** What the third of three offers of {@link #THEIRS} from a new thread returned. */
  private static int offerThreeFromAnotherThread(AccessBuffer buffer) throws InterruptedException {
    int[] third = new int[1];
    Thread other = new Thread(() -> {
      buffer.offer(THEIRS);
      buffer.offer(THEIRS);
      third[0] = buffer.offer(THEIRS);
    });
    other.start();
    other.join();
    return third[0];
  }

  @Test
  void constructor_roundsUpToPowersOfTwo() {
    AccessBuffer buffer = new AccessBuffer(1, 3, 1);

    for (int i = 0; i < 4; i++) {
      assertThat(buffer.offer(i)).isEqualTo(AccessBuffer.RECORDED);
    }
    assertThat(buffer.offer(4)).as("the full stripe").isZero();
  }

  @Test
  void drainTo_afterASinkFailure_keepsTheLaterStripes() {
    AccessBuffer buffer = new AccessBuffer(2, 4, 1);
    buffer.offer(1);
    buffer.offer(2);
    assertThat(buffer.offer(3)).as("one thread, one stripe of four slots").isEqualTo(AccessBuffer.RECORDED);

    List<Integer> drained = new ArrayList<>();
    assertThatThrownBy(() -> buffer.drainTo(item -> {
      drained.add(item);
      throw new IllegalStateException("sink");
    })).isInstanceOf(IllegalStateException.class);
    // The stripe the sink threw in is consumed; the buffer stays consistent and takes new items.
    assertThat(drained).containsExactly(1);
    assertThat(buffer.offer(4)).isEqualTo(AccessBuffer.RECORDED);
    buffer.drainTo(drained::add);

    assertThat(drained).containsExactly(1, 4);
  }

  @Test
  void drainStripe_refusesAnArrayShorterThanAStripe() {
    AccessBuffer buffer = new AccessBuffer(1, 4, 1);

    assertThatThrownBy(() -> buffer.drainStripe(0, new int[3])).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a stripe holds 4");
  }

  @Test
  void drainTo_collectsEveryStripe() throws InterruptedException {
    AccessBuffer buffer = new AccessBuffer(8, 64, Integer.MAX_VALUE);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int tag = t;
      threads.add(new Thread(() -> {
        for (int i = 0; i < 50; i++) {
          if (buffer.offer(tag) != AccessBuffer.RECORDED) {
            throw new AssertionError("not recorded");
          }
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }

    List<Integer> drained = new ArrayList<>();
    buffer.drainTo(drained::add);
    assertThat(drained).hasSize(200);
    for (int t = 0; t < 4; t++) {
      assertThat(drained).filteredOn(Integer.valueOf(t)::equals).hasSize(50);
    }
  }

  /**
   * Producers racing one drainer, with the default (lossy) number of attempts: every drained item was offered and
   * recorded, none comes out twice, and every recorded item comes out; only refused offers are missing.
   */
  @Test
  void offerAndDrain_concurrently_recordedItemsComeOutExactlyOnce() throws InterruptedException {
    AccessBuffer buffer = new AccessBuffer(2, 8, 2);
    int producers = 3;
    int perProducer = 20_000;
    List<List<Integer>> recordedBy = new ArrayList<>();
    AtomicLong refused = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < producers; t++) {
      List<Integer> recorded = new ArrayList<>();
      recordedBy.add(recorded);
      int first = t * perProducer;
      threads.add(new Thread(() -> {
        awaitQuietly(start);
        for (int i = 0; i < perProducer; i++) {
          int token = first + i;
          if (buffer.offer(token) == AccessBuffer.RECORDED) {
            recorded.add(token);
          } else {
            refused.incrementAndGet();
          }
        }
      }));
    }
    Map<Integer, Integer> drained = new ConcurrentHashMap<>();
    AtomicBoolean done = new AtomicBoolean();
    Thread drainer = new Thread(() -> {
      awaitQuietly(start);
      while (!done.get()) {
        buffer.drainTo(item -> drained.merge(item, 1, Integer::sum));
      }
    });
    threads.forEach(Thread::start);
    drainer.start();
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    done.set(true);
    drainer.join();
    buffer.drainTo(item -> drained.merge(item, 1, Integer::sum));

    long recordedCount = recordedBy.stream().mapToLong(List::size).sum();
    assertThat(recordedCount + refused.get()).isEqualTo((long) producers * perProducer);
    assertThat(drained).hasSize((int) recordedCount);
    assertThat(drained.values()).containsOnly(1);
    for (List<Integer> recorded : recordedBy) {
      for (int token : recorded) {
        assertThat(drained).containsKey(token);
      }
    }
    assertThat(buffer.isEmpty()).isTrue();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
