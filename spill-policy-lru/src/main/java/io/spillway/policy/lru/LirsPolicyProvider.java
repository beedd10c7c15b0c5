package io.spillway.policy.lru;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillPolicy;
import io.spillway.api.spi.SpillPolicyProvider;
import java.util.Objects;

/**
 * Provides the {@value #NAME} policy: Low Inter-reference Recency Set (Jiang and Zhang, "LIRS: An Efficient Low
 * Inter-reference Recency Set Replacement Policy", SIGMETRICS 2002), with sizes in bytes. It ranks a segment by the
 * distance between its last two uses rather than by its last use alone, so scans and loops larger than the budget
 * cannot flush the segments that are reused often.
 *
 * <p>Resident segments are <em>LIR</em> (low inter-reference recency: reused within a short distance, 99% of the
 * resident bytes) or <em>HIR</em> (the rest, in a FIFO queue). A stack ordered by recency holds every LIR segment and
 * the HIR segments, resident or spilled, used more recently than the oldest LIR one; its bottom is always LIR.
 * <ul>
 *   <li><b>Admit, reload:</b> if the segment is still in the stack (it was spilled, and is reused within the LIR
 *       segments' recency), or while LIR holds less than its share, it becomes LIR; otherwise it becomes a resident
 *       HIR segment at the end of the queue. Either way it goes to the top of the stack.
 *   <li><b>Access:</b> to the top of the stack. A HIR segment still in the stack becomes LIR; one that was not stays
 *       HIR and moves to the end of the queue.
 *   <li>Whenever LIR holds more than its share, the LIR segment at the bottom of the stack becomes HIR, at the end
 *       of the queue; the stack then drops HIR entries from its bottom down to the next LIR one.
 *   <li><b>Spill:</b> the segment leaves the queue or the LIR set but stays in the stack, as LIRS's non-resident
 *       HIR block. <b>Resize:</b> changes the bytes counted. <b>Remove:</b> forgets it.
 *   <li><b>Victims:</b> the HIR queue from its oldest end, then LIR segments from the bottom of the stack;
 *       segments the core does not allow to be spilled are passed over.
 * </ul>
 *
 * <p><b>Cost:</b> O(1) amortised per event, O(1) per victim and per segment passed over. <b>Memory:</b> a 48-byte node
 * per known segment and its slot in an array indexed by segment id; the stack's spilled entries are the spilled
 * segments' nodes. The policy reads no settings from the {@link SpillConfig}.
 *
 * <p>Ranks {@value #PRIORITY}, below the default {@code adaptive} policy, RedDB's {@code coldness} and the
 * {@code lru}/{@code lfu} policies, so it is used only when asked for by name:
 * {@code SpillConfig.builder().policy("lirs")}.
 *
 * <p>This provider is stateless and thread-safe. Like every {@link SpillPolicy}, the policies it creates are not
 * thread-safe and expect the core to call them from one thread at a time.
 */
public final class LirsPolicyProvider implements SpillPolicyProvider {
  /** The name this policy is selected by: {@value}. */
  public static final String NAME = "lirs";
  /** The rank of this policy among providers: {@value}, below the default {@code adaptive} policy. */
  public static final int PRIORITY = -20;

  /** Called by {@link java.util.ServiceLoader}. */
  public LirsPolicyProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return PRIORITY;
  }

  /**
   * A new, empty LIRS policy.
   *
   * @throws NullPointerException if {@code config} is null
   */
  @Override
  public SpillPolicy create(SpillConfig config) {
    Objects.requireNonNull(config, "config");
    return new LirsPolicy();
  }
}
