package io.spillway.core.internal;

import io.spillway.api.SpillStats;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Every counter and latency histogram of a manager, and the {@link SpillStats} snapshot made from them, as
 * Caffeine's {@code StatsCounter} is for a cache. Internal, may change.
 *
 * <p>Each counter is updated by whoever does the work it counts, under whatever lock that work holds; none needs a
 * lock of its own. A snapshot reads them one by one, so it is exact at quiescent points and close to it otherwise.
 * Thread-safe.
 */
final class SpillCounters {
  private final AtomicInteger spilledSegments = new AtomicInteger();
  private final AtomicInteger managedSegments = new AtomicInteger();
  private final AtomicLong bytesSpilled = new AtomicLong();
  private final AtomicLong bytesReloaded = new AtomicLong();
  private final AtomicLong spillOperations = new AtomicLong();
  private final AtomicLong cleanEvictions = new AtomicLong();
  private final AtomicInteger cleanCopies = new AtomicInteger();
  private final AtomicLong reloadOperations = new AtomicLong();
  private final AtomicLong spillFailures = new AtomicLong();
  private final AtomicLong reloadFailures = new AtomicLong();
  private final AtomicLong deleteFailures = new AtomicLong();
  private final AtomicLong recoveryFailures = new AtomicLong();
  private volatile @Nullable String lastManagedSpillFailure;
  private final AtomicLong spillingBytes = new AtomicLong();
  private final AtomicLong reloadingBytes = new AtomicLong();
  private final AtomicLong pinnedBytes = new AtomicLong();
  private final LatencyHistogram spillLatency = new LatencyHistogram();
  private final LatencyHistogram reloadLatency = new LatencyHistogram();
  private final LatencyHistogram budgetWaits = new LatencyHistogram();
  private final AtomicLong budgetExceeded = new AtomicLong();
  private final AtomicLong corruptFrames = new AtomicLong();

  /** A spill of {@code payloadBytes} committed after {@code nanos}; the segment is spilled now. */
  void spilled(long payloadBytes, long nanos) {
    spilledSegments.incrementAndGet();
    bytesSpilled.addAndGet(payloadBytes);
    spillOperations.incrementAndGet();
    spillLatency.record(nanos);
  }

  /** A verified reload of {@code payloadBytes} committed after {@code nanos}; the segment is resident again. */
  void reloaded(long payloadBytes, long nanos) {
    spilledSegments.decrementAndGet();
    bytesReloaded.addAndGet(payloadBytes);
    reloadOperations.incrementAndGet();
    reloadLatency.record(nanos);
  }

  /** A clean value's memory was freed without a write: the segment is spilled now. */
  void evictedClean() {
    spilledSegments.incrementAndGet();
    cleanEvictions.incrementAndGet();
  }

  /** A clean copy was kept after a reload ({@code +1}), or used by an eviction or deleted ({@code -1}). */
  void cleanCopies(int delta) {
    cleanCopies.addAndGet(delta);
  }

  /** Resident values whose store copy is kept (clean copies). */
  int cleanCopies() {
    return cleanCopies.get();
  }

  /** A spilled segment stopped being spilled without a reload: removed, replaced or forgotten. */
  void unspilled() {
    spilledSegments.decrementAndGet();
  }

  void spillFailed() {
    spillFailures.incrementAndGet();
  }

  /** A managed spill failed with {@code cause}, which {@link #lastManagedSpillFailure()} keeps. */
  void managedSpillFailed(Throwable cause) {
    spillFailures.incrementAndGet();
    lastManagedSpillFailure = cause.toString();
  }

  long spillFailures() {
    return spillFailures.get();
  }

  /** The latest managed spill failure, described, or null if none failed. */
  @Nullable String lastManagedSpillFailure() {
    return lastManagedSpillFailure;
  }

  /** A segment recovered spilled from a persistent session: spilled now, though this manager wrote nothing. */
  void recovered() {
    spilledSegments.incrementAndGet();
  }

  /** A stored value of a persistent session that could not be recovered. */
  void recoveryFailed() {
    recoveryFailures.incrementAndGet();
  }

  void reloadFailed() {
    reloadFailures.incrementAndGet();
  }

  /** A caller found no room in the budget at once and waited {@code nanos} (for room, in vain, or until closed). */
  void waitedForRoom(long nanos) {
    budgetWaits.record(nanos);
  }

  /** A caller gave up on room in the budget ({@link io.spillway.api.SpillBudgetExceededException}). */
  void budgetExceeded() {
    budgetExceeded.incrementAndGet();
  }

  /** A stored frame failed verification ({@link io.spillway.api.CorruptSegmentException}). */
  void corruptFrame() {
    corruptFrames.incrementAndGet();
  }

  void deleteFailed() {
    deleteFailures.incrementAndGet();
  }

  /** A managed segment was admitted ({@code +1}) or retired ({@code -1}). */
  void managedSegments(int delta) {
    managedSegments.addAndGet(delta);
  }

  /** Registered bytes of managed segments whose spill started ({@code +}) or ended ({@code -}). */
  void spilling(long delta) {
    spillingBytes.addAndGet(delta);
  }

  /** Registered bytes of managed segments whose reload started ({@code +}) or ended ({@code -}). */
  void reloading(long delta) {
    reloadingBytes.addAndGet(delta);
  }

  /** Registered bytes of segments pinned ({@code +}) or unpinned ({@code -}). */
  void pinned(long delta) {
    pinnedBytes.addAndGet(delta);
  }

  int managedSegments() {
    return managedSegments.get();
  }

  long spillingBytes() {
    return spillingBytes.get();
  }

  long pinnedBytes() {
    return pinnedBytes.get();
  }

  /** Registered bytes of segments being spilled or reloaded right now. */
  long bytesInFlight() {
    return spillingBytes.get() + reloadingBytes.get();
  }

  /** The snapshot, with the figures the counters do not keep given by the manager. */
  SpillStats snapshot(long memoryUsage, long maxMemory, int segmentCount, long storeUsage, long droppedAccesses,
      long undeliveredAccesses) {
    return new SpillStats(memoryUsage, maxMemory, segmentCount, spilledSegments.get(), bytesSpilled.get(),
        bytesReloaded.get(), spillOperations.get(), reloadOperations.get(), cleanEvictions.get(), spillFailures.get(),
        reloadFailures.get(), deleteFailures.get(), recoveryFailures.get(), storeUsage,
        spillingBytes.get() + reloadingBytes.get(), pinnedBytes.get(), droppedAccesses, undeliveredAccesses,
        spillLatency.summary(), reloadLatency.summary(), budgetWaits.summary(), budgetExceeded.get(),
        corruptFrames.get());
  }
}
