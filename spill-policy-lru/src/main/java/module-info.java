/**
 * Recency-based spill policies: {@code lru}, {@code lirs}, {@code arc} and {@code sieve}. Depends on the API only.
 */
module io.spillway.policy.lru {
  requires transitive io.spillway.api;

  exports io.spillway.policy.lru;

  provides io.spillway.api.spi.SpillPolicyProvider with
      io.spillway.policy.lru.LruPolicyProvider,
      io.spillway.policy.lru.LirsPolicyProvider,
      io.spillway.policy.lru.SievePolicyProvider,
      io.spillway.policy.lru.ArcPolicyProvider;
}
