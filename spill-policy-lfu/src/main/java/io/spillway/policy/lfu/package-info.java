/**
 * Frequency-based spill policies: {@link io.spillway.policy.lfu.LfuPolicyProvider} ({@code "lfu"}) spills the
 * least frequently used resident segments first, with dynamic aging so that popularity from long ago fades.
 *
 * <p>Depends on {@code spill-api} only. Select the policy with {@code SpillConfig.builder().policy("lfu")}; it
 * ranks below the core's default {@code coldness} policy, so it is never picked without being named.
 */
@NullMarked
package io.spillway.policy.lfu;

import org.jspecify.annotations.NullMarked;
