package io.spillway.core.internal;

import io.spillway.api.AlreadySpilledException;
import io.spillway.api.SegmentNames;
import io.spillway.api.SegmentNotFoundException;
import io.spillway.api.SpillEvent;
import io.spillway.api.SpillStoreException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RedDB's manual API: segments whose bytes the caller holds, registered, resized, spilled and reloaded on request,
 * with exact accounting. Internal, may change.
 *
 * <p>Each operation holds the segment's lock, including during store I/O, so the operations on one segment are
 * ordered while different segments' I/O runs in parallel. A manual reload deletes the stored copy (RedDB's rule).
 * Manual registration and resizing are never held back by the budget. Thread-safe.
 */
final class ManualSegments {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultSpillManager.class);

  private final SegmentRegistry registry;
  private final SegmentIo io;
  private final SpillCounters counters;
  private final MemoryBudget budget;
  private final Spiller spiller;
  private final PolicyDriver policy;
  private final Listeners listeners;

  ManualSegments(SegmentRegistry registry, SegmentIo io, SpillCounters counters, MemoryBudget budget,
      Spiller spiller, PolicyDriver policy, Listeners listeners) {
    this.registry = registry;
    this.io = io;
    this.counters = counters;
    this.budget = budget;
    this.spiller = spiller;
    this.policy = policy;
    this.listeners = listeners;
  }

  /** What a spill or reload under the segment's lock produced: its result, or its failure; and the event to tell. */
  private record Outcome<R>(@Nullable R result, @Nullable SpillEvent event, @Nullable RuntimeException failure) {
    static <R> Outcome<R> done(R result, @Nullable SpillEvent event) {
      return new Outcome<>(result, event, null);
    }

    static <R> Outcome<R> failed(SpillEvent event, RuntimeException failure) {
      return new Outcome<>(null, event, failure);
    }
  }

  void register(String name, long size) {
    SegmentNames.validate(name);
    requireSize(name, size);
    registry.admit(new Segment(name, size), false);
    spiller.maybeSpill();
  }

  boolean unregister(String name) {
    Objects.requireNonNull(name, "name");
    boolean found = registry.locked(name, () -> false, seg -> {
      registry.remove(seg, "unregistered");
      return true;
    });
    if (found) {
      spiller.signalRoom();
    }
    return found;
  }

  void updateSize(String name, long size) {
    Objects.requireNonNull(name, "name");
    requireSize(name, size);
    long delta = registry.<Long>locked(name, () -> {
      throw new SegmentNotFoundException(name);
    }, seg -> {
      seg.requireManual("updateSize", "SegmentHandle.set");
      long old = seg.size();
      seg.setSize(size);
      boolean resident = seg.location == null;
      if (resident) {
        budget.add(size - old);
      }
      policy.event(p -> policy.resized(p, seg, old, size));
      return resident ? size - old : 0;
    });
    if (delta < 0) {
      spiller.signalRoom();
    } else if (delta > 0) {
      spiller.maybeSpill();
    }
  }

  URI spill(String name, byte[] data) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(data, "data");
    Outcome<URI> outcome = spillOnce(name, data);
    RuntimeException failure = outcome.failure();
    // As for managed spills (ManagedSpill#write): clean copies only save rewrites, so they give up their room to a
    // spill the store refused (its quota reached, its disk full), and the spill is tried once more. They are dropped
    // outside the segment's lock, since dropping takes the managed values' locks.
    if (failure != null && counters.cleanCopies() > 0
        && registry.dropCleanCopies("the store is short of space") > 0) {
      LOG.info("Spill of segment '{}' failed ({}); dropped the clean copies of reloaded values and retrying", name,
          failure.toString());
      outcome = spillOnce(name, data);
      RuntimeException again = outcome.failure();
      if (again != null) {
        again.addSuppressed(failure);
      }
      failure = again;
    }
    if (failure != null) {
      counters.spillFailed();
      LOG.warn("{}; the segment stays resident", failure.getMessage());
      listeners.failed(Objects.requireNonNull(outcome.event()), failure);
      throw failure;
    }
    spiller.signalRoom();
    listeners.spilled(Objects.requireNonNull(outcome.event()));
    return Objects.requireNonNull(outcome.result());
  }

  private Outcome<URI> spillOnce(String name, byte[] data) {
    return registry.locked(name, () -> {
      throw new SegmentNotFoundException(name);
    }, seg -> spillLocked(seg, data));
  }

  private Outcome<URI> spillLocked(Segment seg, byte[] data) {
    String name = seg.name;
    seg.requireManual("spill", "the manager");
    if (seg.location != null) {
      throw new AlreadySpilledException(name);
    }
    registry.awaitBarrier(seg);
    long start = System.nanoTime();
    URI written;
    try {
      written = io.write(name, data, seg.size());
    } catch (SpillStoreException e) {
      return Outcome.failed(
          new SpillEvent(name, SpillEvent.Kind.SPILL, seg.size(), data.length, since(start), null), e);
    }
    long nanos = System.nanoTime() - start;
    registry.commitSpill(seg, written, seg.size(), data.length, nanos);
    LOG.debug("Spilled segment '{}' ({} registered bytes, {} payload bytes) to {}", name, seg.size(), data.length,
        written);
    return Outcome.done(written, new SpillEvent(name, SpillEvent.Kind.SPILL, seg.size(), data.length,
        Duration.ofNanos(nanos), written));
  }

  Optional<byte[]> reload(String name) {
    Objects.requireNonNull(name, "name");
    Outcome<Optional<byte[]>> outcome = registry.locked(name, () -> {
      throw new SegmentNotFoundException(name);
    }, this::reloadLocked);
    RuntimeException failure = outcome.failure();
    if (failure != null) {
      listeners.failed(Objects.requireNonNull(outcome.event()), failure);
      throw failure;
    }
    SpillEvent done = outcome.event();
    if (done != null) {
      listeners.reloaded(done);
      spiller.maybeSpill();
    }
    return Objects.requireNonNull(outcome.result());
  }

  private Outcome<Optional<byte[]>> reloadLocked(Segment seg) {
    String name = seg.name;
    seg.requireManual("reload", "SegmentHandle.get");
    URI location = seg.location;
    if (location == null) {
      return Outcome.done(Optional.empty(), null);
    }
    long start = System.nanoTime();
    byte[] payload;
    try {
      payload = io.read(name, location, seg.size());
    } catch (RuntimeException e) {
      counters.reloadFailed();
      return Outcome.failed(new SpillEvent(name, SpillEvent.Kind.RELOAD, seg.size(), 0, since(start), location), e);
    }
    long nanos = System.nanoTime() - start;
    io.deleteQuietly(name, location, "reloaded");
    budget.add(seg.size());
    registry.commitReload(seg, payload.length, nanos);
    LOG.debug("Reloaded segment '{}' ({} registered bytes, {} payload bytes) from {}", name, seg.size(),
        payload.length, location);
    return Outcome.done(Optional.of(payload), new SpillEvent(name, SpillEvent.Kind.RELOAD, seg.size(), payload.length,
        Duration.ofNanos(nanos), location));
  }

  private static void requireSize(String name, long size) {
    if (size < 0 || size > Segment.MAX_SIZE) {
      throw new IllegalArgumentException("size must be between 0 and 2^62 - 1, was " + size + " for segment '"
          + name + "'");
    }
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }
}
