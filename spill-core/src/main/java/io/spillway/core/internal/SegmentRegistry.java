package io.spillway.core.internal;

import io.spillway.api.SegmentNotFoundException;
import io.spillway.api.SpillStoreException;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A manager's segments by name, each its own lock, with their admission and retirement and the I/O barriers between
 * a segment and the one it replaced. Internal, may change.
 *
 * <p><b>Publication.</b> Registering a name locks the new segment before publishing it, then the old one, retires
 * the old one and admits the new one to the policy in one policy event (removal first); an unregistered segment
 * leaves the map only after the policy heard of its removal. So the policy always sees a name's {@code onRemove}
 * before the {@code onAdmit} of its next registration, and {@link #locked} never runs an action on a dead segment.
 *
 * <p><b>Barriers.</b> The store never sees two operations on one key at once. A segment's own I/O is ordered by its
 * lock (manual) or its states (managed); a segment registered while its predecessor's managed I/O was in flight
 * records that I/O as a barrier, waited for before its own first store operation (a managed one is not spillable
 * until it has passed). Barriers are kept in a side map, flagged by {@link Segment#hasBarrier}, so that every other
 * segment is spared the field.
 *
 * <p>Thread-safe. Lock order: segment lock, then the policy lock or the budget lock.
 */
final class SegmentRegistry {
  private final SegmentTable segments = new SegmentTable();
  /** A predecessor's store I/O on a segment's key, for the few segments registered while it was in flight. */
  private final ConcurrentHashMap<Segment, CompletableFuture<Void>> barriers = new ConcurrentHashMap<>();
  private final Lifecycle lifecycle;
  private final MemoryBudget budget;
  private final PolicyDriver policy;
  private final SegmentIo io;
  private final SpillCounters counters;

  SegmentRegistry(Lifecycle lifecycle, MemoryBudget budget, PolicyDriver policy, SegmentIo io,
      SpillCounters counters) {
    this.lifecycle = lifecycle;
    this.budget = budget;
    this.policy = policy;
    this.io = io;
    this.counters = counters;
  }

  /** The current segment named {@code name}, or null; it may be removed by the time the caller locks it. */
  @Nullable Segment get(String name) {
    return segments.get(name);
  }

  /** The current segments, one stripe at a time (see {@link SegmentTable#iterator}). */
  Iterable<Segment> all() {
    return segments;
  }

  int size() {
    return segments.size();
  }

  /**
   * Runs {@code action} holding the lock of the current, live segment named {@code name}, or returns
   * {@code missing.get()} if there is none.
   *
   * @throws IllegalStateException if the manager is closed
   */
  <R> R locked(String name, Supplier<R> missing, Function<Segment, R> action) {
    lifecycle.ensureOpen();
    while (true) {
      Segment seg = segments.get(name);
      if (seg == null) {
        return missing.get();
      }
      synchronized (seg) {
        if (seg.isRemoved()) {
          continue;
        }
        lifecycle.ensureOpen();
        return action.apply(seg);
      }
    }
  }

  /**
   * Publishes {@code fresh}, retiring the segment it replaces. {@code reserved}: its size is already in the usage.
   * Wakes the callers waiting for room if the predecessor freed some.
   */
  void admit(Segment fresh, boolean reserved) {
    String name = fresh.name;
    long size = fresh.size();
    boolean freed = false;
    synchronized (fresh) {
      Segment old = segments.put(fresh);
      Segment retired = null;
      long released = 0;
      if (old != null) {
        synchronized (old) {
          if (!old.isRemoved()) {
            setBarrier(fresh, ioBarrier(old));
            released = retire(old, "re-registered");
            retired = old;
            freed = true;
          }
        }
      }
      // One update for both segments, so that no reader sees the usage with neither of them counted.
      long added = reserved ? 0 : size;
      if (added != released) {
        budget.add(added - released);
      }
      policy.admit(fresh, size, retired);
    }
    if (freed) {
      budget.signalRoom();
    }
  }

  /**
   * Publishes {@code recovered}, a segment a persistent session held, as spilled at {@code location}: the usage is
   * untouched, the spilled count grows, and the policy hears of its admission and its spill. On opening, before the
   * manager is shared.
   *
   * @throws IllegalStateException if the name is already registered (a store listed a key twice)
   */
  void admitRecovered(Segment recovered, URI location) {
    synchronized (recovered) {
      recovered.location = location;
      if (segments.putIfAbsent(recovered) != null) {
        throw new IllegalStateException("Segment '" + recovered.name + "' is already registered");
      }
      counters.recovered();
      policy.admit(recovered, recovered.size(), null);
      policy.event(p -> policy.spilled(p, recovered));
    }
  }

  /**
   * Replaces the spilled manual segment {@code fresh.name} by {@code fresh}, a managed segment in M_SPILLED that takes
   * over its stored copy and its size, unread; the policy hears of the manual segment's removal, then of the managed
   * one's admission and spill. Caller holds no segment lock.
   *
   * @throws SegmentNotFoundException if no segment has that name
   * @throws IllegalStateException if the segment is resident or already managed, or the manager is closed
   */
  void reattach(ManagedSegment<?> fresh) {
    String name = fresh.name;
    // Locked as admit locks, the new segment first: nobody else can hold its lock before it is published.
    synchronized (fresh) {
      while (true) {
        lifecycle.ensureOpen();
        Segment old = segments.get(name);
        if (old == null) {
          throw new SegmentNotFoundException(name);
        }
        synchronized (old) {
          if (old.isRemoved()) {
            continue;
          }
          if (old.managed() != null) {
            throw new IllegalStateException("Segment '" + name + "' is already a managed value: use its handle, "
                + "or close it and put the value again");
          }
          URI location = old.location;
          if (location == null) {
            throw new IllegalStateException("Segment '" + name + "' is resident: only a spilled manual segment, such "
                + "as one recovered from a persistent session, can be reattached; put the value instead");
          }
          // Set before publishing, so that no reader sees the new segment without its size.
          fresh.setSize(old.size());
          fresh.location = location;
          if (!segments.replace(old, fresh)) {
            continue; // replaced by a registration that waits for old's lock: it retires old, and we look again
          }
          CompletableFuture<Void> barrier = barrierOf(old);
          if (barrier != null) {
            barriers.remove(old);
            setBarrier(fresh, barrier);
          }
          // Not retired: its stored copy is the managed segment's now, and stays spilled (the spilled count too).
          old.markRemoved();
          counters.managedSegments(1);
          policy.admit(fresh, fresh.size(), old);
          policy.event(p -> policy.spilled(p, fresh));
          return;
        }
      }
    }
  }

  /**
   * Takes and releases every segment's lock in turn, so that the manual operations under way (which hold their
   * segment's lock throughout) have finished; for closing a persistent session, whose copies are kept.
   */
  void awaitLockedOperations() {
    for (Segment seg : segments) {
      synchronized (seg) {
        // Empty: taking the lock once is the wait.
      }
    }
  }

  /**
   * Retires {@code seg}, tells the policy, then takes it out of the map. Caller holds the segment's lock and
   * signals the freed room once it released it.
   */
  void remove(Segment seg, String why) {
    budget.add(-retire(seg, why));
    policy.remove(seg);
    // Only now may a new registration of the name find the map free, so its onAdmit follows this onRemove.
    segments.remove(seg);
  }

  /**
   * Marks {@code seg} spilled at {@code location}: the usage loses {@code size}, the counters and the policy learn of
   * it. Shared by manual and managed spills. Caller holds the segment's lock.
   */
  void commitSpill(Segment seg, URI location, long size, long payloadLength, long nanos) {
    seg.location = location;
    budget.add(-size);
    counters.spilled(payloadLength, nanos);
    policy.event(p -> policy.spilled(p, seg));
  }

  /**
   * Marks clean {@code managed} spilled at its clean copy without a write: the usage loses its size, the counters and
   * the policy learn of it. Caller holds the segment's lock.
   */
  void commitCleanEviction(ManagedSegment<?> managed, URI copy) {
    managed.location = copy;
    managed.cleanCopy = null;
    budget.add(-managed.size());
    counters.cleanCopies(-1);
    counters.evictedClean();
    policy.event(p -> policy.spilled(p, managed));
  }

  /**
   * Deletes every clean copy (see {@link ManagedSegment#cleanCopy}), for a store that is out of space: the values
   * stay resident and will be written again when evicted.
   *
   * @return how many copies were dropped
   */
  int dropCleanCopies(String why) {
    int dropped = 0;
    for (Segment seg : segments) {
      ManagedSegment<?> managed = seg.managed();
      if (managed == null || managed.cleanCopy == null) {
        continue;
      }
      synchronized (managed) {
        if (managed.cleanCopy != null && !managed.isRemoved()) {
          managed.dropCleanCopy(io, counters, why);
          dropped++;
        }
      }
    }
    return dropped;
  }

  /**
   * Marks {@code seg} resident again after a verified reload: the counters and the policy learn of it. The usage is
   * the caller's (a manual reload adds the size now, a managed one reserved it before reading). Caller holds the
   * segment's lock.
   */
  void commitReload(Segment seg, long payloadLength, long nanos) {
    seg.location = null;
    counters.reloaded(payloadLength, nanos);
    policy.event(p -> policy.reloaded(p, seg, nanos));
  }

  /** {@link Segment#retire}, and its barrier forgotten. Caller holds the segment's lock. */
  private long retire(Segment seg, String why) {
    long released = seg.retire(io, counters, why);
    if (seg.hasBarrier()) {
      barriers.remove(seg);
    }
    return released;
  }

  /**
   * Deletes the stored copy of every spilled segment (but those with I/O in flight) and forgets those segments.
   *
   * @throws SpillStoreException for the copies that could not be deleted (the first, the others suppressed); their
   *     segments stay spilled, so that the call can be retried
   */
  void forgetSpilled() {
    SpillStoreException failure = null;
    for (Segment seg : segments) {
      synchronized (seg) {
        URI location = seg.location;
        if (seg.isRemoved() || location == null || seg.ioInFlight() != null) {
          continue;
        }
        try {
          io.delete(seg.name, location);
        } catch (SpillStoreException e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
          continue;
        }
        seg.forget(counters);
        if (seg.hasBarrier()) {
          barriers.remove(seg);
        }
        policy.remove(seg);
        // After onRemove, so that a new registration of the name is admitted after it (see remove).
        segments.remove(seg);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Forgets every segment; on close, once nothing is in flight. */
  void clear() {
    segments.clear();
    barriers.clear();
  }

  /** The store I/O on {@code old}'s key that a successor must wait for, if any. Caller holds old's lock. */
  private @Nullable CompletableFuture<Void> ioBarrier(Segment old) {
    CompletableFuture<Void> own = old.ioInFlight();
    if (own != null) {
      return own;
    }
    CompletableFuture<Void> inherited = barrierOf(old);
    return inherited == null || inherited.isDone() ? null : inherited;
  }

  /** Records the predecessor's I/O {@code seg} must wait for, if any. Caller holds seg's lock, before publishing it. */
  private void setBarrier(Segment seg, @Nullable CompletableFuture<Void> barrier) {
    if (barrier != null) {
      barriers.put(seg, barrier);
      seg.setHasBarrier(true);
    }
  }

  /** The barrier recorded for {@code seg}, if it has one that has not been waited for. */
  private @Nullable CompletableFuture<Void> barrierOf(Segment seg) {
    return seg.hasBarrier() ? barriers.get(seg) : null;
  }

  /** Waits for a predecessor's I/O on this segment's key. Caller holds the segment's lock. */
  void awaitBarrier(Segment seg) {
    CompletableFuture<Void> barrier = barrierOf(seg);
    if (barrier != null) {
      barrier.join(); // completes normally, without needing this segment's lock
      barriers.remove(seg, barrier);
      seg.setHasBarrier(false);
    }
  }

  /**
   * Whether {@code seg} has no predecessor's I/O left to wait for. Reads only: a barrier that has passed is forgotten
   * by the segment's next store operation ({@link #forgetPassedBarrier}), not here, because the victim predicate
   * asks this under the policy lock.
   */
  boolean barrierPassed(Segment seg) {
    CompletableFuture<Void> barrier = barrierOf(seg);
    return barrier == null || barrier.isDone();
  }

  /** Forgets {@code seg}'s barrier if it has passed; returns whether none is left. Caller holds the segment's lock. */
  boolean forgetPassedBarrier(Segment seg) {
    CompletableFuture<Void> barrier = barrierOf(seg);
    if (barrier == null) {
      return true;
    }
    if (!barrier.isDone()) {
      return false;
    }
    barriers.remove(seg, barrier);
    seg.setHasBarrier(false);
    return true;
  }
}
