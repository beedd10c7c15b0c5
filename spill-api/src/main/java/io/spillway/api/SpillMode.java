package io.spillway.api;

/** How the manager spills values it owns when usage passes the threshold. */
public enum SpillMode {
  /**
   * A background spiller on the configured executor spills victims down to the target; callers are held back only
   * when usage would pass {@link SpillConfig#maxMemory()}, and then only until enough has been spilled. Recorded
   * accesses are also handed to the policy on that executor while a processor is free for it, so that a reading
   * thread does not do the policy's work.
   */
  BACKGROUND,
  /**
   * The thread that pushed usage over the threshold spills the victims itself before it returns, and reading threads
   * hand their recorded accesses to the policy themselves. Deterministic.
   */
  SYNCHRONOUS
}
