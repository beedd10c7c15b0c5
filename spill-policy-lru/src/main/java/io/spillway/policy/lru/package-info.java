/**
 * Recency-based spill policies: {@link io.spillway.policy.lru.LruPolicyProvider} ({@code "lru"}) spills the
 * least recently used resident segments first.
 *
 * <p>Depends on {@code spill-api} only. Select the policy with {@code SpillConfig.builder().policy("lru")}; it
 * ranks below the core's default {@code coldness} policy, so it is never picked without being named.
 */
@NullMarked
package io.spillway.policy.lru;

import org.jspecify.annotations.NullMarked;
