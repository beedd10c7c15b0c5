package io.spillway.policy.lfu;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.api.spi.SpillPolicy;
import io.spillway.api.spi.SpillPolicyProvider;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Provides the {@value #NAME} policy: W-TinyLFU (as {@value WindowTinyLfuPolicyProvider#NAME}) whose window share is
 * chosen by miniature simulations of seven fixed shares on a sample of the segments, by what their misses would
 * cost to reload. The policy a manager uses when none is named.
 *
 * <p><b>Why.</b> No single policy is safe on real workloads: recency policies collapse on loops and scans, frequency
 * policies on shifting working sets, and a hill climber (Caffeine's, {@code w-tinylfu}'s) can settle on a window
 * that is several points from the best one. The share that suits a workload is found here by trying every candidate
 * on the workload itself, at small scale, all the time — the approach of Waldspurger et al., "Cache Modeling and
 * Optimization using Miniature Simulations" (USENIX ATC 2017), applied to W-TinyLFU's one parameter.
 * <ul>
 *   <li><b>Experts:</b> W-TinyLFU with a window of 0, 1, 5, 20, 40, 60 and 100% of the resident bytes — from
 *       frequency-based admission of every newcomer (loops, scans, skewed popularity) to plain LRU (a shifting
 *       working set of recently used segments).
 *   <li><b>Sample:</b> all segments while the budget holds 1,024 segments or fewer; beyond that, a spatial sample by
 *       a hash of the name (SHARDS) sized so each expert holds about 1,024 segments, under the same share of the
 *       budget. Simulation starts with the first request; once the first spill shows the budget (what stays
 *       resident), a lower rate narrows the sample, the experts keeping what they learned of the rest.
 *   <li><b>Choice:</b> four times per epoch of {@code 5 ×} sampled-capacity requests (at least 512), the experts'
 *       misses are priced, and the share in effect moves one step towards the share of the cheapest expert when
 *       that one costs more than 5% less than the share in effect; counts halve over an epoch, so the choice follows
 *       the recent past. One step at a time, because the experts show what each share costs kept all along, not
 *       what a jump costs: a cache that turns LRU for a phase loses the frequent segments its main area held, and on
 *       a real block trace (CloudPhysics, 512 MiB) jumping to the cheapest expert at once cost 9 points of hit
 *       ratio. Towards the cheapest, not to a cheaper neighbour only, because the cost need not fall steadily
 *       towards the best share: with working sets that shift, a window of 0 can beat 1% and 5% while 60% beats
 *       all. The policy's own W-TinyLFU takes the new share at its next choice of victims.
 *   <li><b>Cost of a miss:</b> a latency plus bytes over a bandwidth, so the choice serves both the hit ratio
 *       (latency-bound stores, such as S3) and the byte hit ratio (bandwidth-bound ones). Learned from the reloads
 *       the core measures ({@link SpillPolicy#onReloadCost}), as a least-squares line through size and time that
 *       follows the last few hundred reloads; or fixed by the options {@value #LATENCY_OPTION} (nanoseconds, zero or
 *       more) and {@value #BANDWIDTH_OPTION} (bytes per second, more than zero) — either alone fixes the model, the
 *       other then costing nothing. Before anything is measured, every miss costs the same.
 * </ul>
 *
 * <p><b>Cost:</b> O(1) amortised per event: a sampled request costs one count in the experts' shared sketch and an
 * access or an admission in each of the seven experts, a request outside the sample a hash. Every request is sampled
 * while the budget holds 1,024 segments or fewer: measured ({@code PolicyBenchmark} in spill-bench) at seven to
 * eight times {@code w-tinylfu}'s work per request at 1,000 segments, and a fifth more than it at 100,000.
 * <b>Memory:</b> what {@code w-tinylfu} keeps per segment (20.5 bytes per known segment, 16 of sketch per resident
 * one) and nothing more per segment; the experts hold at most a few thousand sampled segments each, a few hundred
 * KiB in all whatever the number of segments.
 *
 * <p><b>The default policy.</b> Ranks {@value #PRIORITY}, the highest of the bundled policies. README's "Choosing a
 * policy" gives its figures on the shared traces against every bundled policy, LRU, Caffeine and the optimum.
 *
 * <p>This provider is stateless and thread-safe. Like every {@link SpillPolicy}, the policies it creates are not
 * thread-safe and expect the core to call them from one thread at a time.
 */
public final class AdaptivePolicyProvider implements SpillPolicyProvider {
  /** The name this policy is selected by: {@value}. */
  public static final String NAME = "adaptive";
  /** The rank of this policy among providers: {@value}, the highest bundled rank, so that it is the default. */
  public static final int PRIORITY = 10;
  /**
   * Option: the store's reload latency in nanoseconds, for cost-aware policies; with it the cost is fixed rather
   * than learned.
   */
  public static final String LATENCY_OPTION = "policy.reloadLatencyNanos";
  /**
   * Option: the store's reload bandwidth in bytes per second, for cost-aware policies; with it the cost is fixed
   * rather than learned.
   */
  public static final String BANDWIDTH_OPTION = "policy.reloadBytesPerSecond";

  /** Called by {@link java.util.ServiceLoader}. */
  public AdaptivePolicyProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return PRIORITY;
  }

  /** {@value #LATENCY_OPTION} and {@value #BANDWIDTH_OPTION}. */
  @Override
  public Set<String> optionKeys() {
    return Set.of(LATENCY_OPTION, BANDWIDTH_OPTION);
  }

  /**
   * A new, empty adaptive policy, its reload cost fixed by the config's options if they are set.
   *
   * @throws NullPointerException if {@code config} is null
   * @throws SpillConfigurationException if an option is not a number in range
   */
  @Override
  public SpillPolicy create(SpillConfig config) {
    Objects.requireNonNull(config, "config");
    Optional<Long> latency = number(config, LATENCY_OPTION);
    Optional<Long> bandwidth = number(config, BANDWIDTH_OPTION);
    if (latency.isEmpty() && bandwidth.isEmpty()) {
      return new AdaptivePolicy(ReloadCostModel.learned());
    }
    try {
      return new AdaptivePolicy(ReloadCostModel.fixed(latency.orElse(0L), bandwidth.orElse(Long.MAX_VALUE)));
    } catch (IllegalArgumentException e) {
      throw new SpillConfigurationException("policy '" + NAME + "': options " + LATENCY_OPTION + " and "
          + BANDWIDTH_OPTION + ": " + e.getMessage(), e);
    }
  }

  private static Optional<Long> number(SpillConfig config, String key) {
    Optional<String> value = config.option(key);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(value.get().strip()));
    } catch (NumberFormatException e) {
      throw new SpillConfigurationException("policy '" + NAME + "': option " + key + " must be a whole number, not '"
          + value.get() + "'", e);
    }
  }
}
