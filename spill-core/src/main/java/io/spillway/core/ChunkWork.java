package io.spillway.core;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Runs the independent chunks of one frame's work (sealing or opening its AES-GCM chunks) on the calling thread and
 * on idle threads of the common {@link ForkJoinPool}: each takes the next chunk until none is left. Internal to the
 * frame format.
 *
 * <p>Why so: one spill or reload of a large encrypted frame otherwise runs the cipher on one core while the others
 * wait (a 4 MiB frame: about 0.8 ms sealed at 5 GB/s). The caller never waits for a chunk nobody has taken, so a
 * busy or saturated pool only makes the work sequential, never slower than that by more than the chunks a helper
 * had already taken; a helper that starts after the last chunk was taken does nothing. Frames of fewer than
 * {@link #MIN_PARALLEL_CHUNKS} chunks, or a machine of one processor, run on the calling thread alone.
 *
 * <p>Thread-safe; each {@link #run} is independent.
 */
final class ChunkWork {
  /** Fewer chunks than this are not worth a helper's hand-off (a few microseconds each). */
  static final int MIN_PARALLEL_CHUNKS = 8;
  /** Chunks a helper should have to itself at least: at most one helper per this many chunks. */
  private static final int CHUNKS_PER_HELPER = 4;

  /** One chunk's work; {@code worker} is the same object for every chunk a thread runs, for buffers of its own. */
  @FunctionalInterface
  interface Task<W> {
    void run(W worker, int chunk) throws Exception;
  }

  private final Executor helpers;
  private final int maxHelpers;

  private ChunkWork(Executor helpers, int maxHelpers) {
    this.helpers = helpers;
    this.maxHelpers = maxHelpers;
  }

  /** Helpers from the common pool: as many as the machine has processors besides the caller's. */
  static ChunkWork commonPool() {
    return new ChunkWork(ForkJoinPool.commonPool(),
        Math.min(ForkJoinPool.getCommonPoolParallelism(), Runtime.getRuntime().availableProcessors() - 1));
  }

  /** Helpers from {@code helpers}, at most {@code maxHelpers} of them at once per call; for tests. */
  static ChunkWork using(Executor helpers, int maxHelpers) {
    return new ChunkWork(helpers, maxHelpers);
  }

  /**
   * Runs {@code task} for every chunk from 0 to {@code chunks - 1}, each exactly once, and returns when all have
   * ended. Each thread taking part makes one worker with {@code newWorker} before its first chunk.
   *
   * @throws Exception the first exception a chunk threw (the other chunks still ran or were skipped); an
   *     {@link Error} is rethrown as it is
   */
  <W> void run(int chunks, Supplier<W> newWorker, Task<W> task) throws Exception {
    int helperCount = Math.min(maxHelpers, chunks / CHUNKS_PER_HELPER);
    if (chunks < MIN_PARALLEL_CHUNKS || helperCount < 1) {
      W worker = newWorker.get();
      for (int i = 0; i < chunks; i++) {
        task.run(worker, i);
      }
      return;
    }
    Round<W> round = new Round<>(chunks, newWorker, task);
    for (int h = 0; h < helperCount; h++) {
      try {
        helpers.execute(round::work);
      } catch (RejectedExecutionException e) {
        break; // the calling thread takes the rest
      }
    }
    round.work();
    round.awaitAll();
    round.rethrow();
  }

  private static final class Round<W> {
    private final int chunks;
    private final Supplier<W> newWorker;
    private final Task<W> task;
    private final AtomicInteger next = new AtomicInteger();
    private final CountDownLatch done;
    private volatile @Nullable Throwable failure;

    Round(int chunks, Supplier<W> newWorker, Task<W> task) {
      this.chunks = chunks;
      this.newWorker = newWorker;
      this.task = task;
      this.done = new CountDownLatch(chunks);
    }

    /** Takes chunks until none is left; a chunk's failure is kept and the other chunks are skipped, not lost. */
    void work() {
      int i = next.getAndIncrement();
      if (i >= chunks) {
        return; // started after the last chunk was taken
      }
      W worker;
      try {
        worker = newWorker.get();
      } catch (Throwable t) {
        fail(t);
        worker = null;
      }
      for (; i < chunks; i = next.getAndIncrement()) {
        try {
          if (failure == null && worker != null) {
            task.run(worker, i);
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

    /** Waits for the chunks the helpers took; the calling thread has taken every other one by now. */
    void awaitAll() {
      boolean interrupted = false;
      while (true) {
        try {
          done.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // a chunk takes microseconds: finish, then keep the flag
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }

    void rethrow() throws Exception {
      Throwable t = failure;
      if (t instanceof Exception e) {
        throw e;
      }
      if (t instanceof Error e) {
        throw e;
      }
    }
  }
}
