package io.spillway.examples.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillPolicy;
import io.spillway.api.spi.SpillPolicyProvider;
import io.spillway.testkit.CheckedSpillPolicy;
import io.spillway.testkit.SpillPolicyContractTest;
import org.junit.jupiter.api.Test;

/** A user's plugin passes the same contract suite as the bundled policies, plus its own ranking tests. */
class LargestFirstPolicyTest extends SpillPolicyContractTest {

  @Override
  protected SpillPolicyProvider provider() {
    return new LargestFirstPolicyProvider();
  }

  @Override
  protected SpillPolicy newPolicy(SpillConfig config) {
    return provider().create(config);
  }

  @Test
  void selectVictims_largestFirst_accessesIgnored() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(100, "small");
    policy.admit(300, "big");
    policy.admit(200, "medium");
    policy.access("big", "big", "big");

    assertThat(policy.ranking()).containsExactly("big", "medium", "small");
    assertThat(policy.victims(350)).containsExactly("big", "medium");
  }

  @Test
  void onResize_reordersResidentSegment() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(100, "a", "b");
    policy.resize("a", 500);

    assertThat(policy.ranking()).containsExactly("a", "b");
    policy.resize("a", 10);
    assertThat(policy.ranking()).containsExactly("b", "a");
  }
}
