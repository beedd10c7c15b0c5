/**
 * Frequency-based spill policies: {@code lfu}, {@code w-tinylfu}, {@code gdsf} and {@code adaptive}. Depends on the
 * API only.
 */
module io.spillway.policy.lfu {
  requires transitive io.spillway.api;

  exports io.spillway.policy.lfu;

  provides io.spillway.api.spi.SpillPolicyProvider with
      io.spillway.policy.lfu.LfuPolicyProvider,
      io.spillway.policy.lfu.WindowTinyLfuPolicyProvider,
      io.spillway.policy.lfu.GdsfPolicyProvider,
      io.spillway.policy.lfu.AdaptivePolicyProvider;
}
