package io.spillway.core.internal;

import io.spillway.api.spi.SpillPolicy;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Calls a single-threaded {@link SpillPolicy} from many threads: one lock (the policy lock) serialises every call,
 * and accesses go through a lossy {@link AccessBuffer} drained to the policy in batches. Internal, may change.
 *
 * <p><b>Ids.</b> The driver numbers the segments it admits ({@link SegmentIdTable}): a segment's id, passed to the
 * policy with every event, is fixed from its admission to its removal and may then go to a later segment. Victims
 * come back from the policy as ids and leave the driver as segments, mapped under the policy lock.
 *
 * <p><b>Accesses.</b> {@link #recordAccess} never allocates: it records the segment's id into the calling thread's
 * stripe with one compare-and-set (nothing for a segment without an id: not admitted yet, or removed). Who drains the
 * buffer depends on the mode:
 * <ul>
 *   <li><b>Background drain</b> (given a drain executor: the manager's spill executor, unless it spills
 *       synchronously). Once a stripe holds half its capacity, the recording thread schedules a drain task, one at a
 *       time (a state as Caffeine's {@code drainStatus}: idle, required, running; a request made while a pass runs
 *       asks for another pass), and goes on: the policy work runs on another thread, in parallel with the reads. It
 *       does so even when the readers keep every processor busy: the task's work is small (a count per access and
 *       a sample for the policy); with two readers on two processors it measured 1.08× Caffeine against 0.98× for
 *       readers draining inline in one comparison, 0.91× in a later run (BENCHMARKS.md, issue 15). If a stripe
 *       fills all the same (the executor busy with I/O, the machine loaded), the recording thread drains it itself
 *       if the policy lock is free, and while a task is queued or running it waits for that (spinning) rather than
 *       drop. If the executor rejects the task, the recording thread drains every stripe itself when the lock is
 *       free.</li>
 *   <li><b>Inline drain</b> (no drain executor: synchronous spilling, for deterministic tests). A recording thread
 *       whose stripe is full drains that stripe to the policy itself if the policy lock is free ({@code tryLock})
 *       and records again.</li>
 * </ul>
 * In both modes an access is dropped, and counted ({@link #droppedAccesses()}), only when another thread is in the way:
 * the stripes were contended, or the stripe is full while another thread holds the policy lock and no drain task is
 * under way. So a thread alone with the driver loses no access, and waits only for a drain task of its own making (or
 * for a policy event of another thread that such a task queues behind). A drained access is counted for the segment
 * holding its id (from its admission to its removal) and told to the policy only if that segment is resident as the
 * policy knows it. The id is read when the access is recorded: an access racing with its segment's removal may, if
 * another segment is admitted under the same id before the drain, be counted for that one (like a dropped access, a
 * sample's error; a thread alone with the driver never sees it).
 *
 * <p><b>Sampling (background mode only).</b> The policy is told every access while it keeps up, and a sample when
 * the readers record faster than it takes them in ({@link AccessDrain}): the drain task stops telling once the
 * policy has used its share of a processor ({@link DrainBudget}), and stops telling a stripe's accesses past its first
 * chunk once a reader has asked for another pass; a recording thread that drains its full stripe itself (the task not
 * awake yet, or busy) tells at most the first chunk, within the same share. The rest are counted, not told
 * ({@link #undeliveredAccesses()}). The inline mode, a drain after a rejected task and the drain before every event
 * tell every access.
 *
 * <p><b>Events.</b> {@link #event}, {@link #admit}, {@link #remove}, {@link #selectVictims} and {@link #drainedThen}
 * drain every stripe first, so the policy hears of each access recorded before the call before any later event,
 * whatever a drain task is doing; but an access to a segment being removed (or replaced) is dropped by that drain, as
 * the segment is gone already. An exception thrown by the policy on an event or an access is logged at WARN and
 * swallowed, so that a faulty plugin cannot break the caller's bookkeeping. After {@link #close} the policy is
 * dropped: events are ignored, {@link #selectVictims} returns null, and a drain task still queued or running calls
 * nothing on the policy (it checks under the policy lock, which {@link #close} takes).
 *
 * <p>Thread-safe. The caller may hold a segment lock when calling in (segment lock, then policy lock, is the
 * manager's lock order), never the other way round; the policy lock is held only for the policy call and a drain.
 */
final class PolicyDriver {
  /**
   * Accesses a stripe holds when the recording threads drain it themselves. With two threads recording, 256 per
   * drain instead of 32 measured about a third faster (BENCHMARKS.md, "Access path"): each drain pulls the policy's
   * and the counts' hot cache lines to the draining processor once.
   */
  static final int INLINE_STRIPE_CAPACITY = 256;
  /**
   * Slots of all stripes together when a drain task empties the buffer (256 KiB of ids at most): 8,192 a stripe on a
   * 2-processor machine, fewer, down to {@link #INLINE_STRIPE_CAPACITY}, on machines with more stripes. A task is
   * scheduled at half a stripe, so that the reader has the other half (some 400 µs of accesses on a 2-processor
   * machine) to fill while the task's thread wakes up and drains. A quarter of this size measured 0.94× Caffeine
   * against 1.25× with two readers on two processors (BENCHMARKS.md, issue 15): the task woke four times as often,
   * and its wake-up (76-260 µs measured here) outlasted the half stripe, so readers drained their own stripes.
   */
  static final int BACKGROUND_SLOTS = 65_536;

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
  /**
   * Serialises every call to the policy. Recording threads take it only with tryLock, and wait (spinning) only while a
   * drain task is under way, which will empty their stripe.
   */
  private final ReentrantLock lock = new ReentrantLock();
  /** Guarded by lock; null once closed. */
  private @Nullable SpillPolicy policy;
  private final AccessBuffer accesses;
  /** The segments' ids, their access counts and what the policy knows of them; guarded by lock. */
  private final SegmentIdTable ids = new SegmentIdTable();
  /** Accesses not recorded because the buffer was full or contended while another thread held the lock. */
  private final LongAdder droppedAccesses = new LongAdder();
  /** Empties the buffer into the policy; guarded by lock. */
  private final AccessDrain drain;
  /** Whether a reader asked for another drain pass while this one runs: the drain task is behind the readers. */
  private final BooleanSupplier readersAhead = () -> (int) DRAIN_STATE.getVolatile(this) == REQUIRED;
  /** Where drain tasks run; null for inline draining. */
  private final @Nullable Executor drainExecutor;
  private final Runnable drainTask = this::runDrainTask;
  /** IDLE, REQUIRED or RUNNING; moved with compare-and-set by {@link #scheduleDrain} and the drain task. */
  @SuppressWarnings("unused") // through DRAIN_STATE
  private volatile int drainState;
  private final AtomicBoolean rejectionLogged = new AtomicBoolean();
  /** Set by {@link #close}: a rejection after it (the manager shut its executor down) is expected, not logged. */
  private volatile boolean closed;

  /**
   * @param policy the policy, owned by this driver from now on
   * @param log where the policy's failures are logged (the manager's logger)
   * @param drainExecutor where to drain accesses in the background; null to drain them in the recording threads
   */
  PolicyDriver(SpillPolicy policy, Logger log, @Nullable Executor drainExecutor) {
    this(policy, log, drainExecutor, System::nanoTime);
  }

  /** As above, timing the policy's calls by {@code clock} (nanoseconds), for tests. */
  PolicyDriver(SpillPolicy policy, Logger log, @Nullable Executor drainExecutor, LongSupplier clock) {
    this.policy = policy;
    this.log = log;
    this.drainExecutor = drainExecutor;
    int stripes = AccessBuffer.stripesForThisMachine();
    if (drainExecutor == null) {
      this.accesses = AccessBuffer.forThisMachine(INLINE_STRIPE_CAPACITY, Integer.MAX_VALUE);
    } else {
      int capacity = Math.max(INLINE_STRIPE_CAPACITY, BACKGROUND_SLOTS / stripes);
      this.accesses = AccessBuffer.forThisMachine(capacity, capacity / 2);
    }
    this.drain = new AccessDrain(accesses, ids, log, clock);
  }

  /** Records an access for the policy (and the segment's count) without waiting for any lock or allocating. */
  void recordAccess(Segment seg) {
    int id = seg.id;
    if (id == SegmentIdTable.NO_ID) {
      return; // not admitted yet, or removed: the policy could not hear of it, and nothing counts it
    }
    int outcome = accesses.offer(id);
    if (outcome != AccessBuffer.RECORDED) {
      recordAccessSlowly(id, outcome);
    }
  }

  /**
   * In background mode, a stripe past half full schedules a drain task. A full stripe is drained by the recording
   * thread if the policy lock is free, and the access recorded again. If the lock is held while a drain task is
   * queued or running, the thread waits for the task (spinning: the stripe is emptied by the task or, once the lock
   * is free, by the thread itself); so a thread alone with the driver loses nothing. If another thread holds the
   * lock and no task is under way (an inline drain, a policy event), or the stripes are contended, the access is
   * dropped and counted, as Caffeine drops reads. An inline drain takes only the full stripe, mostly the thread's own
   * accesses, whose segments its processor has just read; the other stripes are
   * drained by their own threads, the drain task or before the next policy event.
   */
  private void recordAccessSlowly(int id, int outcome) {
    int result = outcome;
    if (result == AccessBuffer.RECORDED_DRAIN_DUE) {
      if (!scheduleDrain()) {
        drainInlineIfFree();
      }
      return;
    }
    for (int spins = 1; AccessBuffer.isFull(result); spins++) {
      // Read before the lock: a task that is IDLE now holds no lock, and only a recording thread schedules one.
      int state = (int) DRAIN_STATE.getVolatile(this);
      // Reading the lock's state first spares a doomed compare-and-set on the line the draining thread holds.
      if (!lock.isLocked() && lock.tryLock()) {
        try {
          // Other threads may refill the stripe between the drain and the offer; a few rounds, then give up.
          for (int round = 0; round < 4 && AccessBuffer.isFull(result); round++) {
            if (drainExecutor == null) {
              drain.drainStripe(result, policy);
            } else {
              drain.drainStripeSampled(result, policy);
            }
            result = accesses.offer(id);
          }
        } finally {
          lock.unlock();
        }
        break;
      }
      if (state == IDLE) {
        break; // held by a thread that will not empty this stripe
      }
      if ((spins & 63) == 0) {
        Thread.yield(); // in case the task's thread lost its processor
      } else {
        Thread.onSpinWait();
      }
      result = accesses.offer(id);
    }
    if (!AccessBuffer.isRecorded(result)) {
      droppedAccesses.increment();
    }
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
        try {
          drain.drainAllBehindReaders(policy, readersAhead);
        } finally {
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
   * Drains the accesses, then asks the policy for victims among the segments {@code eligible} accepts (asked under the
   * policy lock, only for segments that hold an id), and maps the ids it returns to their segments. Otherwise the
   * answer is the plugin's, unchecked: an id no segment holds is dropped, but a repeat, an ineligible segment or one
   * victim too many is left for the caller to refuse. An exception from the policy propagates.
   *
   * @return the victims in the policy's order, or null once closed
   */
  @Nullable List<Segment> selectVictims(long bytesToFree, Predicate<Segment> eligible) {
    lock.lock();
    try {
      drainAccesses();
      SpillPolicy p = policy;
      if (p == null) {
        return null;
      }
      IntPredicate byId = id -> {
        Segment seg = ids.segment(id);
        return seg != null && eligible.test(seg);
      };
      int[] chosen = p.selectVictims(bytesToFree, byId);
      if (chosen == null) {
        log.warn("Policy {} returned no array of victims; none chosen", p.getClass().getName());
        return List.of();
      }
      List<Segment> victims = new ArrayList<>(chosen.length);
      for (int id : chosen) {
        Segment seg = ids.segment(id);
        if (seg != null) {
          victims.add(seg);
        }
      }
      return victims;
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
      accesses.drainTo(id -> { });
      policy = null;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Admits {@code fresh} of {@code size} bytes, which was never admitted: it takes an id, is resident, and its
   * accesses are recorded from now on. If {@code replaced} is not null, the policy first hears of its removal, in the
   * same event (see {@link #remove}).
   */
  void admit(Segment fresh, long size, @Nullable Segment replaced) {
    lock.lock();
    try {
      if (replaced != null) {
        ids.retire(replaced);
      }
      drainAccesses();
      SpillPolicy p = policy;
      if (p == null) {
        return;
      }
      if (replaced != null) {
        remove(p, replaced);
      }
      int id = ids.admit(fresh);
      try {
        p.onAdmit(id, fresh.name, size);
      } catch (RuntimeException e) {
        log.warn("Policy {} failed on an event; ignored: {}", p.getClass().getName(), e.toString(), e);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Tells the policy that {@code seg}, retired by the caller, is gone: its accesses still buffered are dropped, not
   * delivered, none is recorded or counted any more, and its id may go to another segment. Does nothing for a segment
   * without an id, or once closed.
   */
  void remove(Segment seg) {
    lock.lock();
    try {
      ids.retire(seg);
      drainAccesses();
      SpillPolicy p = policy;
      if (p != null) {
        remove(p, seg);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Takes {@code seg}'s id away and tells {@code policy}, logging its failure. Caller holds the lock. */
  private void remove(SpillPolicy p, Segment seg) {
    int id = ids.remove(seg);
    if (id != SegmentIdTable.NO_ID) {
      try {
        p.onRemove(id);
      } catch (RuntimeException e) {
        log.warn("Policy {} failed on an event; ignored: {}", p.getClass().getName(), e.toString(), e);
      }
    }
  }

  /** Tells {@code policy} that admitted {@code seg} was spilled; no access to it is delivered until its reload. */
  void spilled(SpillPolicy policy, Segment seg) {
    int id = seg.id;
    if (id != SegmentIdTable.NO_ID) {
      ids.setSpilled(id, true);
      policy.onSpill(id);
    }
  }

  /** Tells {@code policy} that admitted, spilled {@code seg} was reloaded. */
  void reloaded(SpillPolicy policy, Segment seg) {
    int id = seg.id;
    if (id != SegmentIdTable.NO_ID) {
      ids.setSpilled(id, false);
      policy.onReload(id);
    }
  }

  /**
   * Tells {@code policy} that admitted, spilled {@code seg} was reloaded from the store, and what the reload cost.
   *
   * @param nanos the time reading, verifying and decoding the stored copy took
   */
  void reloaded(SpillPolicy policy, Segment seg, long nanos) {
    reloaded(policy, seg);
    int id = seg.id;
    if (id != SegmentIdTable.NO_ID) {
      policy.onReloadCost(id, Math.max(0, nanos));
    }
  }

  /** Tells {@code policy} that admitted {@code seg}'s registered size changed. */
  void resized(SpillPolicy policy, Segment seg, long oldSize, long newSize) {
    int id = seg.id;
    if (id != SegmentIdTable.NO_ID) {
      policy.onResize(id, oldSize, newSize);
    }
  }

  /**
   * The accesses drained for {@code seg} while it was admitted. Only under the lock, as in {@link #drainedThen}, so
   * that the buffered ones are counted first.
   */
  long accessCount(Segment seg) {
    return ids.accessCount(seg);
  }

  /** The accesses one stripe of the buffer holds: the most one thread records between two drains. */
  int stripeCapacity() {
    return accesses.stripeCapacity();
  }

  /** Accesses dropped so far (see the class comment). */
  long droppedAccesses() {
    return droppedAccesses.sum();
  }

  /** Accesses counted but not told to the policy so far, by drain tasks behind the readers (see the class comment). */
  long undeliveredAccesses() {
    return drain.undelivered();
  }

  /** Drains every stripe and tells the policy of every access. Caller holds the lock. */
  private void drainAccesses() {
    drain.drainAll(policy);
  }
}
