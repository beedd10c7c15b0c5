package io.spillway.core.internal;

import io.spillway.api.SpillBudgetExceededException;
import io.spillway.api.SpillException;
import io.spillway.core.internal.jfr.BudgetWaitJfrEvent;
import io.spillway.core.internal.jfr.JfrEvents;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A manager's memory usage against its budget, and the callers waiting for room in it. Internal, may change.
 *
 * <p>The usage is one atomic counter: {@link #add} changes it unconditionally (manual registration and resizing may
 * pass the budget, as in RedDB), {@link #reserve} adds bytes only if the usage stays within {@code maxMemory} (a
 * compare-and-set), waiting otherwise. A waiting caller is counted in {@link #waitingBytes()} (so that whoever
 * spills frees enough for it too) and sleeps on a condition of the budget lock, which {@link #signalRoom()} wakes;
 * everything that frees bytes calls it. The budget lock is never held while calling out, so it nests under no
 * other lock's order.
 *
 * <p>A caller that has to wait is measured: its wait is counted ({@link SpillCounters#waitedForRoom}, and
 * {@link SpillCounters#budgetExceeded} if it gives up) and recorded as a {@code io.spillway.BudgetWait} Flight
 * Recorder event.
 *
 * <p>Thread-safe. {@link #reserve} blocks; every other method returns at once (taking the budget lock only briefly,
 * and only when someone waits).
 */
final class MemoryBudget {
  /** What {@link #reserve} asks of the manager while it waits. */
  interface Owner {
    /** Throws {@link IllegalStateException} if the manager is closed. */
    void ensureOpen();

    /** Spills now in the calling thread ({@code help}), or asks the background spiller to. */
    void makeRoom(boolean help);

    /** The error for a caller that gave up after waiting {@code waitedNanos}. */
    SpillBudgetExceededException exceeded(String name, long bytes, long waitedNanos);
  }

  private final long maxMemory;
  private final Duration maxBlock;
  private final SpillCounters counters;
  private final String storeName;
  private final AtomicLong usage = new AtomicLong();
  /** Callers waiting for room wait on roomFreed; whoever frees bytes while someone waits signals it. */
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition roomFreed = lock.newCondition();
  /** Bytes that waiting callers need. */
  private final AtomicLong waitingBytes = new AtomicLong();

  /**
   * @param maxMemory the budget in bytes
   * @param maxBlock how long {@link #reserve} waits for room before it gives up
   * @param counters where waits are counted
   * @param storeName the manager's store, for the Flight Recorder events
   */
  MemoryBudget(long maxMemory, Duration maxBlock, SpillCounters counters, String storeName) {
    this.maxMemory = maxMemory;
    this.maxBlock = maxBlock;
    this.counters = counters;
    this.storeName = storeName;
  }

  /** The bytes counted now. */
  long usage() {
    return usage.get();
  }

  /** Adds {@code delta} (negative to subtract) whatever the budget; returns the new usage. Wakes no one. */
  long add(long delta) {
    return usage.addAndGet(delta);
  }

  /** Bytes that callers blocked in {@link #reserve} are waiting for. */
  long waitingBytes() {
    return waitingBytes.get();
  }

  /**
   * Adds {@code bytes} to the usage once they fit under the budget, asking {@code owner} to make room and waiting
   * meanwhile. A non-positive amount is added at once. Caller holds no segment lock.
   *
   * @throws SpillBudgetExceededException after the maximum wait, or at once if {@code bytes} exceeds the whole
   *     budget; nothing added
   * @throws IllegalStateException if the manager is closed meanwhile
   * @throws SpillException if interrupted while waiting (the interrupt flag is kept)
   */
  void reserve(String name, long bytes, boolean help, Owner owner) {
    if (bytes <= 0) {
      usage.addAndGet(bytes);
      return;
    }
    if (tryReserve(bytes)) {
      return;
    }
    if (bytes > maxMemory) {
      // No amount of spilling makes room for it.
      counters.budgetExceeded();
      throw owner.exceeded(name, bytes, 0);
    }
    long start = System.nanoTime();
    long maxWait = maxBlock.toNanos();
    BudgetWaitJfrEvent event = JfrEvents.budgetWait();
    String result = "failure";
    waitingBytes.addAndGet(bytes);
    try {
      while (true) {
        owner.ensureOpen();
        owner.makeRoom(help);
        lock.lock();
        try {
          owner.ensureOpen();
          if (tryReserve(bytes)) {
            result = "granted";
            return;
          }
          long left = maxWait - (System.nanoTime() - start);
          if (left <= 0) {
            result = "exceeded";
            throw owner.exceeded(name, bytes, System.nanoTime() - start);
          }
          roomFreed.awaitNanos(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          result = "interrupted";
          throw new SpillException("Interrupted while waiting for room for segment '" + name + "'", e);
        } finally {
          lock.unlock();
        }
      }
    } catch (IllegalStateException e) {
      // ensureOpen's, or a spill's on a manager closed meanwhile.
      result = "closed";
      throw e;
    } finally {
      waitingBytes.addAndGet(-bytes);
      counters.waitedForRoom(System.nanoTime() - start);
      if (result.equals("exceeded")) {
        counters.budgetExceeded();
      }
      if (event != null) {
        event.finish(name, storeName, bytes, result);
      }
    }
  }

  /** Adds {@code bytes} if the usage stays within the budget; never waits. */
  boolean tryReserve(long bytes) {
    while (true) {
      long current = usage.get();
      if (current > maxMemory - bytes) {
        return false;
      }
      if (usage.compareAndSet(current, current + bytes)) {
        return true;
      }
    }
  }

  /** Gives back reserved bytes and wakes the waiters. Caller holds no lock. */
  void release(long bytes) {
    usage.addAndGet(-bytes);
    signalRoom();
  }

  /** Wakes the callers waiting for room, if any. Caller holds no segment lock. */
  void signalRoom() {
    // A waiter adds to waitingBytes before it checks the usage, so either it sees the bytes freed or we see it.
    if (waitingBytes.get() > 0) {
      wakeAll();
    }
  }

  /** Wakes every waiting caller unconditionally (on close, so that they see the manager closed). */
  void wakeAll() {
    lock.lock();
    try {
      roomFreed.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
