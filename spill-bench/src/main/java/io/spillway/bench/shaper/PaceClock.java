package io.spillway.bench.shaper;

import java.util.concurrent.locks.LockSupport;

/**
 * The time and the waiting that the pacing arithmetic uses, behind an interface so that a test can drive a
 * {@link ConnectionSchedule} on a clock that only moves when it is slept on, and check the schedule exactly.
 *
 * <p>Implementations are thread-safe.
 */
interface PaceClock {
  /** The real clock: {@link System#nanoTime()}, and parking until the deadline. */
  PaceClock SYSTEM = new PaceClock() {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public void sleepUntil(long deadline) throws InterruptedException {
      // parkNanos rather than Thread.sleep: on Java 17 Thread.sleep rounds to whole milliseconds, coarser than one
      // 64 KiB chunk at 64 MiB/s. A park may also return early (spuriously), hence the loop.
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        LockSupport.parkNanos(left);
        if (Thread.interrupted()) {
          throw new InterruptedException("interrupted while pacing");
        }
      }
    }
  };

  /** Nanoseconds on a monotonic scale of this clock's own; only differences mean something. */
  long nanoTime();

  /**
   * Returns once {@link #nanoTime()} has reached {@code deadline}; at once if it already has.
   *
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  void sleepUntil(long deadline) throws InterruptedException;
}
