package io.spillway.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A share of the clock for the policy, and chunks sized by its cost. */
class DrainBudgetTest {
  private long now = 1_000;
  private final DrainBudget budget = new DrainBudget(256, () -> now);

  @Test
  void chunk_isFull_untilACallIsTimed_andWhileThePolicyTakesItInWithinTheChunkTime() {
    assertThat(budget.chunk()).isEqualTo(256);

    call(256, 62); // 15.9 µs for the chunk

    assertThat(budget.chunk()).isEqualTo(256);
  }

  @Test
  void chunk_ofASlowerPolicy_holdsWhatItTakesInWithinTheChunkTime_atLeastTheSmallest() {
    call(256, 400);
    assertThat(budget.chunk()).isEqualTo((int) (DrainBudget.CHUNK_NANOS / 400));

    for (int i = 0; i < 20; i++) {
      call(16, 100_000);
    }
    assertThat(budget.chunk()).isEqualTo(DrainBudget.MIN_CHUNK);
  }

  @Test
  void chunk_followsTheCostBackDown_smoothed() {
    call(256, 1_000);
    call(16, 10);

    assertThat(budget.chunk()).as("one fast call moves the smoothed cost a quarter of the way").isEqualTo(21);
    for (int i = 0; i < 20; i++) {
      call(16, 10);
    }
    assertThat(budget.chunk()).isEqualTo(256);
  }

  @Test
  void hasTimeLeft_untilTheBurstIsSpent_thenAccruesAQuarterOfTheClock() {
    assertThat(budget.hasTimeLeft()).isTrue();

    call(1, DrainBudget.BURST_NANOS); // the burst, spent in one call; a quarter of it earned back meanwhile
    assertThat(budget.hasTimeLeft()).isTrue();
    call(1, DrainBudget.BURST_NANOS / 4);
    assertThat(budget.hasTimeLeft()).isTrue();
    call(1, DrainBudget.BURST_NANOS);
    assertThat(budget.hasTimeLeft()).isFalse();

    now += 4 * DrainBudget.BURST_NANOS; // time passes without a call: a quarter of it is earned
    assertThat(budget.hasTimeLeft()).isTrue();
  }

  @Test
  void hasTimeLeft_afterAQuietSpell_allowsAtMostTheBurst() {
    now += 1_000 * DrainBudget.BURST_NANOS;
    assertThat(budget.hasTimeLeft()).isTrue();

    call(1, 2 * DrainBudget.BURST_NANOS); // spends twice the burst and earns half of it back meanwhile

    assertThat(budget.hasTimeLeft()).as("the quiet spell earned no more than the burst").isFalse();
  }

  @Test
  void aFullChunkSmallerThanTheSmallest_isRefused() {
    assertThatThrownBy(() -> new DrainBudget(DrainBudget.MIN_CHUNK - 1, () -> 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** A timed call telling {@code accesses} that took {@code nanosEach} each, the clock moving by that much. */
  private void call(int accesses, long nanosEach) {
    long start = budget.start();
    now += accesses * nanosEach;
    budget.spent(start, accesses);
  }
}
