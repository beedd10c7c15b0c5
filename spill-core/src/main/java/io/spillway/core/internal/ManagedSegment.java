package io.spillway.core.internal;

import io.spillway.api.SpillCodec;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * A segment whose value the {@link DefaultSpillManager} holds, spills and reloads itself: the value, its codec and
 * weigher, a pin count and its lifecycle state. Internal, may change.
 *
 * <p><b>States.</b>
 * <pre>
 *   M_RESIDENT --spill starts--&gt; M_SPILLING --write committed--&gt; M_SPILLED
 *                                     \--write failed, value replaced, pinned or closed--&gt; M_RESIDENT
 *   M_SPILLED --get/pin/prefetch--&gt; M_RELOADING --read verified--&gt; M_RESIDENT, clean
 *                                     \--read failed--&gt; M_SPILLED
 *   M_RESIDENT, clean --evicted (no write)--&gt; M_SPILLED
 *   M_RESIDENT, clean --set, or the store needs the space (copy deleted)--&gt; M_RESIDENT
 * </pre>
 * The value is held strongly in M_RESIDENT and M_SPILLING and dropped (null) in M_SPILLED and M_RELOADING and once
 * the segment is removed. A reloaded value is <i>clean</i> while the store still holds the copy it was read from
 * ({@link #cleanCopy}): evicting it again only drops the reference.
 *
 * <p>A value is never changed in place by the manager, and {@link io.spillway.api.SegmentHandle#get()} documents
 * that callers must not either: a change made without {@code set} would be lost at the next eviction, with or
 * without a clean copy.
 *
 * <p><b>Contract.</b> As {@link Segment}'s: fields are written under this segment's lock unless said otherwise,
 * and the manager keeps the rules written on each. Not thread-safe by itself.
 */
final class ManagedSegment<T> extends Segment {
  /** Resident: the value is held, no I/O in flight. */
  static final byte M_RESIDENT = 0;
  /** A spill is writing a snapshot of the value; the value is still held. */
  static final byte M_SPILLING = 1;
  /** The value is in the store only. */
  static final byte M_SPILLED = 2;
  /** A reload is reading the value back; {@link #reload} is its result. */
  static final byte M_RELOADING = 3;

  final SpillCodec<T> codec;
  final ToLongFunction<? super T> weigher;
  /**
   * Held while M_RESIDENT or M_SPILLING and live, null otherwise: so a non-null value read without the lock is the
   * current value of a live segment at the moment of the read. Written under the segment's lock.
   */
  volatile @Nullable T value;
  /** Incremented by every set, so that a spill in flight can tell its snapshot is stale. */
  long version;
  /** Read without the lock by the victim predicate. */
  volatile byte state = M_RESIDENT;
  /** Read without the lock by the victim predicate. */
  volatile int pins;
  /** The reload in flight, shared by every caller that waits for it. */
  @Nullable CompletableFuture<T> reload;
  /**
   * Where the store holds a copy of the current value, kept after a verified reload until the value is set, removed
   * or the copy is dropped for space; null otherwise, and always null unless M_RESIDENT (a clean value is evicted
   * without a write, never spilled through M_SPILLING).
   */
  @Nullable URI cleanCopy;
  /** Completes (normally) when the spill or reload in flight has left the store alone; read by successors. */
  volatile @Nullable CompletableFuture<Void> io;

  ManagedSegment(String name, long size, SpillCodec<T> codec, ToLongFunction<? super T> weigher, T value) {
    super(name, size);
    this.codec = codec;
    this.weigher = weigher;
    this.value = value;
  }

  /**
   * A managed segment in M_SPILLED whose value is only in the store, at a location and size the caller sets (under
   * this segment's lock) before publishing it: one {@code reattach} makes of a spilled manual segment.
   */
  ManagedSegment(String name, SpillCodec<T> codec, ToLongFunction<? super T> weigher) {
    super(name, 0);
    this.codec = codec;
    this.weigher = weigher;
    this.value = null;
    this.state = M_SPILLED;
  }

  @Override
  ManagedSegment<?> managed() {
    return this;
  }

  @Override
  void requireManual(String operation, String instead) {
    throw new IllegalStateException("Segment '" + name + "' is managed (created by put): " + operation
        + " is refused, use " + instead + " instead");
  }

  @Override
  boolean isManualVictim(long minSpillSize) {
    return false;
  }

  @Override
  boolean isManagedVictim(long minSpillSize) {
    return !isRemoved() && state == M_RESIDENT && pins == 0 && size() >= minSpillSize;
  }

  @Override
  @Nullable CompletableFuture<Void> ioInFlight() {
    return io;
  }

  @Override
  long retire(SegmentIo io, SpillCounters counters, String why) {
    long released = 0;
    counters.managedSegments(-1);
    if (pins > 0) {
      counters.pinned(-size());
      pins = 0;
    }
    switch (state) {
      case M_RESIDENT:
      case M_SPILLING:
        released = size();
        dropCleanCopy(io, counters, why);
        break;
      case M_SPILLED:
        io.deleteQuietly(name, Objects.requireNonNull(location), why);
        counters.unspilled();
        location = null;
        break;
      default: // M_RELOADING: the reloading thread deletes the copy and gives back the room it reserved
        counters.unspilled();
        location = null;
        break;
    }
    value = null;
    markRemoved();
    return released;
  }

  /** Deletes the clean copy, if any (see {@link #cleanCopy}). Caller holds this segment's lock. */
  void dropCleanCopy(SegmentIo io, SpillCounters counters, String why) {
    URI copy = cleanCopy;
    if (copy != null) {
      cleanCopy = null;
      counters.cleanCopies(-1);
      io.deleteQuietly(name, copy, why);
    }
  }

  @Override
  void forget(SpillCounters counters) {
    super.forget(counters);
    counters.managedSegments(-1);
    value = null;
  }
}
