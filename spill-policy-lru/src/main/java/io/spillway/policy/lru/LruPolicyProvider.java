package io.spillway.policy.lru;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillPolicy;
import io.spillway.api.spi.SpillPolicyProvider;
import java.util.Objects;

/**
 * Provides the {@value #NAME} policy: the least recently used resident segment is spilled first.
 *
 * <p>A segment counts as used when it is admitted, accessed or reloaded; a resize is not a use. Victims are
 * taken from the least recently used end, passing over segments the core does not allow to be spilled, until
 * the requested bytes are reached. Each event costs O(1), and each victim O(1) plus O(1) for every ineligible
 * segment passed over on the way. Memory is 16 bytes per known segment, in arrays indexed by segment id. The policy
 * reads no settings from the {@link SpillConfig}.
 *
 * <p>Ranks {@value #PRIORITY}, below the default {@code adaptive} policy and RedDB's {@code coldness}, so it is
 * used only when asked for by name: {@code SpillConfig.builder().policy("lru")}.
 *
 * <p>This provider is stateless and thread-safe. Like every {@link SpillPolicy}, the policies it creates are not
 * thread-safe and expect the core to call them from one thread at a time.
 */
public final class LruPolicyProvider implements SpillPolicyProvider {
  /** The name this policy is selected by: {@value}. */
  public static final String NAME = "lru";
  /** The rank of this policy among providers: {@value}, below the default {@code adaptive} policy. */
  public static final int PRIORITY = -10;

  /** Called by {@link java.util.ServiceLoader}. */
  public LruPolicyProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return PRIORITY;
  }

  /**
   * A new, empty least-recently-used policy.
   *
   * @throws NullPointerException if {@code config} is null
   */
  @Override
  public SpillPolicy create(SpillConfig config) {
    Objects.requireNonNull(config, "config");
    return new LruPolicy();
  }
}
