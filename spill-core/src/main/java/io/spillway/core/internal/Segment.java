package io.spillway.core.internal;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * One segment registered with a {@link DefaultSpillManager}, and the lock of its operations. Internal, may change.
 *
 * <p>A manual segment (registered with {@code registerSegment}) is exactly this class; a managed one (created by
 * {@code put}) is the subclass {@link ManagedSegment}, so that manual segments carry no managed-value field.
 *
 * <p><b>Contract.</b> A plain record: the manager enforces the rules written on each field. Fields marked "under this
 * segment's lock" are written only while holding the segment's monitor ({@code synchronized (seg)}) and may be read
 * without it where they are volatile; fields marked "guarded by the policy lock" are read and written only under the
 * manager's policy lock. Once {@link #isRemoved()} is true the segment is dead for good: it is out of the manager's map
 * (or about to be) and every operation on it must fail or do nothing.
 *
 * <p><b>Size.</b> Kept small because a manager may track millions: with compressed references the object is 32 bytes
 * (a 12-byte header, a name reference, the size with the two flags in its top bits, a location reference, the id),
 * without a byte of padding; two boolean fields of their own would pad it to 40. The
 * access count and what the policy has been told of the segment live in {@link SegmentIdTable}, by id, not here (see
 * {@link AccessCounts} why). Rarely used state lives elsewhere: a predecessor's I/O barrier in the manager's
 * {@code barriers} map, flagged by {@link #hasBarrier}.
 */
class Segment {
  /** The largest registered size a segment can have: 2^62 − 1 bytes (the top two bits of its field are flags). */
  static final long MAX_SIZE = (1L << 62) - 1;
  /** In {@link #sizeAndFlags}: {@link #isRemoved()}. */
  private static final long REMOVED = 1L << 63;
  /** In {@link #sizeAndFlags}: {@link #hasBarrier()}. */
  private static final long HAS_BARRIER = 1L << 62;

  final String name;
  /**
   * The registered size (bits 0 to 61) and the flags {@link #REMOVED} and {@link #HAS_BARRIER}. Written under this
   * segment's lock only, as a read-modify-write, which the lock makes safe; read without it.
   */
  private volatile long sizeAndFlags;
  /**
   * Where the stored copy is; non-null exactly while spilled (for a managed segment: SPILLED or RELOADING).
   * Written under this segment's lock.
   */
  volatile @Nullable URI location;
  /**
   * This segment's id in the manager's {@link SegmentIdTable}, the one the policy knows it by, from its admission to
   * the policy until its removal; {@link SegmentIdTable#NO_ID} otherwise. Written under the policy lock; read without
   * it by threads recording an access.
   */
  volatile int id = SegmentIdTable.NO_ID;

  /**
   * @param size the registered size, 0 to {@link #MAX_SIZE}, which the caller has checked
   */
  Segment(String name, long size) {
    this.name = name;
    this.sizeAndFlags = size;
  }

  /** The registered size. */
  final long size() {
    return sizeAndFlags & MAX_SIZE;
  }

  /** Sets the registered size, 0 to {@link #MAX_SIZE}. Caller holds this segment's lock. */
  final void setSize(long size) {
    sizeAndFlags = (sizeAndFlags & ~MAX_SIZE) | size;
  }

  /** Whether it was unregistered, replaced, closed or forgotten by cleanup: set under its lock, never cleared. */
  final boolean isRemoved() {
    return (sizeAndFlags & REMOVED) != 0;
  }

  /** Marks it removed for good. Caller holds this segment's lock. */
  final void markRemoved() {
    sizeAndFlags |= REMOVED;
  }

  /**
   * Whether a predecessor's I/O was recorded in the manager's {@code barriers} map for this segment. May stay set
   * after the barrier passed (the map then has no entry): it only spares the others a map lookup.
   */
  final boolean hasBarrier() {
    return (sizeAndFlags & HAS_BARRIER) != 0;
  }

  /** Sets or clears {@link #hasBarrier()}. Caller holds this segment's lock. */
  final void setHasBarrier(boolean barrier) {
    sizeAndFlags = barrier ? sizeAndFlags | HAS_BARRIER : sizeAndFlags & ~HAS_BARRIER;
  }

  /** This segment as a managed one, or null for a manual segment. */
  @Nullable ManagedSegment<?> managed() {
    return null;
  }

  /**
   * Refuses {@code operation} of the manual API on a managed segment, naming what to use {@code instead}; does
   * nothing for a manual one.
   *
   * @throws IllegalStateException if this segment is managed
   */
  void requireManual(String operation, String instead) {}

  /** Whether {@code needsSpill} may offer it: a manual segment, resident, of at least {@code minSpillSize} bytes. */
  boolean isManualVictim(long minSpillSize) {
    return !isRemoved() && location == null && size() >= minSpillSize;
  }

  /**
   * Whether the manager's spiller may spill it: a managed segment, resident with no I/O in flight, unpinned, of at
   * least {@code minSpillSize} bytes (a predecessor's barrier is the registry's to check).
   */
  boolean isManagedVictim(long minSpillSize) {
    return false;
  }

  /** The store I/O in flight on this segment's key (a managed spill or reload), or null. */
  @Nullable CompletableFuture<Void> ioInFlight() {
    return null;
  }

  /**
   * Takes this segment out of the accounting and marks it removed: returns the resident bytes it no longer counts,
   * which the caller subtracts from the usage, and deletes its stored copy if it has one and no I/O is in flight
   * (a managed spill or reload in flight deletes the copy itself when it sees the segment gone). Caller holds the
   * segment's lock, takes it out of the map (or has replaced it), forgets its barrier and signals the freed room
   * once it released the lock.
   */
  long retire(SegmentIo io, SpillCounters counters, String why) {
    long released = 0;
    URI stored = location;
    if (stored == null) {
      released = size();
    } else {
      // Deleted while the segment is still current (or its successor is still locked), so that no new copy under
      // the same key can be written meanwhile and then deleted by mistake.
      io.deleteQuietly(name, stored, why);
      counters.unspilled();
      location = null;
    }
    markRemoved();
    return released;
  }

  /** Lets go of what it holds once cleanup deleted its stored copy and forgot it. Caller holds its lock. */
  void forget(SpillCounters counters) {
    markRemoved();
    location = null;
    counters.unspilled();
  }
}
