package io.spillway.core.internal;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Spills the victims of one round on up to {@link io.spillway.api.SpillConfig#ioThreads()} threads at once: the
 * calling thread and helper tasks on the manager's executor each take the next victim until none is left. Internal,
 * may change.
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
  private final Executor executor;
  private final int threads;

  /** What a round achieved: the bytes freed, and whether a spill was abandoned because its value changed. */
  record Outcome(long freed, boolean abandoned) {}

  SpillBatch(ManagedSpill managedSpill, Executor executor, int threads) {
    this.managedSpill = managedSpill;
    this.executor = executor;
    this.threads = threads;
  }

  /**
   * Spills {@code victims}, each at most once, and returns when every one was spilled, skipped or failed (a failed
   * spill leaves its value resident and is reported by {@link ManagedSpill}).
   *
   * @param parallel whether helpers may be used; false spills them one by one in the calling thread
   */
  Outcome spill(List<ManagedSegment<?>> victims, boolean parallel) {
    Round round = new Round(victims);
    int helpers = parallel ? Math.min(threads, victims.size()) - 1 : 0;
    for (int i = 0; i < helpers; i++) {
      try {
        executor.execute(round::work);
      } catch (RejectedExecutionException e) {
        break; // the calling thread takes the rest
      }
    }
    round.work();
    round.awaitTaken();
    round.rethrow();
    return new Outcome(round.freed.sum(), round.abandoned);
  }

  private final class Round {
    private final List<ManagedSegment<?>> victims;
    private final AtomicInteger next = new AtomicInteger();
    /** Victims not yet done, taken or not. */
    private final AtomicInteger unfinished;
    private final LongAdder freed = new LongAdder();
    private volatile boolean abandoned;
    private volatile @Nullable Throwable error;

    Round(List<ManagedSegment<?>> victims) {
      this.victims = victims;
      this.unfinished = new AtomicInteger(victims.size());
    }

    void work() {
      for (int i = next.getAndIncrement(); i < victims.size(); i = next.getAndIncrement()) {
        try {
          long result = managedSpill.spill(victims.get(i));
          if (result == ManagedSpill.ABANDONED) {
            abandoned = true;
          } else {
            freed.add(result);
          }
        } catch (RuntimeException | Error e) {
          if (error == null) {
            error = e;
          }
        } finally {
          if (unfinished.decrementAndGet() == 0) {
            synchronized (this) {
              notifyAll();
            }
          }
        }
      }
    }

    /** Waits, uninterruptibly, for the victims helpers took; every victim was taken when this is called. */
    void awaitTaken() {
      boolean interrupted = false;
      synchronized (this) {
        while (unfinished.get() > 0) {
          try {
            wait();
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }

    void rethrow() {
      Throwable e = error;
      if (e instanceof Error) {
        throw (Error) e;
      }
      if (e != null) {
        throw (RuntimeException) e;
      }
    }
  }
}
