package io.spillway.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillPolicy;
import io.spillway.api.spi.SpillPolicyProvider;
import io.spillway.core.ColdnessPolicyProvider;
import io.spillway.testkit.CheckedSpillPolicy;
import io.spillway.testkit.SpillPolicyContractTest;
import org.junit.jupiter.api.Test;

/** The SPI contract, plus RedDB's coldness formula exactly. */
class ColdnessPolicyTest extends SpillPolicyContractTest {

  @Override
  protected SpillPolicyProvider provider() {
    return new ColdnessPolicyProvider();
  }

  @Override
  protected SpillPolicy newPolicy(SpillConfig config) {
    return provider().create(config);
  }

  @Test
  void provider_isNamedColdness_rankedBelowTheDefault() {
    assertThat(provider().name()).isEqualTo("coldness");
    assertThat(provider().priority()).isEqualTo(-5).isNegative();
    assertThat(provider().create(SpillConfig.defaults())).isInstanceOf(ColdnessPolicy.class);
  }

  @Test
  void score_startsAt100_gains10PerAccess_andDecaysByTruncationEachRound() {
    ColdnessPolicy policy = new ColdnessPolicy(0.95);
    int a = 0;
    int b = 1;
    policy.onAdmit(a, "a", 1000);
    policy.onAdmit(b, "b", 1000);
    assertThat(policy.score(a)).isEqualTo(100);

    policy.onAccess(a);
    policy.onAccess(a);
    assertThat(policy.score(a)).isEqualTo(120);

    policy.selectVictims(1, id -> true);
    assertThat(policy.score(a)).isEqualTo(114);
    assertThat(policy.score(b)).isEqualTo(95);
    policy.selectVictims(1, id -> true);
    // 95 * 0.95 = 90.25 and 114 * 0.95 = 108.3, truncated as RedDB's `as u64`.
    assertThat(policy.score(b)).isEqualTo(90);
    assertThat(policy.score(a)).isEqualTo(108);
    policy.selectVictims(1, id -> true);
    assertThat(policy.score(b)).isEqualTo(85);
  }

  @Test
  void decay_neverGoesBelowOne_andAppliesToSpilledSegmentsToo() {
    ColdnessPolicy policy = new ColdnessPolicy(0.001);
    int a = 0;
    int spilled = 1;
    policy.onAdmit(a, "a", 10);
    policy.onAdmit(spilled, "s", 10);
    policy.onSpill(spilled);

    policy.selectVictims(1, id -> true);
    policy.selectVictims(1, id -> true);

    assertThat(policy.score(a)).isEqualTo(1);
    assertThat(policy.score(spilled)).isEqualTo(1);
  }

  @Test
  void selectVictims_withNothingToFree_doesNotDecay() {
    ColdnessPolicy policy = new ColdnessPolicy(0.5);
    int a = 0;
    policy.onAdmit(a, "a", 10);

    assertThat(policy.selectVictims(0, id -> true)).isEmpty();

    assertThat(policy.score(a)).isEqualTo(100);
  }

  @Test
  void selectVictims_ranksByIntegerSizeOverScore_largestFirst() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(1000, "hot", "cold");
    policy.admit(5000, "big");
    for (int i = 0; i < 100; i++) {
      policy.access("hot");
    }
    // After one decay: cold 1000/95 = 10, hot 1000/1045 = 0, big 5000/95 = 52.
    assertThat(policy.victims(1)).containsExactly("big");
    assertThat(policy.victims(5001)).containsExactly("big", "cold");
    assertThat(policy.victims(Long.MAX_VALUE)).containsExactly("big", "cold", "hot");
  }

  @Test
  void selectVictims_equalColdness_largerSizeFirst_thenName() {
    CheckedSpillPolicy policy = checkedPolicy();
    // Scores decay to 95: 190 / 95 = 2 and 199 / 95 = 2, an integer-division tie broken by size.
    policy.admit(190, "small");
    policy.admit(199, "large");
    policy.admit(190, "also-small");

    assertThat(policy.victims(Long.MAX_VALUE)).containsExactly("large", "also-small", "small");
  }

  @Test
  void selectVictims_skipsSpilledAndIneligible_andResizesCount() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(100, "a", "b", "c");
    policy.spill("a");
    policy.resize("c", 10_000);

    assertThat(policy.victims(Long.MAX_VALUE, name -> !name.equals("b"))).containsExactly("c");
    policy.reload("a");
    assertThat(policy.victims(Long.MAX_VALUE)).containsExactly("c", "a", "b");
  }

  @Test
  void arrays_keepEverySegmentThroughGrowthAndRemovals() {
    ColdnessPolicy policy = new ColdnessPolicy(1.0);
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      policy.onAdmit(i, "s" + i, i);
    }
    for (int i = 0; i < n; i += 2) {
      policy.onRemove(i);
    }
    for (int i = 1; i < n; i += 4) {
      policy.onAccess(i);
    }
    policy.onAccess(new int[] {1, 1, 3}, 2);

    assertThat(policy.size()).isEqualTo(n / 2);
    for (int i = 0; i < n; i++) {
      long expected = i % 2 == 0 ? 0 : i == 1 ? 130 : i % 4 == 1 ? 110 : 100;
      assertThat(policy.score(i)).as("score of s%d", i).isEqualTo(expected);
    }
    assertThat(policy.selectVictims(Long.MAX_VALUE, id -> true)).hasSize(n / 2);
  }

  @Test
  void onAdmit_reusedId_startsAFreshScoreAndRanksByTheNewName() {
    ColdnessPolicy policy = new ColdnessPolicy(1.0);
    policy.onAdmit(0, "z-old", 10);
    policy.onAccess(0);
    policy.onRemove(0);
    policy.onAdmit(0, "a-new", 100);
    policy.onAdmit(1, "b", 100);

    assertThat(policy.score(0)).isEqualTo(100);
    // Equal coldness and size: the smaller name, now the reused id's, goes first.
    assertThat(policy.selectVictims(Long.MAX_VALUE, id -> true)).containsExactly(0, 1);
  }

  @Test
  void onAccess_ofASpilledSegment_countsAndKeepsItSpilled() {
    ColdnessPolicy policy = new ColdnessPolicy(1.0);
    policy.onAdmit(0, "a", 10);
    policy.onSpill(0);
    policy.onAccess(0);

    assertThat(policy.score(0)).isEqualTo(110);
    assertThat(policy.selectVictims(100, id -> true)).isEmpty();
  }

  @Test
  void onAccess_idThatNoSegmentHolds_isRefused() {
    ColdnessPolicy policy = new ColdnessPolicy(1.0);
    policy.onAdmit(0, "a", 10);
    policy.onRemove(0);

    assertThatThrownBy(() -> policy.onAccess(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no segment has id 0");
    assertThatThrownBy(() -> policy.onAccess(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> policy.onAccess(1 << 20)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void constructor_rejectsADecayOutsideZeroToOne() {
    assertThatThrownBy(() -> new ColdnessPolicy(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ColdnessPolicy(1.5)).isInstanceOf(IllegalArgumentException.class);
  }
}
