package io.spillway.core.internal;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Spills the victims of one round on up to {@link io.spillway.api.SpillConfig#ioThreads()} threads at once: the
 * calling thread and helper tasks on the manager's executor each take the next victim until none is left
 * ({@link SharedLoop}). Internal, may change.
 *
 * <p>Why so: a spill waits mostly for the store (a write to the page cache, an upload), so spills of different
 * values overlap well, while the victims come from one policy call. The caller waits only for victims a helper has
 * already taken; a helper that starts after the last victim was taken does nothing, so a helper queued behind other
 * tasks never holds the round up, and a saturated or rejecting executor only makes the round sequential.
 *
 * <p>Thread-safe; each {@link #spill} call is a round of its own.
 */
final class SpillBatch {
  private final ManagedSpill managedSpill;
  private final SharedLoop loop;

  /** What a round achieved: the bytes freed, and whether a spill was abandoned because its value changed. */
  record Outcome(long freed, boolean abandoned) {}

  SpillBatch(ManagedSpill managedSpill, Executor executor, int threads) {
    this.managedSpill = managedSpill;
    this.loop = SharedLoop.on(executor, threads - 1, 2, 1);
  }

  /**
   * Spills {@code victims}, each at most once, and returns when every one was spilled, skipped or failed (a failed
   * spill leaves its value resident and is reported by {@link ManagedSpill}).
   *
   * @param parallel whether helpers may be used; false spills them one by one in the calling thread
   */
  Outcome spill(List<ManagedSegment<?>> victims, boolean parallel) {
    LongAdder freed = new LongAdder();
    AtomicBoolean abandoned = new AtomicBoolean();
    (parallel ? loop : SharedLoop.CALLER_ONLY).run(victims.size(), i -> {
      long result = managedSpill.spill(victims.get(i));
      if (result == ManagedSpill.ABANDONED) {
        abandoned.set(true);
      } else {
        freed.add(result);
      }
    });
    return new Outcome(freed.sum(), abandoned.get());
  }
}
