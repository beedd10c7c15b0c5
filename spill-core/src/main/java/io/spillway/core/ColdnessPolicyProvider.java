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
 * <p>Registered in {@code META-INF/services/io.spillway.api.spi.SpillPolicyProvider} with priority 0, the policy
 * used when none is named unless a plugin of higher priority is present. Stateless and thread-safe; each policy it
 * creates is single-threaded, as the SPI allows.
 */
public final class ColdnessPolicyProvider implements SpillPolicyProvider {
  /** The name this policy is selected by: {@value}. */
  public static final String NAME = "coldness";

  /** Creates the provider; the service loader calls this. */
  public ColdnessPolicyProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return 0;
  }

  @Override
  public SpillPolicy create(SpillConfig config) {
    return new ColdnessPolicy(config.accessDecay());
  }
}
