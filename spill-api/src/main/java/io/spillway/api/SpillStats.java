package io.spillway.api;

/**
 * A consistent snapshot of a manager's counters, taken by {@link SpillManager#stats()}.
 *
 * @param memoryUsage bytes of the resident segments, by their registered sizes
 * @param maxMemory the configured budget in bytes
 * @param segmentCount registered segments, resident and spilled
 * @param spilledCount registered segments that are currently spilled
 * @param bytesSpilled payload bytes written to the store, over the manager's life
 * @param bytesReloaded payload bytes read back and verified, over the manager's life
 * @param spillOperations completed spills, each a write to the store
 * @param reloadOperations completed reloads
 * @param cleanEvictions managed values whose memory was freed without a write, because the store still held the
 *     copy they had been reloaded from and they were not set since (not counted in {@code spillOperations})
 * @param spillFailures spills that failed (store error); the segment stayed resident
 * @param reloadFailures reloads that failed (store error or corrupt frame); the segment stayed spilled
 * @param deleteFailures stored copies that could not be deleted (on unregister, re-registration, reload, cleanup or
 *     an abandoned spill); each was logged, and is removed with the store's session at the latest
 * @param recoveryFailures stored values of a {@linkplain SpillConfig#persistentSession() persistent session} that
 *     the manager could not recover when it took the session over (unreadable, or a frame header that failed
 *     verification): each was logged at WARN and is not registered, and its stored bytes are kept (deleted only
 *     with the session, by {@link SpillManager#discard()}); 0 for an ephemeral session
 * @param storeUsage bytes the store holds for this manager (frames, headers included), or -1 if the store cannot
 *     tell
 * @param bytesInFlight registered bytes of segments being spilled or reloaded right now
 * @param pinnedBytes registered bytes of pinned segments
 * @param droppedAccesses accesses neither counted nor told to the policy because the access buffer was full or
 *     contended while another thread held the policy lock; always 0 for a manager used by one thread at a time
 * @param undeliveredAccesses accesses counted for their segments but not told to the policy: in the background spill
 *     mode, while readers record faster than the policy takes accesses in, it hears a sample (the share it keeps up
 *     with) rather than slowing the readers down
 * @param spillLatency latencies of completed spills
 * @param reloadLatency latencies of completed reloads
 * @param budgetWaits how long callers waited for room in the budget ({@link SpillManager#put},
 *     {@link SegmentHandle#get()}, {@link SegmentHandle#set}, {@link SegmentHandle#pin()}): one measure per caller
 *     that found no room at once and blocked, whether it then got the room, gave up
 *     ({@code budgetExceeded}) or was woken by {@link SpillManager#close()}; callers that found room at once are not
 *     counted
 * @param budgetExceeded callers that gave up waiting for room with {@link SpillBudgetExceededException}: after
 *     {@link SpillConfig#maxBlock()}, or at once for a value larger than the whole budget
 * @param corruptFrames stored frames found corrupt ({@link CorruptSegmentException}): reloads, manual or managed,
 *     whose frame failed verification (also counted in {@code reloadFailures}), and values of a persistent session
 *     whose frame header failed verification when the manager took the session over (also counted in
 *     {@code recoveryFailures})
 */
public record SpillStats(
    long memoryUsage,
    long maxMemory,
    int segmentCount,
    int spilledCount,
    long bytesSpilled,
    long bytesReloaded,
    long spillOperations,
    long reloadOperations,
    long cleanEvictions,
    long spillFailures,
    long reloadFailures,
    long deleteFailures,
    long recoveryFailures,
    long storeUsage,
    long bytesInFlight,
    long pinnedBytes,
    long droppedAccesses,
    long undeliveredAccesses,
    LatencySummary spillLatency,
    LatencySummary reloadLatency,
    LatencySummary budgetWaits,
    long budgetExceeded,
    long corruptFrames) {

  /** {@code memoryUsage / maxMemory}, or 0 when the budget is 0. */
  public double utilization() {
    return maxMemory == 0 ? 0.0 : (double) memoryUsage / maxMemory;
  }

  /** Whether utilization has reached {@code threshold} (RedDB's {@code at_threshold}). */
  public boolean atThreshold(double threshold) {
    return utilization() >= threshold;
  }

  /**
   * A one-line summary with units, for logs and consoles, such as {@code SpillStats{memory 40.0 MiB of 512 MiB
   * (7.8%), segments 12 (3 spilled), spills 3 (120 MiB, 0 failed), reloads 1 (40.0 MiB, 0 failed), store 120 MiB,
   * spill latency {count 3, mean 32.4 ms, p50 31.9 ms, ...}, reload latency {...}}}. Counters that are zero in a
   * healthy run and say nothing then (clean evictions, pinned and in-flight bytes, corrupt frames, delete and recovery
   * failures, dropped and undelivered accesses, budget waits and callers that gave up) are shown only when they are
   * not zero. Byte counts are in binary units; the exact values
   * are the record's components. The format may change between versions: parse the components, not this text.
   */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("SpillStats{memory ").append(Units.bytes(memoryUsage)).append(" of ")
        .append(Units.bytes(maxMemory)).append(" (").append(Units.percent(utilization())).append("), segments ")
        .append(segmentCount).append(" (").append(spilledCount).append(" spilled");
    nonZeroBytes(text, ", ", pinnedBytes, " pinned");
    nonZeroBytes(text, ", ", bytesInFlight, " in flight");
    text.append("), spills ").append(spillOperations).append(" (").append(Units.bytes(bytesSpilled));
    nonZero(text, ", ", cleanEvictions, " clean evictions");
    text.append(", ").append(spillFailures).append(" failed), reloads ").append(reloadOperations).append(" (")
        .append(Units.bytes(bytesReloaded)).append(", ").append(reloadFailures).append(" failed");
    nonZero(text, ", ", corruptFrames, " corrupt frames");
    text.append("), store ").append(Units.bytes(storeUsage));
    nonZero(text, ", ", deleteFailures, " delete failures");
    nonZero(text, ", ", recoveryFailures, " recovery failures");
    nonZero(text, ", ", droppedAccesses, " dropped accesses");
    nonZero(text, ", ", undeliveredAccesses, " undelivered accesses");
    text.append(", spill latency ").append(spillLatency).append(", reload latency ").append(reloadLatency);
    if (budgetWaits.count() != 0 || budgetExceeded != 0) {
      text.append(", budget waits ").append(budgetWaits);
      nonZero(text, ", ", budgetExceeded, " gave up");
    }
    return text.append('}').toString();
  }

  private static void nonZero(StringBuilder text, String separator, long value, String label) {
    if (value != 0) {
      text.append(separator).append(value).append(label);
    }
  }

  private static void nonZeroBytes(StringBuilder text, String separator, long bytes, String label) {
    if (bytes != 0) {
      text.append(separator).append(Units.bytes(bytes)).append(label);
    }
  }
}
