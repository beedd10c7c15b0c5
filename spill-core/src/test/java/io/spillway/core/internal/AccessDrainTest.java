package io.spillway.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.spi.SpillPolicy;
import io.spillway.core.testing.IgnoringPolicy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Every access counted; told in full, or a chunk at a time while no reader waits. */
class AccessDrainTest {
  private static final int CAPACITY = 4 * AccessDrain.CHUNK;

  private final AccessBuffer buffer = new AccessBuffer(1, CAPACITY, 1, Integer.MAX_VALUE);
  private final SegmentIdTable ids = new SegmentIdTable();
  private final ListPolicy policy = new ListPolicy();
  /** The fake clock's time; a policy call takes what the test's policy adds to it. */
  private long now;
  private final AccessDrain drain = new AccessDrain(buffer, ids, LoggerFactory.getLogger(AccessDrainTest.class),
      () -> now);
  private final Segment a = admitted("a");
  private final Segment b = admitted("b");

  @Test
  void drainAll_tellsEveryAccess_inOrder_inOneCallPerStripe() {
    record(a.id, b.id, a.id);

    drain.drainAll(policy);

    assertThat(policy.told).containsExactly(a.id, b.id, a.id);
    assertThat(policy.calls).isOne();
    assertThat(ids.accessCount(a)).isEqualTo(2);
    assertThat(drain.undelivered()).isZero();
  }

  @Test
  void drainStripeSampled_tellsTheFirstChunk_countsAll() {
    recordMany(a.id, CAPACITY);

    drain.drainStripeSampled(0, policy);

    assertThat(policy.told).hasSize(AccessDrain.CHUNK);
    assertThat(ids.accessCount(a)).isEqualTo(CAPACITY);
    assertThat(drain.undelivered()).isEqualTo(CAPACITY - AccessDrain.CHUNK);
  }

  @Test
  void drainStripeSampled_onceThePolicyHasUsedItsShare_tellsNothing_untilTimeAccrues() {
    policy.nanosPerAccess = 2 * DrainBudget.BURST_NANOS / AccessDrain.CHUNK; // one chunk spends two bursts
    recordMany(a.id, CAPACITY);
    drain.drainStripeSampled(0, policy);
    assertThat(policy.told).as("nothing timed yet: a whole chunk, two bursts' time").hasSize(AccessDrain.CHUNK);

    recordMany(a.id, CAPACITY);
    drain.drainStripeSampled(0, policy);
    assertThat(policy.told).as("the share overspent: nothing more").hasSize(AccessDrain.CHUNK);
    assertThat(ids.accessCount(a)).isEqualTo(2 * CAPACITY);

    now += 8 * DrainBudget.BURST_NANOS; // the overspent share accrues back, and then some
    recordMany(a.id, CAPACITY);
    drain.drainStripeSampled(0, policy);
    assertThat(policy.told).as("time left again: a chunk sized by the policy's cost")
        .hasSize(AccessDrain.CHUNK + DrainBudget.MIN_CHUNK);
    assertThat(drain.undelivered()).isEqualTo(3 * CAPACITY - AccessDrain.CHUNK - DrainBudget.MIN_CHUNK);
  }

  @Test
  void drainAllBehindReaders_tellsChunksUntilTheReadersAreAhead() {
    recordMany(a.id, 2 * AccessDrain.CHUNK);
    recordMany(b.id, 2 * AccessDrain.CHUNK);
    List<Integer> asked = new ArrayList<>();

    // The readers get ahead once the policy has heard of two chunks.
    drain.drainAllBehindReaders(policy, () -> {
      asked.add(policy.told.size());
      return policy.told.size() >= 2 * AccessDrain.CHUNK;
    });

    assertThat(asked).as("asked after each chunk but the first").containsExactly(
        AccessDrain.CHUNK, 2 * AccessDrain.CHUNK);
    assertThat(policy.told).hasSize(2 * AccessDrain.CHUNK).containsOnly(a.id);
    assertThat(policy.calls).isEqualTo(2);
    assertThat(drain.undelivered()).isEqualTo(2 * AccessDrain.CHUNK);
    assertThat(ids.accessCount(a) + ids.accessCount(b)).isEqualTo(CAPACITY);
  }

  @Test
  void drainAllBehindReaders_whileTheReadersAreNotAhead_tellsEveryAccessInOrder() {
    for (int i = 0; i < CAPACITY; i++) {
      buffer.offer(i % 3 == 0 ? b.id : a.id);
    }

    drain.drainAllBehindReaders(policy, () -> false);

    assertThat(policy.told).hasSize(CAPACITY);
    for (int i = 0; i < CAPACITY; i++) {
      assertThat(policy.told.get(i)).as("access %d", i).isEqualTo(i % 3 == 0 ? b.id : a.id);
    }
    assertThat(drain.undelivered()).isZero();
  }

  @Test
  void drainAllBehindReaders_onceThePolicyHasUsedItsShareOfTheTime_tellsNoMoreThanTheShare() {
    policy.nanosPerAccess = 60; // a whole chunk within the chunk time: chunks stay full

    // Each round's calls take 61 µs and earn a quarter of that: the burst of 1 ms lasts about 22 rounds.
    List<Integer> told = drainRounds(40);

    assertThat(told.get(0)).as("within the burst: every access").isEqualTo(CAPACITY);
    assertThat(told).filteredOn(n -> n == CAPACITY).hasSizeBetween(15, 25);
    assertThat(told.subList(30, 40)).as("then nothing once the share is spent, the readers not even ahead")
        .contains(0);
    // The rounds take no time but the policy's: its share of the clock is a quarter, so it may overspend the burst
    // by one chunk's worth (a call is timed after it returns) and nothing more.
    long policyNanos = policy.told.size() * policy.nanosPerAccess;
    assertThat(policyNanos).isLessThanOrEqualTo(DrainBudget.BURST_NANOS + policyNanos / 4
        + AccessDrain.CHUNK * policy.nanosPerAccess);
    assertThat(ids.accessCount(a)).as("every access counted").isEqualTo(40L * CAPACITY);
    assertThat(drain.undelivered()).isEqualTo(40L * CAPACITY - policy.told.size());
  }

  @Test
  void drainAllBehindReaders_afterAQuietSpell_tellsEverythingAgain() {
    policy.nanosPerAccess = 60;
    assertThat(drainRounds(40).subList(30, 40)).contains(0);

    now += 4 * DrainBudget.BURST_NANOS; // time passes without telling: the share refills, up to the burst

    assertThat(drainRounds(1).get(0)).isEqualTo(CAPACITY);
  }

  @Test
  void drainAllBehindReaders_withTheShareSpent_startsEachPassAtTheStripeAfterTheLastTold() {
    AccessBuffer buffer4 = new AccessBuffer(4, CAPACITY, 1, Integer.MAX_VALUE);
    AccessDrain striped = new AccessDrain(buffer4, ids, LoggerFactory.getLogger(AccessDrainTest.class), () -> now);
    Segment[] ofStripe = {admitted("s0"), admitted("s1"), admitted("s2"), admitted("s3")};
    policy.nanosPerAccess = 60; // chunks stay full: 256 accesses, 15.4 µs
    // Between two passes a chunk and a half's worth of the policy's time accrues.
    long passGap = (long) (1.5 * AccessDrain.CHUNK * policy.nanosPerAccess / DrainBudget.SHARE);
    List<Integer> firstTold = new ArrayList<>();
    for (int pass = 0; pass < 40; pass++) {
      for (int stripe = 0; stripe < 4; stripe++) {
        for (int i = 0; i < CAPACITY; i++) {
          assertThat(buffer4.offer(ofStripe[stripe].id, stripe)).isEqualTo(AccessBuffer.RECORDED);
        }
      }
      int before = policy.told.size();
      striped.drainAllBehindReaders(policy, () -> false);
      firstTold.add(before < policy.told.size() ? policy.told.get(before) : -1);
      now += passGap;
    }

    // Within the 1 ms burst a pass tells all four stripes (16 chunks, 246 µs); once it is spent, one or two chunks.
    List<Integer> steady = firstTold.subList(10, 40);
    assertThat(steady).as("every pass tells something").doesNotContain(-1);
    for (int pass = 1; pass < steady.size(); pass++) {
      assertThat(steady.get(pass)).as("pass %d starts at another stripe than the pass before", pass + 10)
          .isNotEqualTo(steady.get(pass - 1));
    }
    assertThat(steady).as("the stripes take turns")
        .contains(ofStripe[0].id, ofStripe[1].id, ofStripe[2].id, ofStripe[3].id);
    assertThat(striped.undelivered()).isEqualTo(40L * 4 * CAPACITY - policy.told.size());
  }

  @Test
  void sampledChunks_ofASlowPolicy_areSmaller_butTheFullDrainsStillTellEverythingInOneCall() {
    policy.nanosPerAccess = 500; // ten times W-TinyLFU's cost
    recordMany(a.id, CAPACITY);
    drain.drainStripeSampled(0, policy);
    assertThat(policy.told).as("nothing timed yet: a whole chunk").hasSize(AccessDrain.CHUNK);

    recordMany(a.id, CAPACITY);
    drain.drainStripeSampled(0, policy);
    int slow = (int) (DrainBudget.CHUNK_NANOS / 500);
    assertThat(policy.told).hasSize(AccessDrain.CHUNK + slow);

    recordMany(b.id, CAPACITY);
    policy.calls = 0;
    drain.drainAll(policy);
    assertThat(policy.calls).isOne();
    assertThat(policy.told).hasSize(AccessDrain.CHUNK + slow + CAPACITY);
    assertThat(ids.accessCount(a) + ids.accessCount(b)).isEqualTo(3 * CAPACITY);
  }

  @Test
  void spilledOrRemovedSegments_areNotTold_andAFailingPolicyIsSurvived() {
    ids.setSpilled(b.id, true);
    record(a.id, b.id);
    SpillPolicy failing = new ListPolicy() {
      @Override
      public void onAccess(int[] segments, int count) {
        throw new IllegalStateException("plugin bug");
      }
    };

    drain.drainAll(failing);
    record(a.id, b.id);
    drain.drainAll(policy);

    assertThat(policy.told).containsExactly(a.id);
    assertThat(ids.accessCount(a)).isEqualTo(2);
  }

  @Test
  void withoutAPolicy_countsOnly() {
    record(a.id, a.id);

    drain.drainAll(null);

    assertThat(ids.accessCount(a)).isEqualTo(2);
  }

  private Segment admitted(String name) {
    Segment seg = new Segment(name, 10);
    ids.admit(seg);
    return seg;
  }

  private void record(int... segmentIds) {
    for (int id : segmentIds) {
      assertThat(AccessBuffer.isRecorded(buffer.offer(id))).isTrue();
    }
  }

  /** Rounds of a full buffer of accesses to {@code a}, each drained by the task; the accesses told in each. */
  private List<Integer> drainRounds(int rounds) {
    List<Integer> told = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      int before = policy.told.size();
      recordMany(a.id, CAPACITY);
      drain.drainAllBehindReaders(policy, () -> false);
      told.add(policy.told.size() - before);
    }
    return told;
  }

  private void recordMany(int id, int times) {
    for (int i = 0; i < times; i++) {
      record(id);
    }
  }

  /** Keeps every id told, in order; each access takes {@code nanosPerAccess} of the fake clock. */
  private class ListPolicy extends IgnoringPolicy {
    final List<Integer> told = new ArrayList<>();
    int calls;
    long nanosPerAccess;

    @Override
    public void onAccess(int segment) {
      told.add(segment);
      now += nanosPerAccess;
    }

    @Override
    public void onAccess(int[] segments, int count) {
      calls++;
      for (int i = 0; i < count; i++) {
        told.add(segments[i]);
      }
      now += nanosPerAccess * count;
    }
  }
}
