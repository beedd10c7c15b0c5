package io.spillway.api;

/**
 * Hears of a manager's spills, reloads and failures, for metrics and logs. Register with
 * {@link SpillConfig.Builder#listener}.
 *
 * <p>Called on the thread that did the I/O, after the state change is visible; implementations must be
 * thread-safe and quick, and must not call back into the manager. An exception thrown by a listener is logged and
 * otherwise ignored.
 */
public interface SpillListener {

  /**
   * A segment was spilled: written ({@link SpillEvent.Kind#SPILL}), or, for a managed value whose stored copy from
   * its last reload was still current, evicted without a write ({@link SpillEvent.Kind#CLEAN_EVICTION}).
   */
  default void onSpill(SpillEvent event) {}

  /** A segment was reloaded and verified. */
  default void onReload(SpillEvent event) {}

  /** A spill or reload failed; the segment kept its previous state. */
  default void onFailure(SpillEvent event, Throwable cause) {}
}
