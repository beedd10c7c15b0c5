package io.spillway.core.internal;

import io.spillway.api.SpillBudgetExceededException;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns a manager's {@link MemoryBudget} and keeps it: chooses victims with the policy and spills managed values
 * until the usage is back at the target and every caller waiting for room fits. Internal, may change.
 *
 * <p><b>Budget.</b> {@code put}, a growing {@code set} and a managed reload add their bytes to the usage only if it
 * stays within {@link SpillConfig#maxMemory()} ({@link #reserve}); otherwise the caller waits, signalled whenever
 * bytes are freed, until it fits, the manager is closed ({@link IllegalStateException}) or
 * {@link SpillConfig#maxBlock()} has passed ({@link SpillBudgetExceededException}, nothing changed). Manual
 * registration and resizing are never held back: they keep RedDB's semantics and may pass the budget.
 *
 * <p><b>Spilling.</b> In {@link SpillMode#BACKGROUND} one spiller task at a time runs on the executor: it asks the
 * policy for victims among the managed segments that are resident, unpinned, of at least
 * {@link SpillConfig#managedMinSpillSize()} bytes and past any barrier, and spills them, on up to
 * {@link SpillConfig#ioThreads()} threads at once ({@link SpillBatch}), until the usage is at the managed target
 * (once it passed the managed threshold: {@link SpillConfig#managedSpillThreshold()}) and every waiting caller fits;
 * a request arriving while it runs makes it run again. In {@link SpillMode#SYNCHRONOUS} the caller runs the same
 * loop itself. A caller that must not wait for the executor (a task running on it) spills for itself
 * ({@code help}), so a saturated executor cannot starve the spiller it would wait for.
 *
 * <p><b>Victims.</b> The policy's answer is re-checked, for the manual API's {@link #needsSpill} as for the spiller:
 * names no longer eligible or repeated are dropped and the list ends once the bytes to free are reached, so the
 * manager's contract holds whatever a plugin returns.
 *
 * <p>Thread-safe. Callers hold no segment lock.
 */
final class Spiller implements MemoryBudget.Owner {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultSpillManager.class);

  private final SpillConfig config;
  private final long thresholdBytes;
  private final long targetBytes;
  private final long managedThresholdBytes;
  private final long managedTargetBytes;
  private final SpillBatch batch;
  private final boolean synchronous;
  private final Lifecycle lifecycle;
  private final MemoryBudget budget;
  private final SpillCounters counters;
  private final PolicyDriver policy;
  private final SegmentRegistry registry;
  private final Executor executor;
  private final Predicate<Segment> manualVictim = this::isManualVictim;
  private final Predicate<Segment> managedVictim = this::isManagedVictim;
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final AtomicLong requests = new AtomicLong();
  private final Runnable task = this::runTask;

  /** @param ioThreads how many managed spills may run at once, as {@link DefaultSpillManager#ioThreads} resolved */
  Spiller(SpillConfig config, int ioThreads, Lifecycle lifecycle, MemoryBudget budget, SpillCounters counters,
      PolicyDriver policy, SegmentRegistry registry, ManagedSpill managedSpill, Executor executor) {
    this.config = config;
    this.thresholdBytes = (long) (config.maxMemory() * config.spillThreshold());
    this.targetBytes = (long) (config.maxMemory() * config.targetAfterSpill());
    this.managedThresholdBytes = (long) (config.maxMemory() * config.managedSpillThreshold());
    this.managedTargetBytes = (long) (config.maxMemory() * config.managedTargetAfterSpill());
    this.batch = new SpillBatch(managedSpill, executor, ioThreads);
    this.synchronous = config.spillMode() == SpillMode.SYNCHRONOUS;
    this.lifecycle = lifecycle;
    this.budget = budget;
    this.counters = counters;
    this.policy = policy;
    this.registry = registry;
    this.executor = executor;
  }

  /**
   * Adds {@code bytes} to the usage once they fit under the budget, waiting (and, with {@code help} or in
   * synchronous mode, spilling) meanwhile.
   *
   * @throws SpillBudgetExceededException after {@link SpillConfig#maxBlock()}, nothing added
   * @throws IllegalStateException if the manager is closed meanwhile
   */
  void reserve(String name, long bytes, boolean help) {
    budget.reserve(name, bytes, help || synchronous, this);
  }

  /** Gives back reserved bytes and wakes the waiters. */
  void release(long bytes) {
    budget.release(bytes);
  }

  /** Wakes the callers waiting for room, if any. */
  void signalRoom() {
    budget.signalRoom();
  }

  /** The manual API's victims: once usage passes the threshold, those that bring it down to the target. */
  List<String> needsSpill() {
    long usage = budget.usage();
    if (usage < thresholdBytes) {
      return List.of();
    }
    return names(chooseVictims(usage - targetBytes, manualVictim));
  }

  /** The manual API's victims that free at least {@code bytesToFree}. */
  List<String> needsSpill(long bytesToFree) {
    return bytesToFree <= 0 ? List.of() : names(chooseVictims(bytesToFree, manualVictim));
  }

  /** Starts spilling managed values if needed: in the caller's thread in synchronous mode, else in the background. */
  void maybeSpill() {
    if (lifecycle.isClosed() || counters.managedSegments() == 0 || bytesToFree() <= 0) {
      return;
    }
    if (synchronous) {
      spillDown();
    } else {
      requestSpill();
    }
  }

  /**
   * Starts spilling managed values again after a change that may let refused spills succeed (a raised store quota).
   * Unlike {@link #maybeSpill()} it does not discount the bytes being spilled: those spills may be failing under the
   * old limit, and a spiller that already read its request count would otherwise end without looking again. In
   * synchronous mode it does nothing; the callers waiting for room spill for themselves once woken.
   */
  void retry() {
    if (!synchronous && !lifecycle.isClosed() && counters.managedSegments() > 0) {
      requestSpill();
    }
  }

  @Override
  public void ensureOpen() {
    lifecycle.ensureOpen();
  }

  @Override
  public void makeRoom(boolean help) {
    if (help) {
      spillDown();
    } else {
      requestSpill();
    }
  }

  @Override
  public SpillBudgetExceededException exceeded(String name, long bytes, long waitedNanos) {
    return new SpillBudgetExceededException(name, bytes, budget.usage(), counters.pinnedBytes(), config.maxMemory(),
        Duration.ofNanos(waitedNanos), whyNoRoom());
  }

  /**
   * What holds the memory that could not be freed, for {@link SpillBudgetExceededException}: one pass over the
   * segments, made only when a caller gives up.
   */
  private String whyNoRoom() {
    long minSize = config.managedMinSpillSize();
    long tooSmall = 0;
    long manual = 0;
    for (Segment seg : registry.all()) {
      ManagedSegment<?> managed = seg.managed();
      if (managed == null) {
        manual += seg.location == null && !seg.isRemoved() ? seg.size() : 0;
      } else if (managed.size() < minSize && managed.state == ManagedSegment.M_RESIDENT && !managed.isRemoved()) {
        tooSmall += managed.size();
      }
    }
    StringBuilder why = new StringBuilder();
    why.append(counters.bytesInFlight()).append(" being spilled or reloaded, ")
        .append(tooSmall).append(" in managed values under minSpillSize (").append(minSize).append(" bytes), ")
        .append(manual).append(" in manual segments (registerSegment: the manager never spills them itself)");
    String failure = counters.lastManagedSpillFailure();
    if (failure != null) {
      why.append(", ").append(counters.spillFailures()).append(" failed spills so far (the latest: ").append(failure)
          .append(')');
    }
    return why.toString();
  }

  /**
   * Managed bytes to spill now: down to the managed target once past the managed threshold, and enough for every
   * waiting caller.
   */
  private long bytesToFree() {
    long usage = budget.usage() - counters.spillingBytes();
    long forTarget = usage >= managedThresholdBytes ? usage - managedTargetBytes : 0;
    long forWaiters = usage + budget.waitingBytes() - config.maxMemory();
    return Math.max(forTarget, forWaiters);
  }

  private void requestSpill() {
    requests.incrementAndGet();
    if (lifecycle.isClosed() || !scheduled.compareAndSet(false, true)) {
      return; // a running spiller sees the new request count and runs again
    }
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      scheduled.set(false);
      if (!lifecycle.isClosed()) {
        LOG.warn("The spill executor rejected the spiller; spilling in the calling thread: {}", e.toString());
        task.run();
      }
    }
  }

  private void runTask() {
    while (true) {
      long seen = requests.get();
      try {
        spillDown();
      } catch (RuntimeException e) {
        if (!lifecycle.isClosed()) {
          LOG.warn("Background spill failed: {}", e.toString(), e);
        }
      } finally {
        scheduled.set(false);
      }
      if (lifecycle.isClosed() || requests.get() == seen || !scheduled.compareAndSet(false, true)) {
        return;
      }
    }
  }

  /** Spills managed victims while {@link #bytesToFree()} is positive and some can be spilled. */
  private void spillDown() {
    while (!lifecycle.isClosed()) {
      long toFree = bytesToFree();
      if (toFree <= 0) {
        return;
      }
      List<ManagedSegment<?>> victims = new ArrayList<>();
      for (Segment seg : chooseVictims(toFree, managedVictim)) {
        ManagedSegment<?> managed = seg.managed();
        if (managed != null) {
          victims.add(managed);
        }
      }
      SpillBatch.Outcome outcome = batch.spill(victims, !synchronous);
      // A spill abandoned because its value was replaced, pinned or closed meanwhile freed nothing, but the usage
      // may still be over: choose again. A failed spill (store or codec error) is not retried until asked again.
      if (outcome.freed() == 0 && !outcome.abandoned()) {
        return;
      }
    }
  }

  /** Asks the policy for victims among {@code allowed}, then re-checks its answer. */
  private List<Segment> chooseVictims(long toFree, Predicate<Segment> allowed) {
    if (toFree <= 0) {
      return List.of();
    }
    List<Segment> chosen = policy.selectVictims(toFree, allowed);
    if (chosen == null) {
      throw Lifecycle.closedError();
    }
    // A segment may have been spilled or removed before the policy heard of it, a faulty policy may repeat an id or
    // go on past the bytes to free.
    Set<Segment> victims = new LinkedHashSet<>();
    long freed = 0;
    for (Segment seg : chosen) {
      if (freed >= toFree) {
        break;
      }
      if (!allowed.test(seg)) {
        continue;
      }
      if (!victims.add(seg)) {
        LOG.warn("Policy {} named segment '{}' twice as a victim; ignoring the repeat", policy.policyClassName(),
            seg.name);
        continue;
      }
      long size = seg.size();
      freed = size > Long.MAX_VALUE - freed ? Long.MAX_VALUE : freed + size;
    }
    return List.copyOf(victims);
  }

  /** The victims' names, in order, in an unmodifiable list. */
  private static List<String> names(List<Segment> victims) {
    return victims.stream().map(seg -> seg.name).toList();
  }

  private boolean isManualVictim(Segment seg) {
    return seg.isManualVictim(config.minSpillSize());
  }

  private boolean isManagedVictim(Segment seg) {
    return seg.isManagedVictim(config.managedMinSpillSize()) && registry.barrierPassed(seg);
  }
}
