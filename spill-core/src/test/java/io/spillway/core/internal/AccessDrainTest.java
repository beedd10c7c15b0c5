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
  void drainAllBehindReaders_onceThePolicyHasUsedItsShareOfTheTime_tellsEachStripesFirstChunkOnly() {
    policy.nanosPerAccess = 60; // a whole chunk within the chunk time: chunks stay full

    // Each round's calls take 61 µs and earn a quarter of that: the burst of 1 ms lasts about 22 rounds.
    List<Integer> told = drainRounds(40);

    assertThat(told.get(0)).as("within the burst: every access").isEqualTo(CAPACITY);
    assertThat(told.get(39)).as("then only the first chunk, the readers not even ahead").isEqualTo(AccessDrain.CHUNK);
    assertThat(told).filteredOn(n -> n == CAPACITY).hasSizeBetween(15, 25);
    assertThat(ids.accessCount(a)).as("every access counted").isEqualTo(40L * CAPACITY);
    assertThat(drain.undelivered()).isEqualTo(40L * CAPACITY - policy.told.size());
  }

  @Test
  void drainAllBehindReaders_afterAQuietSpell_tellsEverythingAgain() {
    policy.nanosPerAccess = 60;
    assertThat(drainRounds(40).get(39)).isEqualTo(AccessDrain.CHUNK);

    now += 4 * DrainBudget.BURST_NANOS; // time passes without telling: the share refills, up to the burst

    assertThat(drainRounds(1).get(0)).isEqualTo(CAPACITY);
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
