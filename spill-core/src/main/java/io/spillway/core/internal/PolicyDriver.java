package io.spillway.core.internal;

import io.spillway.api.spi.SpillPolicy;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Calls a single-threaded {@link SpillPolicy} from many threads: one lock (the policy lock) serialises every call,
 * and accesses go through a lossy {@link AccessBuffer} drained to the policy in batches. Internal, may change.
 *
 * <p><b>Accesses.</b> {@link #recordAccess} never waits for a lock and never allocates: it records into the calling
 * thread's stripe with one compare-and-set. Who drains the buffer depends on the mode:
 * <ul>
 *   <li><b>Background drain</b> (a drain executor is given: the manager's spill executor in
 *       {@code SpillMode.BACKGROUND}). When a stripe reaches {@value #ASYNC_DRAIN_THRESHOLD} accesses, the recording
 *       thread schedules a drain task on the executor, one at a time (a drain state as Caffeine's
 *       {@code drainStatus}: idle, required, running; a request made while a drain runs makes it run another pass),
 *       and goes on: the policy work runs on another thread, in parallel with the readers. A stripe holds
 *       {@value #ASYNC_STRIPE_CAPACITY} accesses, so that it rarely fills before the drain task runs. If it does fill
 *       (the executor is busy with I/O, or the machine is loaded), the recording thread waits for a drain task that
 *       holds the policy lock to empty it (spinning, never parking: it has been asked for another pass), or, if
 *       the lock is free, drains its own stripe itself as in the inline mode. If the executor rejects the task, the
 *       recording thread drains inline when the lock is free.</li>
 *   <li><b>Inline drain</b> (no drain executor: {@code SpillMode.SYNCHRONOUS}, for deterministic tests). Stripes
 *       hold {@value #INLINE_STRIPE_CAPACITY} accesses; a recording thread whose stripe is full drains that stripe to
 *       the policy itself if the policy lock is free ({@code tryLock}) and records again.</li>
 * </ul>
 * In both modes an access is dropped, and counted ({@link #droppedAccesses()}), only when another recording or
 * calling thread is in the way: the stripes were contended, or the stripe is full while a thread other than the
 * drain task holds the policy lock. So a thread alone with the driver loses no access. A drained access is counted
 * on its segment ({@link Segment#accessCount}) and told to the policy only if the segment is, as the policy knows it
 * ({@link Segment#policyState}), resident and not removed.
 *
 * <p><b>Events.</b> {@link #event}, {@link #selectVictims} and {@link #drainedThen} drain every stripe first, so the
 * policy hears of each access recorded before the call before any later event, whatever the drain task is doing. An
 * exception thrown by the policy on an event or an access is logged at WARN and swallowed, so that a faulty plugin
 * cannot break the caller's bookkeeping. After {@link #close} the policy is dropped: events are ignored,
 * {@link #selectVictims} returns null, and a drain task still queued or running calls nothing on the policy (it
 * checks under the policy lock, which {@link #close} takes).
 *
 * <p>Thread-safe. The caller may hold a segment lock when calling in (segment lock, then policy lock, is the
 * manager's lock order), never the other way round; the policy lock is held only for the policy call and a drain.
 */
final class PolicyDriver {
  /** Accesses a stripe holds when a drain task empties the buffer: room for those made while it is being woken. */
  static final int ASYNC_STRIPE_CAPACITY = 256;
  /** Accesses in a stripe from which a drain task is scheduled, in background mode. */
  static final int ASYNC_DRAIN_THRESHOLD = 128;
  /** Accesses a stripe holds when the recording threads drain it themselves. */
  static final int INLINE_STRIPE_CAPACITY = 32;

  // Drain states (drainState), background mode only.
  /** No drain task is scheduled. */
  private static final int IDLE = 0;
  /** A drain task is queued, or is running and will make another pass. */
  private static final int REQUIRED = 1;
  /** A drain task is making a pass and nobody asked for another. */
  private static final int RUNNING = 2;

  private static final VarHandle DRAIN_STATE;

  static {
    try {
      DRAIN_STATE = MethodHandles.lookup().findVarHandle(PolicyDriver.class, "drainState", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Logger log;
  /** Serialises every call to the policy; taken with tryLock by recording threads, which never wait for it. */
  private final ReentrantLock lock = new ReentrantLock();
  /** Guarded by lock; null once closed. */
  private @Nullable SpillPolicy policy;
  private final AccessBuffer<Segment> accesses;
  /** Called under lock. */
  private final Consumer<Segment> deliverAccess = this::deliverAccess;
  /** Accesses not recorded because the buffer was full or contended while another thread held the lock. */
  private final LongAdder droppedAccesses = new LongAdder();
  /** Where drain tasks run; null for inline draining. */
  private final @Nullable Executor drainExecutor;
  private final Runnable drainTask = this::runDrainTask;
  /** IDLE, REQUIRED or RUNNING; moved with compare-and-set by {@link #scheduleDrain} and the drain task. */
  @SuppressWarnings("unused") // through DRAIN_STATE
  private volatile int drainState;
  /** Whether the drain task holds the lock: a recording thread whose stripe is full then waits rather than drops. */
  private volatile boolean drainerHoldsLock;
  private final AtomicBoolean rejectionLogged = new AtomicBoolean();
  /** Set by {@link #close}: a rejection after it (the manager shut its executor down) is expected, not logged. */
  private volatile boolean closed;

  /**
   * @param policy the policy, owned by this driver from now on
   * @param log where the policy's failures are logged (the manager's logger)
   * @param drainExecutor where to drain accesses in the background; null to drain them in the recording threads
   */
  PolicyDriver(SpillPolicy policy, Logger log, @Nullable Executor drainExecutor) {
    this.policy = policy;
    this.log = log;
    this.drainExecutor = drainExecutor;
    this.accesses = drainExecutor == null
        ? AccessBuffer.forThisMachine(INLINE_STRIPE_CAPACITY, Integer.MAX_VALUE)
        : AccessBuffer.forThisMachine(ASYNC_STRIPE_CAPACITY, ASYNC_DRAIN_THRESHOLD);
  }

  /** Records an access for the policy (and the segment's count) without waiting for any lock or allocating. */
  void recordAccess(Segment seg) {
    int outcome = accesses.offer(seg);
    if (outcome != AccessBuffer.RECORDED) {
      recordAccessSlowly(seg, outcome);
    }
  }

  /**
   * A stripe past the drain threshold schedules a drain task. A full stripe is emptied by the drain task, if it
   * holds the lock (the thread waits for it), or else by the recording thread itself if the policy lock is free, and
   * the access recorded again; so a thread alone with the driver loses nothing. If another thread holds the policy
   * lock (draining inline, or busy with the policy), or the stripes are contended, the access is dropped and
   * counted, as Caffeine drops reads. An inline drain takes only the full stripe, mostly the thread's own accesses,
   * whose segments its processor has just read; the other stripes are drained by their own threads, the drain task
   * or before the next policy event.
   */
  private void recordAccessSlowly(Segment seg, int outcome) {
    int result = outcome;
    if (drainExecutor != null && result != AccessBuffer.CONTENDED) {
      if (!scheduleDrain()) {
        drainInlineIfFree();
      }
      if (!AccessBuffer.isFull(result)) {
        return; // recorded, drain due: scheduled
      }
      result = awaitDrainTask(seg, result);
      if (result == AccessBuffer.RECORDED_DRAIN_DUE) {
        scheduleDrain();
      }
    }
    // Reading the lock's state first spares a doomed compare-and-set on the line the draining thread holds.
    if (AccessBuffer.isFull(result) && !lock.isLocked() && lock.tryLock()) {
      try {
        // Other threads may refill the stripe between the drain and the offer; a few rounds, then give up.
        for (int round = 0; round < 4 && AccessBuffer.isFull(result); round++) {
          accesses.drainStripeTo(result, deliverAccess);
          result = accesses.offer(seg);
        }
      } finally {
        lock.unlock();
      }
    }
    if (!AccessBuffer.isRecorded(result)) {
      droppedAccesses.increment();
    }
  }

  /**
   * Offers again while the drain task holds the lock and the stripe stays full. The task empties every stripe it
   * passes and has been asked for another pass, so the wait lasts at most two passes; it spins, yielding now and
   * then in case the task's thread lost its processor.
   */
  private int awaitDrainTask(Segment seg, int fullStripe) {
    int result = fullStripe;
    for (int spins = 1; AccessBuffer.isFull(result) && drainerHoldsLock; spins++) {
      if ((spins & 63) == 0) {
        Thread.yield();
      } else {
        Thread.onSpinWait();
      }
      result = accesses.offer(seg);
    }
    return result;
  }

  /**
   * Makes sure a drain task will run after this call (background mode). Schedules one unless one is queued or
   * running; a running one is asked for another pass.
   *
   * @return false if the executor rejected the task (nothing is scheduled then)
   */
  private boolean scheduleDrain() {
    Executor executor = drainExecutor;
    if (executor == null) {
      return false;
    }
    while (true) {
      int state = (int) DRAIN_STATE.getVolatile(this);
      if (state == REQUIRED) {
        return true;
      }
      if (state == RUNNING) {
        if (DRAIN_STATE.compareAndSet(this, RUNNING, REQUIRED)) {
          return true;
        }
      } else if (DRAIN_STATE.compareAndSet(this, IDLE, REQUIRED)) {
        try {
          executor.execute(drainTask);
          return true;
        } catch (RejectedExecutionException e) {
          DRAIN_STATE.setVolatile(this, IDLE);
          if (!closed && rejectionLogged.compareAndSet(false, true)) {
            log.warn("The spill executor rejected the access drain; recording threads drain accesses themselves: {}",
                e.toString());
          }
          return false;
        }
      }
    }
  }

  /** After a rejection: the recording thread drains every stripe itself, if the policy lock is free. */
  private void drainInlineIfFree() {
    if (!lock.isLocked() && lock.tryLock()) {
      try {
        drainAccesses();
      } finally {
        lock.unlock();
      }
    }
  }

  /** The drain task: passes over every stripe until no request came in during the last pass. */
  private void runDrainTask() {
    boolean done = false;
    try {
      while (!done) {
        // Only this task leaves REQUIRED; requests made from now on ask for another pass.
        DRAIN_STATE.setVolatile(this, RUNNING);
        lock.lock();
        drainerHoldsLock = true;
        try {
          drainAccesses();
        } finally {
          drainerHoldsLock = false;
          lock.unlock();
        }
        done = DRAIN_STATE.compareAndSet(this, RUNNING, IDLE);
      }
    } finally {
      if (!done) {
        DRAIN_STATE.setVolatile(this, IDLE); // thrown: let the next request schedule a new task
      }
    }
  }

  /** Drains the accesses, then gives {@code event} the policy under the lock; does nothing once closed. */
  void event(Consumer<SpillPolicy> event) {
    lock.lock();
    try {
      drainAccesses();
      SpillPolicy p = policy;
      if (p == null) {
        return;
      }
      try {
        event.accept(p);
      } catch (RuntimeException e) {
        log.warn("Policy {} failed on an event; ignored: {}", p.getClass().getName(), e.toString(), e);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Drains the accesses, then asks the policy for victims; the answer is the plugin's, unchecked. An exception from
   * the policy propagates.
   *
   * @return the policy's answer, or null once closed
   */
  @Nullable List<String> selectVictims(long bytesToFree, Predicate<String> eligible) {
    lock.lock();
    try {
      drainAccesses();
      SpillPolicy p = policy;
      return p == null ? null : p.selectVictims(bytesToFree, eligible);
    } finally {
      lock.unlock();
    }
  }

  /** Drains the accesses, then runs {@code action} under the lock (to read the access counts it kept). */
  void drainedThen(Runnable action) {
    lock.lock();
    try {
      drainAccesses();
      action.run();
    } finally {
      lock.unlock();
    }
  }

  /** The policy's class name, for messages; {@code (closed)} once closed. */
  String policyClassName() {
    lock.lock();
    try {
      SpillPolicy p = policy;
      return p == null ? "(closed)" : p.getClass().getName();
    } finally {
      lock.unlock();
    }
  }

  /** Discards the buffered accesses and drops the policy; later events are ignored. Idempotent. */
  void close() {
    closed = true;
    lock.lock();
    try {
      accesses.drainTo(seg -> { });
      policy = null;
    } finally {
      lock.unlock();
    }
  }

  /** Accesses dropped so far (see the class comment). */
  long droppedAccesses() {
    return droppedAccesses.sum();
  }

  /** Caller holds the lock. */
  private void drainAccesses() {
    accesses.drainTo(deliverAccess);
  }

  /** Counts a drained access on its segment and tells the policy if it knows the segment resident. Under lock. */
  private void deliverAccess(Segment seg) {
    seg.accessCount++;
    SpillPolicy p = policy;
    if (p == null || seg.policyState != Segment.RESIDENT || seg.removed) {
      return;
    }
    try {
      p.onAccess(seg.name);
    } catch (RuntimeException e) {
      log.warn("Policy {} failed on an access; ignored: {}", p.getClass().getName(), e.toString(), e);
    }
  }
}
