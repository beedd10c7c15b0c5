package io.spillway.core.internal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A loop over the indices {@code 0 .. count - 1} whose bodies are independent, shared by the calling thread and
 * helper tasks on an executor: each thread takes the next index until none is left. Used for the victims of one
 * spill round ({@link SpillBatch}) and for the AES-GCM chunks of one frame. Internal, may change.
 *
 * <p>The caller waits only for the indices a helper has already taken, never for one nobody has: a helper that
 * starts after the last index was taken does nothing, so a helper queued behind other tasks never holds the loop up,
 * and a busy, saturated or rejecting executor only makes the loop sequential. Every index runs exactly once, a
 * failing one included; the first failure is thrown once all have ended.
 *
 * <p>Thread-safe; each {@link #run} is independent.
 */
public final class SharedLoop {
  /** A loop that runs every index on the calling thread. */
  public static final SharedLoop CALLER_ONLY = new SharedLoop(Runnable::run, 0, Integer.MAX_VALUE, 1);

  /** One index's work; {@code worker} is the same object for every index a thread runs, for buffers of its own. */
  @FunctionalInterface
  public interface Body<W, X extends Exception> {
    void run(W worker, int index) throws X;
  }

  /** One index's work, for a loop that needs no worker. */
  @FunctionalInterface
  public interface IndexBody<X extends Exception> {
    void run(int index) throws X;
  }

  private final Executor helpers;
  private final int maxHelpers;
  private final int minParallel;
  private final int perHelper;

  private SharedLoop(Executor helpers, int maxHelpers, int minParallel, int perHelper) {
    this.helpers = helpers;
    this.maxHelpers = maxHelpers;
    this.minParallel = minParallel;
    this.perHelper = perHelper;
  }

  /**
   * Helpers from {@code helpers}, at most {@code maxHelpers} per loop and one per {@code perHelper} indices, and
   * none for loops of fewer than {@code minParallel} indices (where a helper's hand-off would cost more than it
   * saves).
   *
   * @throws IllegalArgumentException if {@code maxHelpers} is negative or the others are not positive
   */
  public static SharedLoop on(Executor helpers, int maxHelpers, int minParallel, int perHelper) {
    if (maxHelpers < 0 || minParallel < 1 || perHelper < 1) {
      throw new IllegalArgumentException("maxHelpers " + maxHelpers + ", minParallel " + minParallel
          + ", perHelper " + perHelper);
    }
    return new SharedLoop(helpers, maxHelpers, minParallel, perHelper);
  }

  /** As {@link #on}, with helpers from the common pool: as many as the machine has processors besides the caller's. */
  public static SharedLoop onCommonPool(int minParallel, int perHelper) {
    return on(ForkJoinPool.commonPool(),
        Math.max(0, Math.min(ForkJoinPool.getCommonPoolParallelism(), Runtime.getRuntime().availableProcessors() - 1)),
        minParallel, perHelper);
  }

  /**
   * Runs {@code body} for every index from 0 to {@code count - 1}, each exactly once, and returns when all have
   * ended. Each thread taking part makes one worker with {@code newWorker} before its first index.
   *
   * @throws X the first exception an index threw (every other index still ran); an unchecked exception or an
   *     {@link Error} is thrown as it is
   */
  public <W, X extends Exception> void run(int count, Supplier<W> newWorker, Body<W, X> body) throws X {
    Round<W> round = new Round<>(count, newWorker, body);
    int helperCount = count < minParallel ? 0 : Math.min(maxHelpers, count / perHelper);
    for (int h = 0; h < helperCount; h++) {
      try {
        helpers.execute(round::work);
      } catch (RejectedExecutionException e) {
        break; // the calling thread takes the rest
      }
    }
    round.work();
    round.awaitAll();
    round.<X>rethrow();
  }

  /**
   * As {@link #run(int, Supplier, Body)}, with no worker.
   *
   * @throws X as {@link #run(int, Supplier, Body)}
   */
  public <X extends Exception> void run(int count, IndexBody<X> body) throws X {
    run(count, () -> body, IndexBody::run);
  }

  private static final class Round<W> {
    private final int count;
    private final Supplier<W> newWorker;
    private final Body<W, ?> body;
    private final AtomicInteger next = new AtomicInteger();
    private final CountDownLatch done;
    private volatile @Nullable Throwable failure;

    Round(int count, Supplier<W> newWorker, Body<W, ?> body) {
      this.count = count;
      this.newWorker = newWorker;
      this.body = body;
      this.done = new CountDownLatch(count);
    }

    /** Takes indices until none is left; a failure is kept, and the thread goes on with the next index. */
    void work() {
      int i = next.getAndIncrement();
      if (i >= count) {
        return; // started after the last index was taken
      }
      W worker = null;
      try {
        worker = newWorker.get();
      } catch (Throwable t) {
        fail(t);
      }
      for (; i < count; i = next.getAndIncrement()) {
        try {
          if (worker != null) {
            body.run(worker, i);
          }
        } catch (Throwable t) {
          fail(t);
        } finally {
          done.countDown();
        }
      }
    }

    private synchronized void fail(Throwable t) {
      if (failure == null) {
        failure = t;
      }
    }

    /** Waits, uninterruptibly, for the indices the helpers took; the caller has taken every other one by now. */
    void awaitAll() {
      boolean interrupted = false;
      while (true) {
        try {
          done.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // the indices taken are being worked on: finish, then keep the flag
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }

    @SuppressWarnings("unchecked") // a checked failure can only be the body's X
    <X extends Exception> void rethrow() throws X {
      Throwable t = failure;
      if (t instanceof RuntimeException e) {
        throw e;
      }
      if (t instanceof Error e) {
        throw e;
      }
      if (t != null) {
        throw (X) t;
      }
    }
  }
}
