package io.spillway.policy.lru;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillPolicy;
import io.spillway.api.spi.SpillPolicyProvider;
import java.util.Objects;

/**
 * Provides the {@value #NAME} policy: Adaptive Replacement Cache (Megiddo and Modha, "ARC: A Self-Tuning, Low
 * Overhead Replacement Cache", FAST 2003), with sizes in bytes. It balances recency against frequency by itself,
 * learning from the segments it spilled too early.
 *
 * <p>Resident segments are on {@code T1} (used once since they became resident) or {@code T2} (used again), each
 * least recent first. Recently spilled segments are remembered on the ghost lists {@code B1} (spilled from
 * {@code T1}) and {@code B2} (from {@code T2}); ghosts hold no data, and {@code T1 + B1} stays within the resident
 * bytes and all four lists within twice that, oldest ghosts forgotten first. {@code p}, the bytes {@code T1} aims
 * to hold, starts at 0:
 * <ul>
 *   <li><b>Admit, or reload of a forgotten segment:</b> to the most recent end of {@code T1}.
 *   <li><b>Reload of a ghost:</b> a reload from {@code B1} means {@code T1} was too small: {@code p} grows by the
 *       segment's size times {@code max(1, B2 / B1)} (bytes), up to the resident bytes; from {@code B2}, {@code p}
 *       shrinks likewise, down to 0. The segment goes to the most recent end of {@code T2}.
 *   <li><b>Access:</b> to the most recent end of {@code T2}. <b>Spill:</b> from {@code T1} to {@code B1}, from
 *       {@code T2} to {@code B2}. <b>Resize:</b> changes the bytes counted. <b>Remove:</b> forgets it.
 *   <li><b>Victims:</b> the least recent of {@code T1} while {@code T1}, less what is already chosen, holds more than
 *       {@code p}, otherwise the least recent of {@code T2}; segments the core does not allow to be spilled are
 *       passed over.
 * </ul>
 *
 * <p><b>Cost:</b> O(1) amortised per event, O(1) per victim and per segment passed over. <b>Memory:</b> a 40-byte node
 * per known segment and its slot in an array indexed by segment id. The policy reads no settings from the
 * {@link SpillConfig}.
 *
 * <p>Ranks {@value #PRIORITY}, below the default {@code adaptive} policy, RedDB's {@code coldness} and the
 * {@code lru}/{@code lfu} policies, so it is used only when asked for by name:
 * {@code SpillConfig.builder().policy("arc")}.
 *
 * <p>This provider is stateless and thread-safe. Like every {@link SpillPolicy}, the policies it creates are not
 * thread-safe and expect the core to call them from one thread at a time.
 */
public final class ArcPolicyProvider implements SpillPolicyProvider {
  /** The name this policy is selected by: {@value}. */
  public static final String NAME = "arc";
  /** The rank of this policy among providers: {@value}, below the default {@code adaptive} policy. */
  public static final int PRIORITY = -20;

  /** Called by {@link java.util.ServiceLoader}. */
  public ArcPolicyProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return PRIORITY;
  }

  /**
   * A new, empty ARC policy, with {@code p = 0}.
   *
   * @throws NullPointerException if {@code config} is null
   */
  @Override
  public SpillPolicy create(SpillConfig config) {
    Objects.requireNonNull(config, "config");
    return new ArcPolicy();
  }
}
