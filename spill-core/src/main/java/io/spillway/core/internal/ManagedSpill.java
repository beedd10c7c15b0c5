package io.spillway.core.internal;

import static io.spillway.core.internal.ManagedSegment.M_RESIDENT;
import static io.spillway.core.internal.ManagedSegment.M_SPILLED;
import static io.spillway.core.internal.ManagedSegment.M_SPILLING;

import io.spillway.api.SpillEvent;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spills one managed segment, for the {@link Spiller}. Internal, may change.
 *
 * <p>The segment's lock is held only for state changes, never during the encoding or the write: the spill takes a
 * snapshot of the value and its version under the lock and marks the segment SPILLING, encodes and writes without
 * the lock, then commits under the lock only if the segment is still live, unpinned and at the same version;
 * otherwise it deletes the copy it wrote (the value stays). So a {@code get()} during a spill returns the value in
 * memory at once, and a {@code set()} during a spill wins. A failed spill leaves the value resident and is
 * reported to the listeners.
 *
 * <p>A clean value (reloaded, not set since: see {@link ManagedSegment#cleanCopy}) is evicted without a write, under
 * its lock alone. A write that fails while clean copies exist is taken for a store out of space (its disk full, or
 * its quota reached: {@link io.spillway.api.StoreQuotaExceededException}): every clean copy is deleted, and the
 * write tried once more. Thread-safe.
 */
final class ManagedSpill {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultSpillManager.class);

  /** What {@link #spill} returns when its copy was discarded because the segment changed meanwhile. */
  static final long ABANDONED = -1;

  private final Lifecycle lifecycle;
  private final long minSpillSize;
  private final SegmentRegistry registry;
  private final SegmentIo io;
  private final SpillCounters counters;
  private final Listeners listeners;
  private final MemoryBudget budget;
  private final InFlightIo inFlight;

  ManagedSpill(Lifecycle lifecycle, long minSpillSize, SegmentRegistry registry, SegmentIo io,
      SpillCounters counters, Listeners listeners, MemoryBudget budget, InFlightIo inFlight) {
    this.lifecycle = lifecycle;
    this.minSpillSize = minSpillSize;
    this.registry = registry;
    this.io = io;
    this.counters = counters;
    this.listeners = listeners;
    this.budget = budget;
    this.inFlight = inFlight;
  }

  /**
   * Spills {@code managed} if it is still spillable: returns the bytes freed, 0 if it was not spilled (not
   * spillable, or the spill failed), or {@link #ABANDONED}. Caller holds no segment lock.
   */
  <T> long spill(ManagedSegment<T> managed) {
    @Nullable T snapshot = null;
    long version = 0;
    long size;
    @Nullable CompletableFuture<Void> started = null;
    URI cleanCopy;
    synchronized (managed) {
      if (lifecycle.isClosed() || !managed.isManagedVictim(minSpillSize) || !registry.forgetPassedBarrier(managed)) {
        return 0;
      }
      size = managed.size();
      cleanCopy = managed.cleanCopy;
      if (cleanCopy != null) {
        // Clean: the store holds this very value, so freeing its memory needs no write. Decided under the lock that
        // saw it spillable, so that a clean value is never written (a write would leave its clean copy's reference
        // behind for a later set to delete).
        managed.state = M_SPILLED;
        managed.value = null;
        registry.commitCleanEviction(managed, cleanCopy);
      } else {
        snapshot = Objects.requireNonNull(managed.value);
        version = managed.version;
        started = inFlight.start();
        managed.io = started;
        managed.state = M_SPILLING;
        counters.spilling(size);
      }
    }
    if (cleanCopy != null) {
      budget.signalRoom();
      LOG.debug("Evicted clean managed segment '{}' ({} registered bytes); its copy stays at {}", managed.name, size,
          cleanCopy);
      listeners.spilled(new SpillEvent(managed.name, SpillEvent.Kind.CLEAN_EVICTION, size, 0, Duration.ZERO,
          cleanCopy));
      return size;
    }
    T value = Objects.requireNonNull(snapshot);
    CompletableFuture<Void> pending = Objects.requireNonNull(started);
    String name = managed.name;
    long start = System.nanoTime();
    URI location = null;
    int payloadLength = 0;
    Throwable failure = null;
    try {
      byte[] payload = managed.codec.encode(value);
      payloadLength = payload.length;
      location = write(name, payload, size);
    } catch (RuntimeException | Error e) {
      // An Error too: the segment must leave SPILLING and the I/O be marked done before it propagates.
      failure = e;
    }
    long nanos = System.nanoTime() - start;
    boolean committed = false;
    boolean abandoned = false;
    try {
      synchronized (managed) {
        managed.io = null;
        if (failure != null) {
          managed.state = M_RESIDENT;
        } else if (managed.isRemoved()) {
          io.deleteQuietly(name, Objects.requireNonNull(location), "closed");
          abandoned = true;
        } else if (managed.version != version || managed.pins > 0) {
          // Replaced or pinned while the copy was written: the copy is stale or unwanted, the value stays.
          io.deleteQuietly(name, Objects.requireNonNull(location), "abandoned");
          managed.state = M_RESIDENT;
          abandoned = true;
        } else {
          managed.state = M_SPILLED;
          managed.value = null;
          registry.commitSpill(managed, Objects.requireNonNull(location), size, payloadLength, nanos);
          committed = true;
        }
      }
    } finally {
      counters.spilling(-size);
      inFlight.finish(pending);
    }
    if (failure instanceof Error) {
      throw (Error) failure;
    }
    if (failure != null) {
      RuntimeException error = (RuntimeException) failure;
      counters.managedSpillFailed(error);
      LOG.warn("Cannot spill managed segment '{}'; it stays resident: {}", name, error.toString());
      listeners.failed(new SpillEvent(name, SpillEvent.Kind.SPILL, size, payloadLength, Duration.ofNanos(nanos),
          null), error);
      return 0;
    }
    if (!committed) {
      return abandoned ? ABANDONED : 0;
    }
    budget.signalRoom();
    LOG.debug("Spilled managed segment '{}' ({} registered bytes, {} payload bytes) to {}", name, size, payloadLength,
        location);
    listeners.spilled(new SpillEvent(name, SpillEvent.Kind.SPILL, size, payloadLength, Duration.ofNanos(nanos),
        location));
    return size;
  }

  /** Writes {@code payload}; if that fails while clean copies take store space, drops them and tries once more. */
  private URI write(String name, byte[] payload, long size) {
    try {
      return io.write(name, payload, size);
    } catch (RuntimeException e) {
      if (counters.cleanCopies() == 0 || registry.dropCleanCopies("the store is short of space") == 0) {
        throw e;
      }
      LOG.info("Spill of managed segment '{}' failed ({}); dropped the clean copies of reloaded values and retrying",
          name, e.toString());
      try {
        return io.write(name, payload, size);
      } catch (RuntimeException again) {
        again.addSuppressed(e);
        throw again;
      }
    }
  }
}
