package io.spillway.policy.lru;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillPolicy;
import io.spillway.api.spi.SpillPolicyProvider;
import io.spillway.testkit.CheckedSpillPolicy;
import io.spillway.testkit.SpillPolicyContractTest;
import org.junit.jupiter.api.Test;

/** The contract, plus the ranking that makes the policy least-recently-used. */
class LruPolicyTest extends SpillPolicyContractTest {

  @Override
  protected SpillPolicyProvider provider() {
    return new LruPolicyProvider();
  }

  @Override
  protected SpillPolicy newPolicy(SpillConfig config) {
    return provider().create(config);
  }

  @Test
  void provider_nameAndPriority_lruBelowDefault() {
    assertThat(provider().name()).isEqualTo("lru");
    assertThat(provider().priority()).isEqualTo(-10).isNegative();
  }

  @Test
  void selectVictims_untouchedSegments_leastRecentlyAdmittedFirst() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(100, "a", "b", "c", "d");
    assertThat(policy.ranking()).containsExactly("a", "b", "c", "d");
    assertThat(policy.victims(150)).containsExactly("a", "b");
  }

  @Test
  void onAccess_movesSegmentToMostRecent() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(100, "a", "b", "c", "d");
    policy.access("a", "c", "a");
    assertThat(policy.ranking()).containsExactly("b", "d", "c", "a");
    assertThat(policy.victims(100)).containsExactly("b");
  }

  @Test
  void onReload_countsAsUse() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(100, "a", "b", "c");
    policy.spill("a");
    policy.access("b");
    policy.reload("a");
    assertThat(policy.ranking()).containsExactly("c", "b", "a");
  }

  @Test
  void onResize_doesNotCountAsUse() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(100, "a", "b", "c");
    policy.resize("a", 500);
    policy.spill("b");
    policy.resize("b", 50);
    policy.reload("b");
    assertThat(policy.ranking()).containsExactly("a", "c", "b");
    assertThat(policy.victims(500)).containsExactly("a");
  }

  @Test
  void onAdmit_afterRemove_isMostRecent() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(100, "a", "b", "c");
    policy.onRemove("a");
    policy.admit(100, "a");
    assertThat(policy.ranking()).containsExactly("b", "c", "a");
  }

  @Test
  void selectVictims_ineligibleLeastRecent_skippedNotReordered() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(100, "pinned", "a", "b");
    assertThat(policy.victims(150, segment -> !segment.equals("pinned"))).containsExactly("a", "b");
    // Being passed over is not a use: once allowed, the pinned segment is still the first victim.
    assertThat(policy.victims(100)).containsExactly("pinned");
  }

  @Test
  void events_onUnknownOrWrongState_ignored() {
    // The core never sends these; the policy must still not fail or invent segments.
    SpillPolicy policy = newPolicy(SpillConfig.defaults());
    for (int ghost : new int[] {0, 7, 1_000_000, -1}) {
      policy.onAccess(ghost);
      policy.onResize(ghost, 1, 2);
      policy.onSpill(ghost);
      policy.onReload(ghost);
      policy.onRemove(ghost);
    }
    policy.onAdmit(0, "a", 10);
    policy.onReload(0);
    policy.onSpill(0);
    policy.onAccess(0);
    policy.onSpill(0);
    policy.onAccess(new int[] {0, 0, 5}, 3);
    assertThat(policy.selectVictims(Long.MAX_VALUE, id -> true)).isEmpty();
    policy.onReload(0);
    assertThat(policy.selectVictims(Long.MAX_VALUE, id -> true)).containsExactly(0);
  }
}
