package io.spillway.policy.lru;

import io.spillway.testkit.PolicySimulation;
import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillPolicy;
import io.spillway.api.spi.SpillPolicyProvider;
import io.spillway.testkit.CheckedSpillPolicy;
import io.spillway.testkit.SpillPolicyContractTest;
import org.junit.jupiter.api.Test;

/** The contract, plus the visited bits and the hand that make the policy SIEVE. */
class SievePolicyTest extends SpillPolicyContractTest {

  @Override
  protected SpillPolicyProvider provider() {
    return new SievePolicyProvider();
  }

  @Override
  protected SpillPolicy newPolicy(SpillConfig config) {
    return provider().create(config);
  }

  private static SievePolicy sieve(CheckedSpillPolicy policy) {
    return (SievePolicy) policy.delegate();
  }

  @Test
  void provider_nameAndPriority_belowExistingPolicies() {
    assertThat(provider().name()).isEqualTo("sieve");
    assertThat(provider().priority()).isEqualTo(-20);
  }

  @Test
  void selectVictims_visitedSegment_sparedOnce() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(10, "a", "b", "c");
    policy.access("a");
    assertThat(policy.victims(10)).containsExactly("b");
    assertThat(sieve(policy).isVisited(policy.idOf("a"))).isFalse();
  }

  @Test
  void selectVictims_handPersists_acrossSelections() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(10, "a", "b", "c", "d");
    policy.access("a", "b");
    assertThat(policy.victims(10)).containsExactly("c");
    policy.spill("c");
    policy.admit(10, "e");
    policy.access("a");
    // The hand stopped after c, at d: a, used again, is not looked at before d.
    assertThat(policy.victims(10)).containsExactly("d");
  }

  @Test
  void selectVictims_allVisited_secondTurnChooses() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(10, "a", "b", "c");
    policy.access("a", "b", "c");
    assertThat(policy.victims(10)).containsExactly("a");
  }

  @Test
  void selectVictims_ineligibleVisited_keepsItsBit() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(10, "a", "b");
    policy.access("a");
    assertThat(policy.victims(10, "b"::equals)).containsExactly("b");
    assertThat(sieve(policy).isVisited(policy.idOf("a"))).isTrue();
  }

  @Test
  void simulation_oneTimeSegmentsBetweenHotOnes_hotStayResident() {
    PolicySimulation simulation = new PolicySimulation(new SievePolicy(), 100);
    for (int i = 0; i < 5_000; i++) {
      simulation.request("hot" + (i % 50));
      simulation.request("once" + i);
    }
    for (int i = 0; i < 50; i++) {
      assertThat(simulation.isResident("hot" + i)).as("hot%s", i).isTrue();
    }
  }
}
