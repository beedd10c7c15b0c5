package io.spillway.policy.lru;

import io.spillway.testkit.PolicySimulation;
import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillPolicy;
import io.spillway.api.spi.SpillPolicyProvider;
import io.spillway.testkit.CheckedSpillPolicy;
import io.spillway.testkit.SpillPolicyContractTest;
import org.junit.jupiter.api.Test;

/** The contract, plus the reuse-distance ranking and loop resistance that make the policy LIRS. */
class LirsPolicyTest extends SpillPolicyContractTest {

  @Override
  protected SpillPolicyProvider provider() {
    return new LirsPolicyProvider();
  }

  @Override
  protected SpillPolicy newPolicy(SpillConfig config) {
    return provider().create(config);
  }

  private static LirsPolicy lirs(CheckedSpillPolicy policy) {
    return (LirsPolicy) policy.delegate();
  }

  @Test
  void provider_nameAndPriority_belowExistingPolicies() {
    assertThat(provider().name()).isEqualTo("lirs");
    assertThat(provider().priority()).isEqualTo(-20);
  }

  @Test
  void onAdmit_lirSetFull_newSegmentIsHirAndFirstVictim() {
    CheckedSpillPolicy policy = checkedPolicy();
    for (int i = 0; i < 100; i++) {
      policy.admit(10, "s" + i);
    }
    policy.admit(10, "new");
    assertThat(lirs(policy).stateOf(policy.idOf("new"))).isEqualTo(LirsPolicy.HIR);
    // The oldest LIR segments were demoted to the queue before "new"; all of them go before any LIR segment.
    String firstLirVictim = null;
    for (String victim : policy.ranking()) {
      if (lirs(policy).stateOf(policy.idOf(victim)) == LirsPolicy.LIR) {
        firstLirVictim = victim;
        break;
      }
      assertThat(firstLirVictim).isNull();
    }
    assertThat(policy.ranking()).startsWith("s0").contains("new");
  }

  @Test
  void onReload_reusedWithinLirRecency_becomesLir() {
    CheckedSpillPolicy policy = checkedPolicy();
    for (int i = 0; i < 100; i++) {
      policy.admit(10, "s" + i);
    }
    policy.admit(10, "h");
    assertThat(lirs(policy).stateOf(policy.idOf("h"))).isEqualTo(LirsPolicy.HIR);
    policy.spill("h");
    assertThat(lirs(policy).stateOf(policy.idOf("h"))).isEqualTo(LirsPolicy.SPILLED);
    // h's previous use is more recent than the oldest LIR segment's: a short reuse distance.
    policy.reload("h");
    assertThat(lirs(policy).stateOf(policy.idOf("h"))).isEqualTo(LirsPolicy.LIR);
  }

  @Test
  void onAccess_hirSegmentStillInStack_promotedToLir() {
    CheckedSpillPolicy policy = checkedPolicy();
    for (int i = 0; i < 100; i++) {
      policy.admit(10, "s" + i);
    }
    policy.admit(10, "h");
    policy.access("h");
    assertThat(lirs(policy).stateOf(policy.idOf("h"))).isEqualTo(LirsPolicy.LIR);
  }

  @Test
  void simulation_loopLargerThanBudget_nearOptimal() {
    // A loop over 1,000 segments with room for 500: LRU never hits, OPT hits about half the time.
    PolicySimulation simulation = new PolicySimulation(new LirsPolicy(), 500, false);
    for (int round = 0; round < 20; round++) {
      for (int i = 0; i < 1_000; i++) {
        simulation.request("loop" + i);
      }
      if (round == 1) {
        simulation.resetCounts();
      }
    }
    assertThat(simulation.hitRatio()).isGreaterThan(0.45);
  }

  @Test
  void simulation_scanThroughHotSet_hotSegmentsStayResident() {
    PolicySimulation simulation = new PolicySimulation(new LirsPolicy(), 200);
    for (int round = 0; round < 5; round++) {
      for (int i = 0; i < 150; i++) {
        simulation.request("hot" + i);
      }
    }
    for (int i = 0; i < 5_000; i++) {
      simulation.request("scan" + i);
    }
    int hotResident = 0;
    for (int i = 0; i < 150; i++) {
      if (simulation.isResident("hot" + i)) {
        hotResident++;
      }
    }
    // The 1% of HIR bytes may hold a few hot segments that the scan pushes out; an LRU would keep none.
    assertThat(hotResident).isGreaterThanOrEqualTo(145);
  }

  @Test
  void selectVictims_mixedSizes_lirBytesBounded() {
    PolicySimulation simulation = new PolicySimulation(new LirsPolicy(), 10_000);
    for (int round = 0; round < 50; round++) {
      for (int i = 0; i < 300; i++) {
        simulation.request("k" + (i * 7 + round) % 300, 10 + (i % 13) * 10);
      }
    }
    assertThat(simulation.residentBytes()).isLessThanOrEqualTo(10_000);
    assertThat(simulation.hitRatio()).isGreaterThan(0.3);
  }
}
