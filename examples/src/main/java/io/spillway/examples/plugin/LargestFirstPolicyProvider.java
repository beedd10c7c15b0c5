package io.spillway.examples.plugin;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillPolicy;
import io.spillway.api.spi.SpillPolicyProvider;

/**
 * Provides the {@code largest-first} policy: spill the biggest resident segments first, so that a round frees its
 * bytes with as few writes as possible. Useful when segments are rarely reused and I/O count matters more than
 * recency.
 *
 * <p>Ranks far below the bundled policies, so it is used only when asked for by name.
 */
public final class LargestFirstPolicyProvider implements SpillPolicyProvider {
  /** The name to select it by: {@value}. */
  public static final String NAME = "largest-first";

  /** Called by {@link java.util.ServiceLoader}. */
  public LargestFirstPolicyProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return -100;
  }

  @Override
  public SpillPolicy create(SpillConfig config) {
    return new LargestFirstPolicy();
  }
}
