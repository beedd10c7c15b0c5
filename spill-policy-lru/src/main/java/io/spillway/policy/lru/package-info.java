/**
 * Recency-based spill policies:
 * <ul>
 *   <li>{@link io.spillway.policy.lru.LruPolicyProvider} ({@code "lru"}) spills the least recently used resident
 *       segments first;
 *   <li>{@link io.spillway.policy.lru.LirsPolicyProvider} ({@code "lirs"}) ranks by reuse distance, so loops and
 *       scans larger than the budget do not flush the segments reused often;
 *   <li>{@link io.spillway.policy.lru.ArcPolicyProvider} ({@code "arc"}) balances recency against frequency with
 *       ghost lists of recently spilled segments and an adaptive target;
 *   <li>{@link io.spillway.policy.lru.SievePolicyProvider} ({@code "sieve"}) is a FIFO queue with visited bits and
 *       a moving hand: cheap on every use, quick to drop one-time segments.
 * </ul>
 *
 * <p>Depends on {@code spill-api} only. Select a policy by name, for example
 * {@code SpillConfig.builder().policy("lirs")}; all rank below the core's default {@code coldness} policy, so none
 * is picked without being named.
 */
@NullMarked
package io.spillway.policy.lru;

import org.jspecify.annotations.NullMarked;
