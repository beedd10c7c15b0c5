package io.spillway.policy.lfu;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillPolicy;
import io.spillway.api.spi.SpillPolicyProvider;
import java.util.Objects;

/**
 * Provides the {@value #NAME} policy: least frequently used first, with dynamic aging (LFU-DA, after Arlitt,
 * Cherkasova, Dilley, Friedrich and Jin, "Evaluating content management techniques for Web proxy caches", 2000).
 *
 * <p>Plain LFU keeps a segment that was popular long ago in memory forever, ahead of anything used moderately
 * since. LFU-DA adds an <em>inflation</em> value {@code L} to each segment's count when the count changes, so a
 * segment's standing reflects how often it was used <em>and</em> how recently its count grew. The rules, all in
 * exact {@code long} arithmetic:
 * <ul>
 *   <li>Each known segment has a use count {@code F}; each resident segment has a priority {@code K}. {@code L}
 *       starts at 0.
 *   <li><b>Admit:</b> {@code F = 1}, {@code K = L + 1}. An admit of a name that was removed starts from scratch.
 *   <li><b>Access:</b> {@code F += 1}, {@code K = L + F}, with {@code L} as it is now.
 *   <li><b>Spill:</b> the segment leaves the ranking but keeps its count {@code F}. If the latest call to
 *       {@code selectVictims} chose it, {@code L} rises to the priority it had when chosen, unless {@code L} is
 *       already higher: {@code L} never falls. A spill the policy did not choose (a segment spilled by name)
 *       leaves {@code L} alone, so spilling a hot segment by hand does not age every other segment at once.
 *   <li><b>Reload:</b> counts as a use, as an admit does: {@code F += 1}, {@code K = L + F} with the current
 *       {@code L}. The count gathered before the spill is kept; the priority is not, so old popularity is judged
 *       against the present {@code L}.
 *   <li><b>Resize:</b> changes only the size used to add up freed bytes; the ranking ignores size.
 *   <li><b>Remove:</b> forgets the segment, count included.
 *   <li><b>Victims:</b> resident segments in increasing {@code K}; equal {@code K} goes to the one whose last
 *       admit, access or reload is oldest. Segments the core does not allow to be spilled are passed over.
 *       Choosing victims changes no priority and not {@code L}; it only remembers the chosen priorities for the
 *       spills that follow.
 * </ul>
 * Each victim spilled raises {@code L} to about the level of the coldest segments, so every new or newly used
 * segment starts above them; a segment whose count stopped growing long ago keeps its old {@code K} while
 * {@code L} passes it, and then goes before segments used a few times recently. For example, a segment used
 * 10 times while {@code L = 0} has {@code K = 10}; after 8 one-time segments have been chosen and spilled in turn,
 * {@code L = 8}, and a segment admitted then and used twice more has {@code K = 8 + 3 = 11}: the old segment,
 * with more than three times the uses, is spilled first.
 *
 * <p><b>Cost:</b> O(log n) per event (a binary heap of segment ids ordered by priority and last use), and O(log k)
 * per segment a selection visits, k the number visited, ineligible ones included. About 32 bytes of policy state per
 * segment, in arrays indexed by id. The policy reads no settings from the {@link SpillConfig}.
 *
 * <p>Ranks {@value #PRIORITY}, below the default {@code adaptive} policy and RedDB's {@code coldness}, so it is
 * used only when asked for by name: {@code SpillConfig.builder().policy("lfu")}.
 *
 * <p>This provider is stateless and thread-safe. Like every {@link SpillPolicy}, the policies it creates are not
 * thread-safe and expect the core to call them from one thread at a time.
 */
public final class LfuPolicyProvider implements SpillPolicyProvider {
  /** The name this policy is selected by: {@value}. */
  public static final String NAME = "lfu";
  /** The rank of this policy among providers: {@value}, below the default {@code adaptive} policy. */
  public static final int PRIORITY = -10;

  /** Called by {@link java.util.ServiceLoader}. */
  public LfuPolicyProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return PRIORITY;
  }

  /**
   * A new, empty LFU-DA policy, with inflation 0.
   *
   * @throws NullPointerException if {@code config} is null
   */
  @Override
  public SpillPolicy create(SpillConfig config) {
    Objects.requireNonNull(config, "config");
    return new LfuPolicy();
  }
}
