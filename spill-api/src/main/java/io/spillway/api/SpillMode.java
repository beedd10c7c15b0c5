package io.spillway.api;

/** How the manager spills values it owns when usage passes the threshold. */
public enum SpillMode {
  /**
   * A background spiller on the configured executor spills victims down to the target; callers are held back only
   * when usage would pass {@link SpillConfig#maxMemory()}, and then only until enough has been spilled.
   */
  BACKGROUND,
  /** The thread that pushed usage over the threshold spills the victims itself before it returns. Deterministic. */
  SYNCHRONOUS
}
