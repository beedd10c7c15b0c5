package io.spillway.policy.lru;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillPolicy;
import io.spillway.api.spi.SpillPolicyProvider;
import java.util.Objects;

/**
 * Provides the {@value #NAME} policy (Zhang, Yang, Yue, Vigfusson and Rashmi, "SIEVE is Simpler than LRU", NSDI
 * 2024): a FIFO queue with one "visited" bit per segment and a moving hand, which keeps popular segments without
 * moving them on every use and lets one-time segments leave quickly.
 *
 * <ul>
 *   <li><b>Admit, reload:</b> the segment joins the newest end of the queue, unvisited.
 *   <li><b>Access:</b> sets its visited bit; nothing moves.
 *   <li><b>Resize:</b> changes the bytes counted. <b>Spill, remove:</b> the segment leaves the queue (the hand, if
 *       on it, moves to the next one).
 *   <li><b>Victims:</b> the hand moves from where the last selection left it towards the newest end, wrapping to
 *       the oldest: a visited segment is spared and its bit cleared, an unvisited one is chosen. Segments the core
 *       does not allow to be spilled are passed over and keep their bit. Choosing clears bits, so asking twice
 *       without spilling can give a different answer.
 * </ul>
 *
 * <p><b>Cost:</b> O(1) per event; a selection is O(1) per victim and per segment passed over, at most two turns.
 * <b>Memory:</b> a 40-byte node per known segment and its slot in an array indexed by segment id. The policy reads no
 * settings from the {@link SpillConfig}.
 *
 * <p>Ranks {@value #PRIORITY}, below the default {@code adaptive} policy, RedDB's {@code coldness} and the
 * {@code lru}/{@code lfu} policies, so it is used only when asked for by name:
 * {@code SpillConfig.builder().policy("sieve")}.
 *
 * <p>This provider is stateless and thread-safe. Like every {@link SpillPolicy}, the policies it creates are not
 * thread-safe and expect the core to call them from one thread at a time.
 */
public final class SievePolicyProvider implements SpillPolicyProvider {
  /** The name this policy is selected by: {@value}. */
  public static final String NAME = "sieve";
  /** The rank of this policy among providers: {@value}, below the default {@code adaptive} policy. */
  public static final int PRIORITY = -20;

  /** Called by {@link java.util.ServiceLoader}. */
  public SievePolicyProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return PRIORITY;
  }

  /**
   * A new, empty SIEVE policy.
   *
   * @throws NullPointerException if {@code config} is null
   */
  @Override
  public SpillPolicy create(SpillConfig config) {
    Objects.requireNonNull(config, "config");
    return new SievePolicy();
  }
}
