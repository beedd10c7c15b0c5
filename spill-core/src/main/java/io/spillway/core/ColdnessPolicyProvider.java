package io.spillway.core;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillPolicy;
import io.spillway.api.spi.SpillPolicyProvider;
import io.spillway.core.internal.ColdnessPolicy;

/**
 * Provides the {@code coldness} policy, RedDB's ranking: every segment starts with a score of 100, gains 10 per
 * access, and all scores are multiplied by {@link SpillConfig#accessDecay()} at each spill round; the victims are
 * the eligible resident segments with the largest size / score, taken until enough bytes are freed.
 *
 * <p>RedDB's behaviour, kept for parity and selected by name: {@code SpillConfig.builder().policy("coldness")}. It is
 * not the default: registered in {@code META-INF/services/io.spillway.api.spi.SpillPolicyProvider} with priority
 * {@value #PRIORITY}, below the default {@code adaptive} and {@code w-tinylfu} (spill-policy-lfu, a run-time
 * dependency of spill-core) and above the other bundled policies, so that it is chosen when no name is given only if
 * spill-policy-lfu was left off the class path. Stateless and thread-safe; each policy it creates is
 * single-threaded, as the SPI allows.
 */
public final class ColdnessPolicyProvider implements SpillPolicyProvider {
  /** The name this policy is selected by: {@value}. */
  public static final String NAME = "coldness";
  /** The rank of this policy among providers: {@value}, below {@code w-tinylfu}'s 0 and {@code adaptive}'s 10. */
  public static final int PRIORITY = -5;

  /** Creates the provider; the service loader calls this. */
  public ColdnessPolicyProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return PRIORITY;
  }

  @Override
  public SpillPolicy create(SpillConfig config) {
    return new ColdnessPolicy(config.accessDecay());
  }
}
