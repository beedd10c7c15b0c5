package io.spillway.policy.lfu;

import io.spillway.testkit.PolicySimulation;
import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillPolicy;
import io.spillway.api.spi.SpillPolicyProvider;
import io.spillway.testkit.CheckedSpillPolicy;
import io.spillway.testkit.SpillPolicyContractTest;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The contract, plus the size and frequency weighing and the aging that make the policy GDSF. */
class GdsfPolicyTest extends SpillPolicyContractTest {

  @Override
  protected SpillPolicyProvider provider() {
    return new GdsfPolicyProvider();
  }

  @Override
  protected SpillPolicy newPolicy(SpillConfig config) {
    return provider().create(config);
  }

  private static GdsfPolicy gdsf(CheckedSpillPolicy policy) {
    return (GdsfPolicy) policy.delegate();
  }

  @Test
  void provider_nameAndPriority_belowExistingPolicies() {
    assertThat(provider().name()).isEqualTo("gdsf");
    assertThat(provider().priority()).isEqualTo(-20);
  }

  @Test
  void selectVictims_equalUse_largestFirst() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(100, "small");
    policy.admit(10_000, "large");
    policy.admit(1_000, "medium");
    assertThat(policy.ranking()).containsExactly("large", "medium", "small");
    // Freeing 50 bytes costs one miss either way; the large segment frees the most per miss.
    assertThat(policy.victims(50)).containsExactly("large");
  }

  @Test
  void selectVictims_equalSize_leastFrequentFirst_thenLeastRecent() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(100, "a", "b", "c", "d");
    policy.access("a", "a", "b");
    assertThat(policy.ranking()).containsExactly("c", "d", "b", "a");
  }

  @Test
  void selectVictims_frequencyOutweighsSize() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(100, "small-once");
    policy.admit(300, "large-often");
    for (int i = 0; i < 9; i++) {
      policy.access("large-often");
    }
    // 10 uses / 300 bytes beats 1 use / 100 bytes.
    assertThat(policy.victims(1)).containsExactly("small-once");
  }

  @Test
  void onSpill_chosenVictim_raisesInflation_manualSpillDoesNot() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(10, "a", "b", "c");
    policy.access("b", "b");
    policy.spill("b");
    assertThat(gdsf(policy).inflation()).isZero();
    assertThat(policy.victims(10)).containsExactly("a");
    policy.spill("a");
    assertThat(gdsf(policy).inflation()).isEqualTo(0.1);
    // A new segment starts above the inflation, the old one-time segment "c" stays at 0.1.
    policy.admit(10, "d");
    assertThat(gdsf(policy).priority(policy.idOf("d"))).isEqualTo(0.2, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(policy.ranking()).containsExactly("c", "d");
  }

  @Test
  void selectVictims_onceHotSegment_agesOut() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(1, "old-hot");
    for (int i = 0; i < 5; i++) {
      policy.access("old-hot");
    }
    // A stream of segments, each used twice and then spilled, raises L past old-hot's priority of 6.
    boolean oldHotChosen = false;
    for (int i = 0; i < 20 && !oldHotChosen; i++) {
      policy.admit(1, "s" + i);
      policy.access("s" + i);
      String victim = policy.victims(1).get(0);
      oldHotChosen = victim.equals("old-hot");
      policy.spill(victim);
    }
    assertThat(oldHotChosen).isTrue();
  }

  @Test
  void simulation_mixedSizes_moreHitsThanLargestLast() {
    // Many small popular segments and a few large ones used as often: GDSF keeps the small ones.
    Random random = new Random(11);
    PolicySimulation simulation = new PolicySimulation(new GdsfPolicy(), 10_000);
    for (int i = 0; i < 50_000; i++) {
      if (random.nextInt(10) == 0) {
        simulation.request("large" + random.nextInt(20), 2_000);
      } else {
        simulation.request("small" + random.nextInt(200), 40);
      }
      if (i == 5_000) {
        simulation.resetCounts();
      }
    }
    // All 200 small segments fit in 8,000 bytes: nearly every small request hits, ~90% of all requests.
    assertThat(simulation.hitRatio()).isGreaterThan(0.85);
  }
}
