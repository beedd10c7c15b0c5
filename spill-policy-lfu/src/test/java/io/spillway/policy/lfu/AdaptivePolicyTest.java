package io.spillway.policy.lfu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.api.spi.SpillPolicy;
import io.spillway.api.spi.SpillPolicyProvider;
import io.spillway.testkit.PolicySimulation;
import io.spillway.testkit.SpillPolicyContractTest;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The contract, plus what makes the policy adaptive: the share follows the workload, the cost follows the store. */
class AdaptivePolicyTest extends SpillPolicyContractTest {

  @Override
  protected SpillPolicyProvider provider() {
    return new AdaptivePolicyProvider();
  }

  @Override
  protected SpillPolicy newPolicy(SpillConfig config) {
    return provider().create(config);
  }

  @Test
  void provider_nameAndPriority_theDefault() {
    assertThat(provider().name()).isEqualTo("adaptive");
    assertThat(provider().priority()).isGreaterThan(new WindowTinyLfuPolicyProvider().priority())
        .isGreaterThan(new LfuPolicyProvider().priority())
        .isGreaterThan(new GdsfPolicyProvider().priority());
  }

  /** Phases of 60 segments used at random, a new set every 3,000 requests: recency wins, the window grows. */
  @Test
  void windowShare_shiftingWorkingSet_growsTowardsLru() {
    AdaptivePolicy policy = new AdaptivePolicy(ReloadCostModel.learned());
    PolicySimulation adaptive = new PolicySimulation(policy, 100, false);
    PolicySimulation smallWindow = new PolicySimulation(new WindowTinyLfuPolicy(0.01), 100, false);
    Random random = new Random(11);
    long adaptiveHits = 0;
    long smallWindowHits = 0;
    for (int i = 0; i < 200_000; i++) {
      String segment = "p" + (i / 3_000) + "-" + random.nextInt(60);
      adaptiveHits += adaptive.request(segment) ? 1 : 0;
      smallWindowHits += smallWindow.request(segment) ? 1 : 0;
    }
    assertThat(policy.windowShare()).isGreaterThanOrEqualTo(0.2);
    assertThat(adaptiveHits).isGreaterThan(smallWindowHits);
  }

  /** A loop over 300 segments with room for 100: LRU never hits; admission by frequency keeps a fixed set. */
  @Test
  void windowShare_loopLargerThanBudget_staysSmallAndHits() {
    AdaptivePolicy policy = new AdaptivePolicy(ReloadCostModel.learned());
    PolicySimulation adaptive = new PolicySimulation(policy, 100, false);
    long hits = 0;
    for (int i = 0; i < 150_000; i++) {
      hits += adaptive.request("loop-" + (i % 300)) ? 1 : 0;
    }
    assertThat(policy.windowShare()).isLessThanOrEqualTo(0.05);
    assertThat(hits).isGreaterThan(150_000 / 20);
  }

  /** No spill yet, so no capacity: the experts hold what they sample, narrowing the sample to stay bounded. */
  @Test
  void tuner_beforeFirstSpill_samplesEverythingThenNarrowsToStayBounded() {
    AdaptivePolicy policy = new AdaptivePolicy(ReloadCostModel.learned());
    for (int i = 0; i < 100; i++) {
      policy.onAdmit(i, "seg-" + i, 10);
    }
    assertThat(policy.tuner().sampleRate()).isEqualTo(1.0);
    assertThat(policy.tuner().experts()[0].heldCount()).isEqualTo(100);

    for (int i = 100; i < 40_000; i++) {
      policy.onAdmit(i, "seg-" + i, 10);
      policy.onAccess(i);
    }

    assertThat(policy.tuner().sampleRate()).isLessThanOrEqualTo(1.0 / 4);
    for (MiniatureCache expert : policy.tuner().experts()) {
      assertThat(expert.heldCount()).isBetween(500, 4 * WindowTuner.SAMPLED_ENTRIES + WindowTuner.MIN_EPOCH);
    }
  }

  /** The first spill narrows the sample to the budget's rate: the experts keep the sampled segments they held. */
  @Test
  void tuner_firstSpill_narrowsWithoutForgettingTheSample() {
    AdaptivePolicy policy = new AdaptivePolicy(ReloadCostModel.learned());
    for (int i = 0; i < 3_000; i++) {
      policy.onAdmit(i, "seg-" + i, 10);
    }
    double before = policy.tuner().sampleRate();

    policy.selectVictims(10 * 1_000, segment -> true); // 2,000 segments stay: half the sample goes

    assertThat(policy.tuner().sampleRate()).isCloseTo(before * WindowTuner.SAMPLED_ENTRIES / 2_000.0, within(0.01));
    for (MiniatureCache expert : policy.tuner().experts()) {
      assertThat(expert.heldCount()).isBetween(800, 1_250);
      assertThat(expert.misses()).as("the counts stay").isPositive();
    }
  }

  /** 100,000 resident segments, a budget of 50,000: a sample of about 1,024 per expert, not 50,000. */
  @Test
  void tuner_largeBudget_samplesAndStaysBounded() {
    AdaptivePolicy policy = new AdaptivePolicy(ReloadCostModel.learned());
    PolicySimulation simulation = new PolicySimulation(policy, 50_000, false);
    Random random = new Random(3);
    for (int i = 0; i < 300_000; i++) {
      simulation.request("seg-" + random.nextInt(100_000));
    }
    assertThat(policy.tuner().sampleRate()).isCloseTo(1_024.0 / 50_000, within(0.005));
    for (MiniatureCache expert : policy.tuner().experts()) {
      assertThat(expert.heldCount()).isBetween(500, 2 * WindowTuner.SAMPLED_ENTRIES);
    }
  }

  @Test
  void onReloadCost_learnsLatencyAndBandwidthFromSizes() {
    AdaptivePolicy policy = new AdaptivePolicy(ReloadCostModel.learned());
    Random random = new Random(5);
    for (int i = 0; i < 400; i++) {
      long size = 1_000 + random.nextInt(100_000);
      policy.onAdmit(i, "seg-" + i, size);
      policy.onSpill(i);
      policy.onReload(i);
      // 2 ms to the first byte, 1 ns a byte (1 GB/s).
      policy.onReloadCost(i, 2_000_000 + size);
    }
    assertThat(policy.cost().latencyNanos()).isCloseTo(2_000_000, within(1_000.0));
    assertThat(policy.cost().nanosPerByte()).isCloseTo(1.0, within(0.01));
  }

  @Test
  void create_options_fixTheCost() {
    SpillConfig config = SpillConfig.builder().option(AdaptivePolicyProvider.LATENCY_OPTION, "20000000")
        .option(AdaptivePolicyProvider.BANDWIDTH_OPTION, "67108864").build();
    AdaptivePolicy policy = (AdaptivePolicy) provider().create(config);
    policy.onAdmit(0, "a", 100);
    policy.onSpill(0);
    policy.onReload(0);
    policy.onReloadCost(0, 5);
    assertThat(policy.cost().isFixed()).isTrue();
    assertThat(policy.cost().latencyNanos()).isEqualTo(20_000_000);
    assertThat(policy.cost().nanosPerByte()).isCloseTo(1e9 / 67_108_864, within(1e-9));
  }

  @Test
  void create_latencyAlone_bytesCostNothing() {
    SpillConfig config = SpillConfig.builder().option(AdaptivePolicyProvider.LATENCY_OPTION, "100").build();
    AdaptivePolicy policy = (AdaptivePolicy) provider().create(config);
    assertThat(policy.cost().nanosPerByte()).isZero();
    assertThat(policy.cost().latencyNanos()).isEqualTo(100);
  }

  @Test
  void create_badOptions_failNamingTheOption() {
    assertThatThrownBy(() -> provider().create(
        SpillConfig.builder().option(AdaptivePolicyProvider.LATENCY_OPTION, "fast").build()))
        .isInstanceOf(SpillConfigurationException.class).hasMessageContaining("policy.reloadLatencyNanos")
        .hasMessageContaining("fast");
    assertThatThrownBy(() -> provider().create(
        SpillConfig.builder().option(AdaptivePolicyProvider.BANDWIDTH_OPTION, "0").build()))
        .isInstanceOf(SpillConfigurationException.class).hasMessageContaining("policy.reloadBytesPerSecond");
    assertThatThrownBy(() -> provider().create(
        SpillConfig.builder().option(AdaptivePolicyProvider.LATENCY_OPTION, "-1").build()))
        .isInstanceOf(SpillConfigurationException.class);
  }
}
