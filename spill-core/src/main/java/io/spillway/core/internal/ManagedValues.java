package io.spillway.core.internal;

import static io.spillway.core.internal.ManagedSegment.M_RELOADING;
import static io.spillway.core.internal.ManagedSegment.M_RESIDENT;
import static io.spillway.core.internal.ManagedSegment.M_SPILLED;
import static io.spillway.core.internal.ManagedSegment.M_SPILLING;

import io.spillway.api.SegmentHandle;
import io.spillway.api.SegmentNames;
import io.spillway.api.SpillCodec;
import io.spillway.api.SpillEvent;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The values a manager holds itself ({@code put}): their lifecycle from reading and pinning to reloading, replacing
 * and closing; spilling them is {@link ManagedSpill}'s. Internal, may change.
 *
 * <p><b>States</b> (see {@link ManagedSegment}): a reload marks the segment RELOADING and publishes a future, reads
 * and decodes without the lock, then commits; concurrent {@code get()}s of a spilled value share one reload, and a
 * {@code set()} during a reload waits for it. A reload reserves its room in the budget before it reads, so that the
 * reloaded value is never over budget; a failed reload leaves the value spilled and fails every {@code get()}
 * waiting for it. {@code get()} of a resident value reads it without any lock. A verified reload keeps the copy it
 * read (a clean copy, see {@link ManagedSegment#cleanCopy}) until the value is set or closed.
 *
 * <p>Thread-safe. No thread waits for room, for a reload or for a barrier while holding a segment lock.
 */
final class ManagedValues {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultSpillManager.class);

  private final Lifecycle lifecycle;
  private final SegmentRegistry registry;
  private final SegmentIo io;
  private final SpillCounters counters;
  private final PolicyDriver policy;
  private final Listeners listeners;
  private final Spiller spiller;
  private final MemoryBudget budget;
  private final InFlightIo inFlight;
  private final Executor executor;

  ManagedValues(Lifecycle lifecycle, SegmentRegistry registry, SegmentIo io, SpillCounters counters,
      PolicyDriver policy, Listeners listeners, Spiller spiller, MemoryBudget budget, InFlightIo inFlight,
      Executor executor) {
    this.lifecycle = lifecycle;
    this.registry = registry;
    this.io = io;
    this.counters = counters;
    this.policy = policy;
    this.listeners = listeners;
    this.spiller = spiller;
    this.budget = budget;
    this.inFlight = inFlight;
    this.executor = executor;
  }

  /** Holds {@code value} under {@code name}, replacing any segment of that name, once it fits in the budget. */
  <T> SegmentHandle<T> put(String name, T value, SpillCodec<T> codec, ToLongFunction<? super T> weigher) {
    SegmentNames.validate(name);
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(codec, "codec");
    Objects.requireNonNull(weigher, "weigher");
    lifecycle.ensureOpen();
    long size = weigh(name, weigher, value);
    ManagedSegment<T> managed = new ManagedSegment<>(name, size, codec, weigher, value);
    spiller.reserve(name, size, false);
    try {
      counters.managedSegments(1);
      registry.admit(managed, true);
    } catch (RuntimeException | Error e) {
      counters.managedSegments(-1);
      spiller.release(size);
      throw e;
    }
    spiller.maybeSpill();
    return new ManagedHandle<>(managed, this);
  }

  /**
   * Makes the spilled manual segment {@code name} a managed value whose stored copy is its own, unread (see
   * {@link io.spillway.api.SpillManager#reattach}).
   */
  <T> SegmentHandle<T> reattach(String name, SpillCodec<T> codec, ToLongFunction<? super T> weigher) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(codec, "codec");
    Objects.requireNonNull(weigher, "weigher");
    ManagedSegment<T> managed = new ManagedSegment<>(name, codec, weigher);
    registry.reattach(managed);
    LOG.debug("Reattached spilled segment '{}' ({} registered bytes) as a managed value", name, managed.size());
    return new ManagedHandle<>(managed, this);
  }

  /** Reloads the named managed values that are spilled, on the executor; others are skipped. */
  CompletableFuture<Void> prefetch(String... names) {
    List<CompletableFuture<?>> reloads = new ArrayList<>();
    for (String name : names) {
      Objects.requireNonNull(name, "name");
      Segment seg = registry.get(name);
      ManagedSegment<?> managed = seg == null ? null : seg.managed();
      if (managed == null || managed.location == null) {
        continue;
      }
      reloads.add(async(() -> {
        prefetch(managed);
        return null;
      }));
    }
    return CompletableFuture.allOf(reloads.toArray(new CompletableFuture<?>[0]));
  }

  private void prefetch(ManagedSegment<?> managed) {
    try {
      value(managed, true, false);
    } catch (IllegalStateException e) {
      // Closed while the prefetch waited: a closed handle is skipped as an unknown name is, a closed manager is not.
      if (lifecycle.isClosed() || !managed.isRemoved()) {
        throw e;
      }
    }
  }

  /** Runs {@code task} on the executor. */
  <R> CompletableFuture<R> async(Supplier<R> task) {
    try {
      return CompletableFuture.supplyAsync(task, executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(lifecycle.isClosed() ? Lifecycle.closedError() : e);
    }
  }

  /** Whether the manager is closed. */
  boolean isClosed() {
    return lifecycle.isClosed();
  }

  /** Records an access to {@code managed} for the policy, without a lock or an allocation. */
  void recordAccess(ManagedSegment<?> managed) {
    policy.recordAccess(managed);
  }

  /**
   * The value of {@code managed}, reloading it if spilled; with {@code pin}, also pins it (under the same lock
   * that saw it resident). {@code help}: spill for itself rather than wait for the spiller when room is needed.
   */
  <T> T value(ManagedSegment<T> managed, boolean help, boolean pin) {
    while (true) {
      CompletableFuture<T> pending = null;
      long size;
      synchronized (managed) {
        lifecycle.checkLive(managed);
        switch (managed.state) {
          case M_RESIDENT:
          case M_SPILLING:
            if (pin && managed.pins++ == 0) {
              counters.pinned(managed.size());
            }
            return Objects.requireNonNull(managed.value);
          case M_RELOADING:
            pending = Objects.requireNonNull(managed.reload);
            size = 0;
            break;
          default:
            size = managed.size();
            break;
        }
      }
      if (pending != null) {
        T value = awaitReload(pending);
        if (!pin) {
          return value;
        }
        continue; // pins only under the lock that sees the segment resident
      }
      spiller.reserve(managed.name, size, help);
      T value = reload(managed, size, pin);
      if (value != null) {
        return value;
      }
    }
  }

  /** The value of a resident {@code managed} for {@code getAsync}, or null if it must be reloaded first. */
  <T> @Nullable T residentValue(ManagedSegment<T> managed) {
    synchronized (managed) {
      lifecycle.checkLive(managed);
      if (managed.state == M_RESIDENT || managed.state == M_SPILLING) {
        return Objects.requireNonNull(managed.value);
      }
      return null;
    }
  }

  private static <T> T awaitReload(CompletableFuture<T> pending) {
    try {
      return pending.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw e;
    }
  }

  /**
   * Reloads {@code managed}, for which {@code size} bytes were reserved: returns its value, or null (reservation
   * given back) if its state changed before the reload could start.
   */
  private <T> @Nullable T reload(ManagedSegment<T> managed, long size, boolean pin) {
    CompletableFuture<T> result;
    CompletableFuture<Void> pending;
    URI location;
    synchronized (managed) {
      if (lifecycle.isClosed() || managed.isRemoved() || managed.state != M_SPILLED || managed.size() != size) {
        result = null;
        pending = null;
        location = null;
      } else {
        location = Objects.requireNonNull(managed.location);
        managed.state = M_RELOADING;
        result = new CompletableFuture<>();
        managed.reload = result;
        pending = inFlight.start();
        managed.io = pending;
        counters.reloading(size);
      }
    }
    // The three are null together; testing each lets the nullness checker see all three set below.
    if (result == null || pending == null || location == null) {
      spiller.release(size);
      return null;
    }
    String name = managed.name;
    long start = System.nanoTime();
    T value = null;
    int payloadLength = 0;
    Throwable failure = null;
    try {
      byte[] payload = io.read(name, location, size);
      payloadLength = payload.length;
      value = Objects.requireNonNull(managed.codec.decode(payload), "codec decoded null");
    } catch (RuntimeException | Error e) {
      // An Error too: the segment must leave RELOADING and its waiters be told before it propagates.
      failure = e;
    }
    long nanos = System.nanoTime() - start;
    boolean kept = false;
    boolean gone;
    try {
      synchronized (managed) {
        managed.io = null;
        managed.reload = null;
        gone = managed.isRemoved();
        if (gone) {
          io.deleteQuietly(name, location, "closed");
        } else if (failure != null) {
          managed.state = M_SPILLED;
        } else {
          managed.state = M_RESIDENT;
          managed.value = value;
          // The copy just read stays: evicting the value again before it is set needs no write.
          managed.cleanCopy = location;
          counters.cleanCopies(1);
          if (pin && managed.pins++ == 0) {
            counters.pinned(managed.size());
          }
          // The room was reserved before the read, so the usage already counts the segment.
          registry.commitReload(managed, payloadLength, nanos);
          kept = true;
        }
      }
    } finally {
      counters.reloading(-size);
      if (!kept) {
        spiller.release(size);
      }
      inFlight.finish(pending);
    }
    if (failure != null) {
      counters.reloadFailed();
      Throwable error = failure;
      listeners.failed(new SpillEvent(name, SpillEvent.Kind.RELOAD, size, payloadLength, Duration.ofNanos(nanos),
          location), error);
      result.completeExceptionally(error);
      if (error instanceof Error) {
        throw (Error) error;
      }
      throw (RuntimeException) error;
    }
    if (gone) {
      IllegalStateException error = Lifecycle.closedHandle(name);
      result.completeExceptionally(error);
      // A successor of the name may have waited for this I/O before it could be spilled.
      spiller.maybeSpill();
      throw error;
    }
    T reloaded = Objects.requireNonNull(value);
    result.complete(reloaded);
    LOG.debug("Reloaded managed segment '{}' ({} registered bytes, {} payload bytes) from {}", name, size,
        payloadLength, location);
    listeners.reloaded(new SpillEvent(name, SpillEvent.Kind.RELOAD, size, payloadLength, Duration.ofNanos(nanos),
        location));
    spiller.maybeSpill();
    return reloaded;
  }

  /** Replaces the value of {@code managed}, waiting for room if it grows. */
  <T> void set(ManagedSegment<T> managed, T value) {
    Objects.requireNonNull(value, "value");
    long newSize = weigh(managed.name, managed.weigher, value);
    long reserved = 0;
    boolean applied = false;
    long delta = 0;
    try {
      while (true) {
        CompletableFuture<Void> reloading = null;
        long need = 0;
        synchronized (managed) {
          lifecycle.checkLive(managed);
          if (managed.state == M_RELOADING) {
            // Its copy is being read: the store gets no other operation on the key until the reload is done.
            reloading = managed.io;
          } else {
            byte was = managed.state;
            long oldSize = managed.size();
            need = newSize - (was == M_SPILLED ? 0 : oldSize);
            if (need <= reserved) {
              if (was == M_SPILLED) {
                io.deleteQuietly(managed.name, Objects.requireNonNull(managed.location), "replaced");
                managed.location = null;
                counters.unspilled();
                managed.state = M_RESIDENT;
              } else {
                managed.dropCleanCopy(io, counters, "replaced");
              }
              // A spill in flight stays SPILLING; the new version makes it discard its copy when it commits.
              managed.value = value;
              managed.version++;
              managed.setSize(newSize);
              budget.add(need - reserved);
              delta = need;
              reserved = 0;
              if (managed.pins > 0) {
                counters.pinned(newSize - oldSize);
              }
              policy.event(p -> {
                if (was == M_SPILLED) {
                  policy.reloaded(p, managed);
                }
                if (oldSize != newSize) {
                  policy.resized(p, managed, oldSize, newSize);
                }
              });
              applied = true;
            }
          }
        }
        if (applied) {
          break;
        }
        if (reloading != null) {
          reloading.join(); // completes normally
          continue;
        }
        spiller.reserve(managed.name, need - reserved, false);
        reserved = need;
      }
    } finally {
      if (reserved > 0) {
        spiller.release(reserved);
      }
    }
    if (delta < 0) {
      spiller.signalRoom();
    } else {
      spiller.maybeSpill();
    }
  }

  /** Takes one pin off {@code managed}. */
  void unpin(ManagedSegment<?> managed) {
    synchronized (managed) {
      if (managed.isRemoved() || managed.pins == 0) {
        return;
      }
      if (--managed.pins == 0) {
        counters.pinned(-managed.size());
      }
    }
    spiller.maybeSpill();
  }

  /** Closes {@code managed} (its handle's close): frees its memory and its stored copy. */
  void close(ManagedSegment<?> managed) {
    boolean removed = false;
    synchronized (managed) {
      if (!managed.isRemoved() && !lifecycle.isClosed()) {
        registry.remove(managed, "closed");
        removed = true;
      }
    }
    if (removed) {
      spiller.signalRoom();
    }
  }

  private static <T> long weigh(String name, ToLongFunction<? super T> weigher, T value) {
    long size = weigher.applyAsLong(value);
    if (size < 0 || size > Segment.MAX_SIZE) {
      throw new IllegalArgumentException("The weigher gave a size outside 0 to 2^62 - 1, " + size + ", for segment '"
          + name + "'");
    }
    return size;
  }
}
