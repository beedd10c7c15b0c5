/**
 * Frequency-based spill policies:
 * <ul>
 *   <li>{@link io.spillway.policy.lfu.LfuPolicyProvider} ({@code "lfu"}) spills the least frequently used resident
 *       segments first, with dynamic aging so that popularity from long ago fades;
 *   <li>{@link io.spillway.policy.lfu.WindowTinyLfuPolicyProvider} ({@code "w-tinylfu"}), Caffeine's design: a
 *       small recency window in front of a segmented LRU, admission by a frequency sketch, an adaptive window;
 *   <li>{@link io.spillway.policy.lfu.GdsfPolicyProvider} ({@code "gdsf"}), Greedy-Dual-Size-Frequency: frequency per
 *       byte with aging, so that small useful segments stay before large ones;
 *   <li>{@link io.spillway.policy.lfu.AdaptivePolicyProvider} ({@code "adaptive"}), the default: W-TinyLFU whose
 *       window is chosen by miniature simulations of seven windows on a sample of the segments, pricing each miss
 *       by the store's reload latency and bandwidth.
 * </ul>
 *
 * <p>Depends on {@code spill-api} only. Select a policy by name, for example
 * {@code SpillConfig.builder().policy("w-tinylfu")}. {@code adaptive} ranks highest of all bundled policies, so a
 * manager uses it when none is named; the others are picked only by name.
 */
@NullMarked
package io.spillway.policy.lfu;

import org.jspecify.annotations.NullMarked;
