package io.spillway.core.internal;

import io.spillway.api.AlreadySpilledException;
import io.spillway.api.CorruptSegmentException;
import io.spillway.api.SegmentInfo;
import io.spillway.api.SegmentNames;
import io.spillway.api.SegmentNotFoundException;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillStats;
import io.spillway.api.SpillStoreException;
import io.spillway.api.spi.SpillPolicy;
import io.spillway.api.spi.SpillStore;
import io.spillway.core.SpillFrames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link SpillManager} with RedDB's manual-API semantics and exact accounting. Internal, may change; obtain one
 * from {@code io.spillway.core.Spillway}.
 *
 * <p><b>Locking.</b> Each registered segment is one small object in a {@link ConcurrentHashMap}, and is its own
 * lock: every operation on a segment (register, resize, spill, reload, unregister, cleanup) holds that segment's
 * monitor, including during store I/O, so one segment's operations are ordered while different segments' I/O runs
 * in parallel. An operation that finds its segment replaced or removed once it holds the lock retries with the
 * current one. Re-registering a name locks the new segment before publishing it and then the old one, so nothing can
 * use the new segment (or its store key, which is the name) before the old one is retired; and an unregistered
 * segment leaves the map only after the policy heard of its removal, so the policy always sees a name's
 * {@code onRemove} before the {@code onAdmit} of its next registration. Policy calls are made under one policy lock,
 * always taken after a segment lock and never held during I/O.
 *
 * <p><b>Closing.</b> {@link #close()} marks the manager closed, then takes every segment's lock in turn (deleting
 * the spilled copies), so that operations already running finish first and later ones throw
 * {@link IllegalStateException}; only then does it drop the policy and close the store. {@link #cleanup()} keeps a
 * segment spilled, and throws, if its copy cannot be deleted, so that the call can be retried.
 *
 * <p><b>Policy events.</b> {@link #access} counts the access exactly on the segment, then records it in a bounded
 * {@link AccessBuffer}; when the buffer is full the recording thread drains it to the policy under the policy lock,
 * so no access is dropped. The buffer is drained before every other policy event and before
 * {@link SpillPolicy#selectVictims}. A drained access is delivered only if the segment is, as the policy knows it,
 * admitted and resident and has not been removed or replaced since; so the policy never hears of an access before
 * the segment's admission, after its removal, or while it is spilled. An exception thrown by a policy event is logged
 * at WARN and does not disturb the accounting.
 *
 * <p><b>Victims.</b> {@link #needsSpill()} passes the policy the bytes to free and a predicate accepting the
 * registered resident segments of at least {@link SpillConfig#minSpillSize()} bytes, then re-checks the answer: names
 * no longer eligible or repeated are dropped and the list ends once the bytes to free are reached, so the manager's
 * contract holds whatever a plugin returns.
 *
 * <p><b>Memory.</b> A segment costs its {@code Segment} object (40 bytes with compressed references) plus its map
 * node and table slot, about 80 bytes in all, the name excepted (the caller's string is kept, not copied); with the
 * {@code coldness} policy a million segments take about 127 bytes each.
 *
 * <p><b>Store errors.</b> An {@link IOException} from the store becomes a {@link SpillStoreException} naming the
 * segment, the store and, when known, the location. A stored copy that cannot be deleted on unregister, on
 * re-registration or after a successful reload is logged at WARN and counted ({@link #deleteFailures()}) but not
 * thrown: the segment's state has moved on and the orphan is overwritten by the next spill of that name or removed
 * when the store session closes. {@link #stats()} reports a store usage of -1 if the store cannot tell it.
 *
 * <p><b>Differences from RedDB</b> (deliberate): sizes are counted by registered size on spill and reload, a
 * spilled segment is never counted as resident, a check over the threshold that has nothing to free does not decay
 * scores (RedDB decays before it notices), and {@link #cleanup()} forgets the spilled segments whose copies it
 * deletes, instead of marking them resident.
 */
public final class DefaultSpillManager implements SpillManager {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultSpillManager.class);

  private static final byte PENDING = 0;
  private static final byte RESIDENT = 1;
  private static final byte SPILLED = 2;
  private static final byte REMOVED = 3;

  private final SpillConfig config;
  private final SpillStore store;
  private final String storeName;
  private final SpillFrames frames;
  private final long thresholdBytes;
  private final long targetBytes;

  private final ConcurrentHashMap<String, Segment> segments = new ConcurrentHashMap<>();
  private final AtomicLong memoryUsage = new AtomicLong();
  private final AtomicInteger spilledCount = new AtomicInteger();
  private final AtomicLong bytesSpilled = new AtomicLong();
  private final AtomicLong bytesReloaded = new AtomicLong();
  private final AtomicLong spillOperations = new AtomicLong();
  private final AtomicLong reloadOperations = new AtomicLong();
  private final AtomicLong spillFailures = new AtomicLong();
  private final AtomicLong reloadFailures = new AtomicLong();
  private final AtomicLong deleteFailures = new AtomicLong();

  private final Object policyLock = new Object();
  /** Guarded by policyLock; null once closed. */
  private @Nullable SpillPolicy policy;
  private final AccessBuffer<Segment> accesses = AccessBuffer.forThisMachine();
  /** Guarded by policyLock. */
  private final Consumer<Segment> deliverAccess = this::deliverAccess;
  private final Predicate<String> eligible = this::eligible;

  private final Object closeLock = new Object();
  private volatile boolean closed;

  /**
   * Assembles a manager from its parts; the manager owns the policy and the store from now on.
   *
   * @param storeName the store provider's name, for error messages
   */
  public DefaultSpillManager(SpillConfig config, SpillPolicy policy, SpillStore store, String storeName,
      SpillFrames frames) {
    this.config = Objects.requireNonNull(config, "config");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.store = Objects.requireNonNull(store, "store");
    this.storeName = Objects.requireNonNull(storeName, "storeName");
    this.frames = Objects.requireNonNull(frames, "frames");
    this.thresholdBytes = (long) (config.maxMemory() * config.spillThreshold());
    this.targetBytes = (long) (config.maxMemory() * config.targetAfterSpill());
  }

  @Override
  public void registerSegment(String name, long size) {
    SegmentNames.validate(name);
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative, was " + size + " for segment '" + name + "'");
    }
    ensureOpen();
    Segment fresh = new Segment(name, size);
    synchronized (fresh) {
      Segment old = segments.put(name, fresh);
      Segment retired = null;
      long released = 0;
      if (old != null) {
        synchronized (old) {
          if (!old.removed) {
            released = retire(old, "re-registered");
            retired = old;
          }
        }
      }
      // One update for both segments, so that no reader sees the usage with neither of them counted.
      memoryUsage.addAndGet(size - released);
      Segment replaced = retired;
      policyEvent(p -> {
        if (replaced != null) {
          replaced.policyState = REMOVED;
          p.onRemove(name);
        }
        fresh.policyState = RESIDENT;
        p.onAdmit(name, size);
      });
    }
  }

  @Override
  public boolean unregisterSegment(String name) {
    Objects.requireNonNull(name, "name");
    return locked(name, () -> false, seg -> {
      memoryUsage.addAndGet(-retire(seg, "unregistered"));
      policyEvent(p -> {
        seg.policyState = REMOVED;
        p.onRemove(name);
      });
      // Only now may a new registration of the name find the map free, so its onAdmit follows this onRemove.
      segments.remove(name, seg);
      return true;
    });
  }

  @Override
  public void updateSize(String name, long size) {
    Objects.requireNonNull(name, "name");
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative, was " + size + " for segment '" + name + "'");
    }
    this.<Void>locked(name, () -> {
      throw new SegmentNotFoundException(name);
    }, seg -> {
      long old = seg.size;
      seg.size = size;
      if (seg.location == null) {
        memoryUsage.addAndGet(size - old);
      }
      policyEvent(p -> p.onResize(name, old, size));
      return null;
    });
  }

  @Override
  public void access(String name) {
    Objects.requireNonNull(name, "name");
    ensureOpen();
    Segment seg = segments.get(name);
    if (seg == null) {
      return;
    }
    Segment.ACCESS_COUNT.incrementAndGet(seg);
    while (!accesses.offer(seg)) {
      synchronized (policyLock) {
        drainAccesses();
      }
    }
  }

  @Override
  public List<String> needsSpill() {
    ensureOpen();
    long usage = memoryUsage.get();
    if (usage < thresholdBytes) {
      return List.of();
    }
    long toFree = usage - targetBytes;
    if (toFree <= 0) {
      return List.of();
    }
    List<String> chosen;
    synchronized (policyLock) {
      drainAccesses();
      SpillPolicy p = policy;
      if (p == null) {
        throw closedError();
      }
      chosen = p.selectVictims(toFree, eligible);
    }
    // The policy's answer is re-checked so that the manager's contract holds whatever the plugin does: a segment
    // may have been spilled or removed before the policy heard of it, a faulty policy may repeat a name or go on
    // past the bytes to free.
    Set<String> victims = new LinkedHashSet<>();
    long freed = 0;
    for (String name : chosen) {
      if (freed >= toFree) {
        break;
      }
      Segment seg = segments.get(name);
      if (seg == null || !eligible(name)) {
        continue;
      }
      if (!victims.add(name)) {
        LOG.warn("Policy {} named segment '{}' twice as a victim; ignoring the repeat", policyClassName(), name);
        continue;
      }
      long size = seg.size;
      freed = size > Long.MAX_VALUE - freed ? Long.MAX_VALUE : freed + size;
    }
    return List.copyOf(victims);
  }

  @Override
  public URI spill(String name, byte[] data) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(data, "data");
    return locked(name, () -> {
      throw new SegmentNotFoundException(name);
    }, seg -> {
      if (seg.location != null) {
        throw new AlreadySpilledException(name);
      }
      ByteBuffer[] frame = frames.encode(name, data);
      URI location;
      try {
        location = Objects.requireNonNull(store.write(name, frame), "store returned no location");
      } catch (IOException | UncheckedIOException e) {
        spillFailures.incrementAndGet();
        SpillStoreException error = storeError("spill", "to", name, null, e);
        LOG.warn("{}; the segment stays resident", error.getMessage());
        throw error;
      }
      seg.location = location;
      memoryUsage.addAndGet(-seg.size);
      spilledCount.incrementAndGet();
      bytesSpilled.addAndGet(data.length);
      spillOperations.incrementAndGet();
      policyEvent(p -> {
        seg.policyState = SPILLED;
        p.onSpill(name);
      });
      LOG.debug("Spilled segment '{}' ({} registered bytes, {} payload bytes) to {}", name, seg.size, data.length,
          location);
      return location;
    });
  }

  @Override
  public Optional<byte[]> reload(String name) {
    Objects.requireNonNull(name, "name");
    return locked(name, () -> {
      throw new SegmentNotFoundException(name);
    }, seg -> {
      URI location = seg.location;
      if (location == null) {
        return Optional.empty();
      }
      byte[] payload;
      try (SeekableByteChannel channel = store.openRead(name)) {
        payload = frames.decode(name, channel);
      } catch (CorruptSegmentException e) {
        reloadFailures.incrementAndGet();
        CorruptSegmentException named = name.equals(e.segment()) ? e : e.forSegment(name);
        LOG.warn("{} (at {}); the segment stays spilled and its stored copy is kept", named.getMessage(), location);
        throw named;
      } catch (NoSuchFileException e) {
        reloadFailures.incrementAndGet();
        SpillStoreException error = new SpillStoreException("Cannot reload segment '" + name + "' from store '"
            + storeName + "' at " + location + ": its stored copy is missing", name, location.toString(), e);
        LOG.warn("{}; the segment stays spilled", error.getMessage());
        throw error;
      } catch (IOException | UncheckedIOException e) {
        reloadFailures.incrementAndGet();
        SpillStoreException error = storeError("reload", "from", name, location.toString(), e);
        LOG.warn("{}; the segment stays spilled", error.getMessage());
        throw error;
      }
      deleteQuietly(name, location, "reloaded");
      seg.location = null;
      memoryUsage.addAndGet(seg.size);
      spilledCount.decrementAndGet();
      bytesReloaded.addAndGet(payload.length);
      reloadOperations.incrementAndGet();
      policyEvent(p -> {
        seg.policyState = RESIDENT;
        p.onReload(name);
      });
      LOG.debug("Reloaded segment '{}' ({} registered bytes, {} payload bytes) from {}", name, seg.size,
          payload.length, location);
      return Optional.of(payload);
    });
  }

  @Override
  public boolean isSpilled(String name) {
    Objects.requireNonNull(name, "name");
    ensureOpen();
    Segment seg = segments.get(name);
    return seg != null && seg.location != null;
  }

  @Override
  public SpillStats stats() {
    ensureOpen();
    long storeUsage;
    try {
      storeUsage = store.usage();
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("Store '{}' cannot report its usage: {}", storeName, e.toString());
      storeUsage = -1;
    }
    return new SpillStats(memoryUsage.get(), config.maxMemory(), segments.size(), spilledCount.get(),
        bytesSpilled.get(), bytesReloaded.get(), spillOperations.get(), reloadOperations.get(), spillFailures.get(),
        reloadFailures.get(), storeUsage);
  }

  @Override
  public long memoryUsage() {
    ensureOpen();
    return memoryUsage.get();
  }

  @Override
  public double utilization() {
    ensureOpen();
    return (double) memoryUsage.get() / config.maxMemory();
  }

  @Override
  public List<SegmentInfo> listSegments() {
    ensureOpen();
    List<SegmentInfo> infos = new ArrayList<>(segments.size());
    for (Segment seg : segments.values()) {
      URI location = seg.location;
      infos.add(new SegmentInfo(seg.name, seg.size, location != null, seg.accessCount, location));
    }
    infos.sort(Comparator.comparing(SegmentInfo::name));
    return infos;
  }

  @Override
  public void cleanup() {
    ensureOpen();
    forgetSpilled();
  }

  @Override
  public void close() {
    synchronized (closeLock) {
      if (closed) {
        return;
      }
      closed = true;
      RuntimeException failure = null;
      try {
        // Takes every segment's lock in turn, so spills and reloads already running finish first; any later one
        // sees the manager closed.
        forgetSpilled();
      } catch (RuntimeException e) {
        failure = e;
      }
      synchronized (policyLock) {
        accesses.drainTo(seg -> { });
        policy = null;
      }
      segments.clear();
      try {
        store.close();
      } catch (IOException | RuntimeException e) {
        SpillStoreException error = new SpillStoreException("Cannot close store '" + storeName + "': " + e, null,
            null, e);
        if (failure == null) {
          failure = error;
        } else {
          failure.addSuppressed(error);
        }
      }
      LOG.debug("Closed spill manager over store '{}'", storeName);
      if (failure != null) {
        throw failure;
      }
    }
  }

  /** Stored copies that could not be deleted on unregister, re-registration, reload or cleanup. */
  public long deleteFailures() {
    return deleteFailures.get();
  }

  @Override
  public String toString() {
    return "DefaultSpillManager{store=" + storeName + ", segments=" + segments.size() + ", memoryUsage="
        + memoryUsage.get() + ", closed=" + closed + "}";
  }

  // ---- segment operations ----------------------------------------------------------------------------------------

  /**
   * Runs {@code action} holding the lock of the current segment named {@code name}, or returns
   * {@code missing.get()} if there is none.
   */
  private <R> R locked(String name, Supplier<R> missing, Function<Segment, R> action) {
    ensureOpen();
    while (true) {
      Segment seg = segments.get(name);
      if (seg == null) {
        return missing.get();
      }
      synchronized (seg) {
        if (seg.removed) {
          continue;
        }
        ensureOpen();
        return action.apply(seg);
      }
    }
  }

  /**
   * Takes {@code seg} out of the accounting: deletes its stored copy if spilled, and returns the resident bytes it
   * no longer counts, which the caller subtracts from the usage. Caller holds the segment's lock and removes it from
   * the map (or has replaced it) itself.
   */
  private long retire(Segment seg, String why) {
    URI location = seg.location;
    long released = 0;
    if (location == null) {
      released = seg.size;
    } else {
      // Deleted while the segment is still current (or its successor is still locked), so that no new copy under
      // the same key can be written meanwhile and then deleted by mistake.
      deleteQuietly(seg.name, location, why);
      spilledCount.decrementAndGet();
      seg.location = null;
    }
    seg.removed = true;
    return released;
  }

  private void deleteQuietly(String name, URI location, String why) {
    try {
      store.delete(name);
    } catch (IOException | UncheckedIOException e) {
      deleteFailures.incrementAndGet();
      LOG.warn("Cannot delete the stored copy of {} segment '{}' from store '{}' at {}: {}", why, name, storeName,
          location, e.toString(), e);
    }
  }

  /** Deletes the stored copy of every spilled segment and forgets those segments. */
  private void forgetSpilled() {
    SpillStoreException failure = null;
    for (Segment seg : segments.values()) {
      synchronized (seg) {
        URI location = seg.location;
        if (seg.removed || location == null) {
          continue;
        }
        try {
          store.delete(seg.name);
        } catch (IOException | UncheckedIOException e) {
          deleteFailures.incrementAndGet();
          SpillStoreException error = storeError("delete the stored copy of", "in", seg.name, location.toString(),
              e);
          LOG.warn("{}; the segment stays spilled", error.getMessage());
          if (failure == null) {
            failure = error;
          } else {
            failure.addSuppressed(error);
          }
          continue;
        }
        seg.removed = true;
        seg.location = null;
        spilledCount.decrementAndGet();
        String name = seg.name;
        policyEvent(p -> {
          seg.policyState = REMOVED;
          p.onRemove(name);
        });
        // After onRemove, so that a new registration of the name is admitted after it (see unregisterSegment).
        segments.remove(name, seg);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private boolean eligible(String name) {
    Segment seg = segments.get(name);
    return seg != null && !seg.removed && seg.location == null && seg.size >= config.minSpillSize();
  }

  // ---- policy ------------------------------------------------------------------------------------------------------

  private void policyEvent(Consumer<SpillPolicy> event) {
    synchronized (policyLock) {
      drainAccesses();
      SpillPolicy p = policy;
      if (p == null) {
        return;
      }
      try {
        event.accept(p);
      } catch (RuntimeException e) {
        LOG.warn("Policy {} failed on an event; ignored: {}", p.getClass().getName(), e.toString(), e);
      }
    }
  }

  /** Caller holds policyLock. */
  private void drainAccesses() {
    accesses.drainTo(deliverAccess);
  }

  /** Caller holds policyLock. */
  private void deliverAccess(Segment seg) {
    SpillPolicy p = policy;
    if (p == null || seg.policyState != RESIDENT || seg.removed) {
      return;
    }
    try {
      p.onAccess(seg.name);
    } catch (RuntimeException e) {
      LOG.warn("Policy {} failed on an access; ignored: {}", p.getClass().getName(), e.toString(), e);
    }
  }

  private String policyClassName() {
    synchronized (policyLock) {
      SpillPolicy p = policy;
      return p == null ? "(closed)" : p.getClass().getName();
    }
  }

  // ---- errors ------------------------------------------------------------------------------------------------------

  private void ensureOpen() {
    if (closed) {
      throw closedError();
    }
  }

  private static IllegalStateException closedError() {
    return new IllegalStateException("This SpillManager is closed");
  }

  private SpillStoreException storeError(String action, String preposition, String segment,
      @Nullable String knownLocation, Exception cause) {
    String location = knownLocation;
    // A store that wraps the file system's exception still knows the path: take it from the first cause that has it.
    for (Throwable t = cause; location == null && t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof FileSystemException) {
        location = ((FileSystemException) t).getFile();
      }
    }
    String message = "Cannot " + action + " segment '" + segment + "' " + preposition + " store '" + storeName + "'"
        + (location != null ? " at " + location : "") + ": " + cause;
    return new SpillStoreException(message, segment, location, cause);
  }

  /**
   * One registered segment, and the lock of its operations. Kept small (a name reference, two longs, a location
   * reference and two flags) because a manager may track millions.
   */
  private static final class Segment {
    static final AtomicLongFieldUpdater<Segment> ACCESS_COUNT =
        AtomicLongFieldUpdater.newUpdater(Segment.class, "accessCount");

    final String name;
    /** Registered size; written under this segment's lock. */
    volatile long size;
    /** Where the stored copy is; non-null exactly while spilled. Written under this segment's lock. */
    volatile @Nullable URI location;
    /** Exact number of recorded accesses; updated atomically without the lock so that access() never waits. */
    volatile long accessCount;
    /** Set, under this segment's lock, once it is unregistered, replaced or forgotten by cleanup. */
    volatile boolean removed;
    /** What the policy has been told of this segment; guarded by the policy lock. */
    byte policyState = PENDING;

    Segment(String name, long size) {
      this.name = name;
      this.size = size;
    }
  }
}
