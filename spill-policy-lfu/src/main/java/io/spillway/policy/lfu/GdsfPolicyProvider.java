package io.spillway.policy.lfu;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillPolicy;
import io.spillway.api.spi.SpillPolicyProvider;
import java.util.Objects;

/**
 * Provides the {@value #NAME} policy: Greedy-Dual-Size-Frequency (Cherkasova, "Improving WWW proxies performance
 * with Greedy-Dual-Size-Frequency caching policy", 1998), which weighs how often a segment is used against how many
 * bytes it holds, so that many small useful segments stay resident in place of one large one.
 *
 * <p>Every reload costs the same (one miss), so the policy maximises the share of uses that find their segment
 * resident. Each known segment has a use count {@code F} and, while resident, a priority
 * {@code H = L + F / size}; {@code L}, the inflation, starts at 0:
 * <ul>
 *   <li><b>Admit, reload, access:</b> {@code F += 1} (admit starts at 1; a spill keeps the count), then
 *       {@code H = L + F / size} with {@code L} as it is now.
 *   <li><b>Resize:</b> {@code H} changes by the difference of {@code F / size}; the aged part stays. A spilled
 *       segment's new size counts when it is reloaded.
 *   <li><b>Spill:</b> the segment leaves the ranking. If the latest {@code selectVictims} chose it, {@code L} rises to
 *       its {@code H} (never falls): segments not used since fall behind newly used ones, which is GDSF's aging. A
 *       spill by name leaves {@code L} alone.
 *   <li><b>Remove:</b> forgets the segment and its count.
 *   <li><b>Victims:</b> resident segments by increasing {@code H}, ties to the least recently used; segments the
 *       core does not allow to be spilled are passed over. Choosing changes no priority.
 * </ul>
 * Empty segments count as one byte.
 *
 * <p><b>Cost:</b> O(log n) per event, O(log k) per victim and per segment passed over. <b>Memory:</b> a 48-byte
 * node per known segment, a heap slot and a slot in an array indexed by segment id. The policy reads no settings
 * from the {@link SpillConfig}.
 *
 * <p>Ranks {@value #PRIORITY}, below the default {@code adaptive} policy, RedDB's {@code coldness} and the
 * {@code lru}/{@code lfu} policies, so it is used only when asked for by name:
 * {@code SpillConfig.builder().policy("gdsf")}.
 *
 * <p>This provider is stateless and thread-safe. Like every {@link SpillPolicy}, the policies it creates are not
 * thread-safe and expect the core to call them from one thread at a time.
 */
public final class GdsfPolicyProvider implements SpillPolicyProvider {
  /** The name this policy is selected by: {@value}. */
  public static final String NAME = "gdsf";
  /** The rank of this policy among providers: {@value}, below the default {@code adaptive} policy. */
  public static final int PRIORITY = -20;

  /** Called by {@link java.util.ServiceLoader}. */
  public GdsfPolicyProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return PRIORITY;
  }

  /**
   * A new, empty GDSF policy, with inflation 0.
   *
   * @throws NullPointerException if {@code config} is null
   */
  @Override
  public SpillPolicy create(SpillConfig config) {
    Objects.requireNonNull(config, "config");
    return new GdsfPolicy();
  }
}
