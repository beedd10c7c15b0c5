package io.spillway.core.internal;

import io.spillway.api.spi.SpillPolicy;
import java.util.Arrays;
import java.util.List;
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
 * <p><b>Accesses.</b> {@link #recordAccess} never waits and never allocates: it records into the calling thread's
 * stripe; if the stripe is full it drains that stripe to the policy when the lock is free ({@code tryLock}) and
 * records again, else it drops the access and counts it ({@link #droppedAccesses()}). So a thread alone with the
 * driver loses no access. A drained access is counted in the segment's slot of {@link AccessCounts} (from its
 * admission to its removal) and told to the policy only if the segment is, as the policy knows it
 * ({@link Segment#policyState}), resident and not removed: by its {@link Segment#policyHandle} when the policy gave
 * one, so that the policy need not look the name up. The drain reads segments but writes none, so that the lines of
 * the segments (and of the map nodes beside them) stay shared by the processors that look them up.
 *
 * <p><b>Events.</b> {@link #event}, {@link #selectVictims} and {@link #drainedThen} drain every stripe first, so the
 * policy hears of each access before any later event. An exception thrown by the policy on an event or an access is
 * logged at WARN and swallowed, so that a faulty plugin cannot break the caller's bookkeeping. After {@link #close}
 * the policy is dropped: events are ignored and {@link #selectVictims} returns null.
 *
 * <p>Thread-safe. The caller may hold a segment lock when calling in (segment lock, then policy lock, is the
 * manager's lock order), never the other way round; the policy lock is held only for the policy call and a drain.
 */
final class PolicyDriver {
  private final Logger log;
  /** Serialises every call to the policy; taken with tryLock by recording threads, which never wait for it. */
  private final ReentrantLock lock = new ReentrantLock();
  /** Guarded by lock; null once closed. */
  private @Nullable SpillPolicy policy;
  private final AccessBuffer<Segment> accesses = AccessBuffer.forThisMachine();
  /** Guarded by lock. */
  private final AccessCounts counts = new AccessCounts();
  /** Accesses not recorded because the buffer was full or contended while another thread held the lock. */
  private final LongAdder droppedAccesses = new LongAdder();
  /** One stripe's drained accesses, being delivered; guarded by lock, empty between drains. */
  private final Segment[] batch = new Segment[accesses.stripeCapacity()];
  /** The policy's handles of the batch's accesses it gets by handle; guarded by lock. */
  private final int[] handles = new int[accesses.stripeCapacity()];

  /**
   * @param policy the policy, owned by this driver from now on
   * @param log where the policy's failures are logged (the manager's logger)
   */
  PolicyDriver(SpillPolicy policy, Logger log) {
    this.policy = policy;
    this.log = log;
  }

  /** Records an access for the policy (and the segment's count) without waiting for any lock or allocating. */
  void recordAccess(Segment seg) {
    int outcome = accesses.offer(seg);
    if (outcome != AccessBuffer.RECORDED) {
      recordAccessSlowly(seg, outcome);
    }
  }

  /**
   * A full stripe is drained by the recording thread if the policy lock is free, and the access recorded again; so
   * a thread alone with the driver loses nothing. If another thread holds the policy lock (it is draining, or busy
   * with the policy), or the stripes are contended, the access is dropped and counted, as Caffeine drops reads. The
   * thread drains only the full stripe, mostly its own accesses, whose segments its processor has just read; the
   * other stripes are drained by their own threads or before the next policy event.
   */
  private void recordAccessSlowly(Segment seg, int outcome) {
    int result = outcome;
    // Reading the lock's state first spares a doomed compare-and-set on the line the draining thread holds.
    if (AccessBuffer.isFull(result) && !lock.isLocked() && lock.tryLock()) {
      try {
        // Other threads may refill the stripe between the drain and the offer; a few rounds, then give up.
        for (int round = 0; round < 4 && AccessBuffer.isFull(result); round++) {
          deliver(accesses.drainStripe(result, batch));
          result = accesses.offer(seg);
        }
      } finally {
        lock.unlock();
      }
    }
    if (result != AccessBuffer.RECORDED) {
      droppedAccesses.increment();
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
    lock.lock();
    try {
      accesses.drainTo(seg -> { });
      policy = null;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Admits {@code seg} to {@code policy}: it is resident, takes a count slot, and its accesses reach the policy by
   * the handle the policy gives, if any. Only inside an {@link #event}, with the policy it was given.
   */
  void admit(SpillPolicy policy, Segment seg, long size) {
    seg.policyState = Segment.RESIDENT;
    seg.countSlot = counts.take();
    policy.onAdmit(seg.name, size);
    seg.policyHandle = Math.max(SpillPolicy.NO_HANDLE, policy.accessHandle(seg.name));
  }

  /**
   * Tells {@code policy} that {@code seg} is gone: no access to it is delivered or counted any more, and its count
   * slot and handle may go to another segment. Only inside an {@link #event}, with the policy it was given.
   */
  void remove(SpillPolicy policy, Segment seg) {
    seg.policyState = Segment.REMOVED;
    if (seg.countSlot != AccessCounts.NO_SLOT) {
      counts.release(seg.countSlot);
      seg.countSlot = AccessCounts.NO_SLOT;
    }
    seg.policyHandle = SpillPolicy.NO_HANDLE;
    policy.onRemove(seg.name);
  }

  /**
   * The accesses drained for {@code seg} while it was admitted. Only under the lock, as in {@link #drainedThen}, so
   * that the buffered ones are counted first.
   */
  long accessCount(Segment seg) {
    int slot = seg.countSlot;
    return slot == AccessCounts.NO_SLOT ? 0 : counts.get(slot);
  }

  /** Accesses dropped so far (see the class comment). */
  long droppedAccesses() {
    return droppedAccesses.sum();
  }

  /** Caller holds the lock. */
  private void drainAccesses() {
    for (int stripe = 0; stripe < accesses.stripes(); stripe++) {
      deliver(accesses.drainStripe(stripe, batch));
    }
  }

  /**
   * Counts each of the first {@code n} accesses of the batch and tells the policy of those whose segments it knows
   * resident: first the ones it has handles for, in one call, then the others by name. Under lock.
   */
  private void deliver(int n) {
    int handled = 0;
    int named = 0;
    // No call in this loop, so the processor can fetch the segments' cache lines in parallel.
    for (int i = 0; i < n; i++) {
      Segment seg = batch[i];
      batch[i] = null;
      int slot = seg.countSlot;
      if (slot != AccessCounts.NO_SLOT) {
        counts.increment(slot);
      }
      if (seg.policyState == Segment.RESIDENT && !seg.removed) {
        int handle = seg.policyHandle;
        if (handle >= 0) {
          handles[handled++] = handle;
        } else {
          batch[named++] = seg;
        }
      }
    }
    SpillPolicy p = policy;
    if (p == null) {
      Arrays.fill(batch, 0, named, null);
      return;
    }
    try {
      if (handled > 0) {
        p.onAccess(handles, handled);
      }
    } catch (RuntimeException e) {
      log.warn("Policy {} failed on an access; ignored: {}", p.getClass().getName(), e.toString(), e);
    }
    for (int i = 0; i < named; i++) {
      Segment seg = batch[i];
      batch[i] = null;
      try {
        p.onAccess(seg.name);
      } catch (RuntimeException e) {
        log.warn("Policy {} failed on an access; ignored: {}", p.getClass().getName(), e.toString(), e);
      }
    }
  }
}
