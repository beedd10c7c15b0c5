package io.spillway.policy.lru;

import io.spillway.testkit.PolicySimulation;
import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillPolicy;
import io.spillway.api.spi.SpillPolicyProvider;
import io.spillway.testkit.CheckedSpillPolicy;
import io.spillway.testkit.SpillPolicyContractTest;
import org.junit.jupiter.api.Test;

/** The contract, plus the two lists, the ghosts and the adaptive target that make the policy ARC. */
class ArcPolicyTest extends SpillPolicyContractTest {

  @Override
  protected SpillPolicyProvider provider() {
    return new ArcPolicyProvider();
  }

  @Override
  protected SpillPolicy newPolicy(SpillConfig config) {
    return provider().create(config);
  }

  private static ArcPolicy arc(CheckedSpillPolicy policy) {
    return (ArcPolicy) policy.delegate();
  }

  @Test
  void provider_nameAndPriority_belowExistingPolicies() {
    assertThat(provider().name()).isEqualTo("arc");
    assertThat(provider().priority()).isEqualTo(-20);
  }

  @Test
  void selectVictims_targetZero_onceUsedBeforeReused() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(10, "a", "b", "c", "d");
    policy.access("a", "b");
    assertThat(arc(policy).listOf(policy.idOf("a"))).isEqualTo(ArcPolicy.T2);
    assertThat(arc(policy).listOf(policy.idOf("c"))).isEqualTo(ArcPolicy.T1);
    assertThat(policy.ranking()).containsExactly("c", "d", "a", "b");
  }

  @Test
  void onReload_ghostOfT1_growsTargetAndEntersT2() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(10, "a", "b", "c");
    policy.access("b", "c");
    policy.spill("a");
    assertThat(arc(policy).listOf(policy.idOf("a"))).isEqualTo(ArcPolicy.B1);
    policy.reload("a");
    assertThat(arc(policy).target()).isEqualTo(10);
    assertThat(arc(policy).listOf(policy.idOf("a"))).isEqualTo(ArcPolicy.T2);
  }

  @Test
  void onReload_ghostOfT2_shrinksTarget() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(10, "a", "b", "c", "d");
    policy.access("a", "b");
    policy.spill("c");
    policy.reload("c");
    assertThat(arc(policy).target()).isEqualTo(10);
    policy.spill("a");
    assertThat(arc(policy).listOf(policy.idOf("a"))).isEqualTo(ArcPolicy.B2);
    policy.reload("a");
    assertThat(arc(policy).target()).isZero();
  }

  @Test
  void selectVictims_targetReached_takesFromT2() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(10, "x", "a", "b");
    policy.access("a", "b");
    policy.spill("x");
    policy.reload("x");
    // p = 10 now: T1 holding n alone is at its target, so T2's least recent goes first.
    policy.admit(10, "n");
    assertThat(policy.victims(10)).containsExactly("a");
    policy.admit(10, "m");
    // T1 holds 20 bytes, over its target: its least recent goes first, until it is back at the target.
    assertThat(policy.victims(20)).containsExactly("n", "a");
  }

  @Test
  void onSpill_ghostsBounded_oldestForgotten() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(10, "keep1", "keep2");
    for (int i = 0; i < 50; i++) {
      policy.admit(10, "s" + i);
      policy.spill("s" + i);
    }
    // T1 + B1 may hold no more than the 20 resident bytes: only the newest ghost is left.
    assertThat(arc(policy).listOf(policy.idOf("s0"))).isEqualTo(ArcPolicy.FORGOTTEN);
    assertThat(arc(policy).listOf(policy.idOf("s49"))).isIn(ArcPolicy.B1, ArcPolicy.FORGOTTEN);
  }

  @Test
  void simulation_frequentSetWithScan_beatsLru() {
    PolicySimulation arc = new PolicySimulation(new ArcPolicy(), 100, false);
    PolicySimulation lru = new PolicySimulation(new LruPolicy(), 100, false);
    for (int i = 0; i < 120; i++) {
      arc.request("hot" + i % 60);
      lru.request("hot" + i % 60);
    }
    arc.resetCounts();
    lru.resetCounts();
    for (int round = 0; round < 200; round++) {
      for (int i = 0; i < 60; i++) {
        arc.request("hot" + i);
        lru.request("hot" + i);
      }
      for (int i = 0; i < 60; i++) {
        arc.request("scan" + round + "-" + i);
        lru.request("scan" + round + "-" + i);
      }
    }
    // The hot segments were used twice, so they are in T2; each round's scan of 60 one-time segments flushes them
    // out of an LRU of 100 entries, while ARC spills the scan from T1.
    assertThat(lru.hitRatio()).isLessThan(0.05);
    assertThat(arc.hitRatio()).isGreaterThan(0.4);
  }
}
