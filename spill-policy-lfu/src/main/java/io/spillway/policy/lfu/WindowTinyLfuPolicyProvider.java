package io.spillway.policy.lfu;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillPolicy;
import io.spillway.api.spi.SpillPolicyProvider;
import java.util.Objects;

/**
 * Provides the {@value #NAME} policy: Window TinyLFU (Einziger, Friedman and Manes, "TinyLFU: A Highly Efficient
 * Cache Admission Policy", 2017), the design of Caffeine's eviction, adapted to spilling.
 *
 * <p>Resident segments are split into a small <em>window</em> (least recently used order, 1% of the resident bytes
 * at first) and a <em>main</em> area, itself a segmented LRU: <em>probation</em> and <em>protected</em> (80% of
 * main). How often each segment was used recently is estimated by a count-min sketch of 4-bit counters, one
 * {@code long} per resident segment, halved every {@code 10 ×} resident-count uses so that old popularity fades.
 * <ul>
 *   <li><b>Admit, reload:</b> the segment enters the window as its most recent entry and its use is counted. When
 *       the window holds more than its share, its least recent entries move to the tail of probation as
 *       <em>candidates</em> for the main area.
 *   <li><b>Access:</b> counted; in the window, the segment becomes its most recent; on probation, it is promoted
 *       to protected; in protected, it becomes the most recent there. Protected's overflow is demoted to the tail
 *       of probation.
 *   <li><b>Resize:</b> changes the bytes counted; may move overflow as above. <b>Spill:</b> the segment leaves
 *       the lists; its counts stay in the sketch. <b>Remove:</b> forgets it (the sketch fades it out).
 *   <li><b>Victims:</b> Caffeine's walk. The newest candidate challenges the least recent probation segment;
 *       the one the sketch says is used less often is chosen as a victim (a tie keeps the probation segment:
 *       one-time segments cannot flush main); the survivor stays resident and the walk goes on with the next
 *       candidate and the next probation segment, until enough bytes are chosen. Past the candidates, the window's
 *       least recent entries challenge; past probation, protected and then the window supply victims. So a newly
 *       admitted segment may be its own round's victim, and a scan or a loop larger than the budget leaves the
 *       frequently used segments resident. Segments the core does not allow to be spilled are passed over.
 *   <li><b>Window size:</b> hill climbing, as in Caffeine: every {@code 10 ×} resident-count requests (accesses
 *       are hits, admits and reloads misses) the window's share moves by a step in the direction that last
 *       raised the hit rate (between 0 and 80%, probing a larger window first); the step shrinks as the rate settles
 *       and restarts when it jumps.
 *       Recency-heavy workloads get a large window, frequency-heavy ones a small one.
 * </ul>
 *
 * <p><b>Cost:</b> O(1) amortised per event, O(1) per victim and per segment passed over. <b>Memory:</b> 20.5 bytes per
 * known segment (resident or spilled) in arrays indexed by segment id, and 16 bytes of sketch per resident segment;
 * no object per segment, no boxing. The policy reads no settings from the {@link SpillConfig}.
 *
 * <p><b>Rank.</b> {@value #PRIORITY}: above the other frequency policies, below {@code adaptive}
 * ({@link AdaptivePolicyProvider}), the default, which runs this policy with its window chosen by miniature
 * simulation instead of hill climbing. Choose {@code w-tinylfu} by name for the same design at a lower cost per
 * access; README's "Choosing a policy" gives the figures of both.
 *
 * <p>This provider is stateless and thread-safe. Like every {@link SpillPolicy}, the policies it creates are not
 * thread-safe and expect the core to call them from one thread at a time.
 */
public final class WindowTinyLfuPolicyProvider implements SpillPolicyProvider {
  /** The name this policy is selected by: {@value}. */
  public static final String NAME = "w-tinylfu";
  /** The rank of this policy among providers: {@value}, below {@code adaptive}'s. */
  public static final int PRIORITY = 0;

  /** Called by {@link java.util.ServiceLoader}. */
  public WindowTinyLfuPolicyProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return PRIORITY;
  }

  /**
   * A new, empty W-TinyLFU policy with an adaptive window.
   *
   * @throws NullPointerException if {@code config} is null
   */
  @Override
  public SpillPolicy create(SpillConfig config) {
    Objects.requireNonNull(config, "config");
    return new WindowTinyLfuPolicy(true);
  }
}
