package io.spillway.core.internal;

import static io.spillway.core.internal.ManagedSegment.M_RELOADING;
import static io.spillway.core.internal.ManagedSegment.M_RESIDENT;
import static io.spillway.core.internal.ManagedSegment.M_SPILLED;
import static io.spillway.core.internal.ManagedSegment.M_SPILLING;

import io.spillway.api.AlreadySpilledException;
import io.spillway.api.CorruptSegmentException;
import io.spillway.api.SegmentHandle;
import io.spillway.api.SegmentInfo;
import io.spillway.api.SegmentNames;
import io.spillway.api.SegmentNotFoundException;
import io.spillway.api.SegmentPin;
import io.spillway.api.SpillBudgetExceededException;
import io.spillway.api.SpillCodec;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillEvent;
import io.spillway.api.SpillListener;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillMode;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link SpillManager}: RedDB's manual API with exact accounting, plus managed values that it spills and
 * reloads by itself. Internal, may change; obtain one from {@code io.spillway.core.Spillway}.
 *
 * <p><b>Segments.</b> Each registered segment is one small object in a {@link ConcurrentHashMap}, and is its own
 * lock. A segment registered with {@link #registerSegment} is <em>manual</em>: the caller holds its bytes. A segment
 * created by {@link #put} is <em>managed</em>: it carries the value, its codec and weigher, a pin count and one of
 * four states,
 * <pre>
 *   RESIDENT --spill starts--&gt; SPILLING --write committed--&gt; SPILLED --get/pin/prefetch--&gt; RELOADING --&gt; RESIDENT
 *                                  \--write failed, value replaced, pinned or closed meanwhile--&gt; RESIDENT
 * </pre>
 * The value is held strongly in RESIDENT and SPILLING and dropped (null) in SPILLED and RELOADING. A segment is
 * counted in {@link #memoryUsage()} while RESIDENT or SPILLING, and during RELOADING too: a reload reserves its room
 * in the budget before it reads, so that the reloaded value is never over budget.
 *
 * <p><b>Locking.</b> A manual segment's operations (register, resize, spill, reload, unregister, cleanup) hold its
 * monitor, including during store I/O, so they are ordered while different segments' I/O runs in parallel. A
 * managed segment's lock is held only for state changes, never during its store I/O or codec work: a spill snapshots
 * the value and its version under the lock, marks the segment SPILLING, encodes and writes without the lock, then
 * commits under the lock only if the segment is still live, unpinned and at the same version (otherwise it deletes
 * the copy it wrote); a reload marks the segment RELOADING and publishes a future, reads and decodes without the
 * lock, then commits. So a {@code get()} during a spill returns the value in memory at once, concurrent
 * {@code get()}s of a spilled value share one reload, a {@code set()} during a spill wins (its version differs), and
 * a {@code set()} during a reload waits for it. The store never sees two operations on one key at once: a segment's
 * own I/O is ordered by its states, and a segment re-registered while its predecessor's I/O is in flight records
 * that I/O as a barrier it waits for (a managed one is not spillable until it has passed) before its own first
 * store operation. Re-registering a name locks the new segment before publishing it and then the old one, and an
 * unregistered segment leaves the map only after the policy heard of its removal, so the policy always sees a name's
 * {@code onRemove} before the {@code onAdmit} of its next registration.
 *
 * <p><b>What is atomic.</b> Every state change of a segment, with its accounting (usage, spilled count, pinned
 * bytes) and its policy event, happens under that segment's lock, so other calls on the segment see it whole: a
 * managed spill's commit (SPILLING to SPILLED, value dropped, usage lowered), a reload's commit, a {@code set}
 * (value, version, size and usage together), a pin, a close. A managed spill or reload as a whole is not atomic
 * with respect to the segment's other calls, by design: they proceed while its I/O runs, and the commit then
 * decides (see above). The usage itself is one atomic counter, so admission is a compare-and-set against the
 * budget.
 *
 * <p><b>Lock order.</b> segment lock, then the policy lock or the budget lock; the policy lock and the budget lock
 * are never held together nor while waiting for anything, and no thread waits for room in the budget, for a reload
 * or for a barrier while holding a segment lock, except a manual spill waiting (under its own segment's lock) for a
 * predecessor's I/O, which completes without that lock. So the spiller, which needs the locks of its victims, is
 * never held up by a caller waiting for it.
 *
 * <p><b>Budget.</b> {@link #put}, a growing {@link SegmentHandle#set}, and a reload add their bytes to the usage only
 * if the usage stays within {@link SpillConfig#maxMemory()} (a compare-and-set on the usage); otherwise the caller
 * waits on a condition of the budget lock, signalled whenever bytes are freed, until it fits, the manager is closed
 * ({@link IllegalStateException}) or {@link SpillConfig#maxBlock()} has passed
 * ({@link SpillBudgetExceededException}, nothing changed). Manual registration and resizing are never held back:
 * they keep RedDB's semantics and may pass the budget. In {@link SpillMode#BACKGROUND} a single spiller task at a
 * time runs on the executor: it asks the policy for victims among the managed segments that are RESIDENT, unpinned,
 * of at least {@link SpillConfig#minSpillSize()} bytes and past any barrier, and spills them until the usage is at
 * the target (once it passed the threshold) and every waiting caller fits; a request arriving while it runs makes it
 * run again. In {@link SpillMode#SYNCHRONOUS} the caller runs the same loop itself before it returns or waits.
 * Tasks the manager runs on its executor ({@link SegmentHandle#getAsync()}, {@link #prefetch}) spill for themselves
 * when they need room, so a saturated executor cannot starve the spiller it would wait for.
 *
 * <p><b>Closing.</b> {@link #close()} marks the manager closed and wakes every caller waiting for room (they throw
 * {@link IllegalStateException}); then it takes every segment's lock in turn (deleting the spilled copies), waits for
 * the managed spills and reloads in flight (each deletes its own copy if its segment is gone), deletes what they left
 * spilled, shuts down its own executor, drops the policy and closes the store. Handle and manager calls afterwards
 * throw {@link IllegalStateException}, except the idempotent closes. {@link #cleanup()} keeps a segment spilled, and
 * throws, if its copy cannot be deleted, so that the call can be retried; it skips managed segments with I/O in
 * flight.
 *
 * <p><b>Policy events.</b> {@link #access} and {@link SegmentHandle#get()} record the access in a lossy, striped,
 * bounded {@link AccessBuffer} (a compare-and-set on a per-thread stripe: no lock shared by all threads, no
 * allocation), which {@link PolicyDriver} drains to the policy: in background mode by a drain task on the spill
 * executor, scheduled at half a stripe while fewer threads record than there are processors, so that the policy's
 * work runs beside the reads; otherwise, and whenever a stripe fills first, by the recording thread itself if the
 * policy lock is free. If another thread holds that lock and no drain task is under way, the access is dropped and
 * counted ({@link #droppedAccesses()}), as Caffeine drops reads under contention. A drop needs a second thread, so a
 * manager used by one thread at a time loses no access, and the policy's scores match RedDB's exactly. The buffer is
 * drained before every other policy event, before {@link SpillPolicy#selectVictims} and before
 * {@link #listSegments()}.
 * The buffer carries the segments' ids, the numbers the policy knows them by (see {@link PolicyDriver}); the drain
 * counts each access ({@link SegmentInfo#accessCount()}) in an array of its own rather than in the segment, so that
 * neither the access nor the drain writes the segment that other threads look up, and delivers it to the policy only
 * if the segment holding the id is, as the policy knows it, resident. {@link SegmentHandle#get()} of a resident
 * value reads it without any lock (see {@code ManagedSegment.value}). An exception thrown by a policy event
 * is logged at WARN and does not disturb the accounting. The policy hears of a managed spill only once it is
 * committed; a {@code set} of a spilled value is told as a reload (then a resize).
 *
 * <p><b>Victims.</b> {@link #needsSpill()} offers the policy the manual resident segments of at least
 * {@link SpillConfig#minSpillSize()} bytes (managed ones are spilled by the manager itself), then re-checks the
 * answer (ids, mapped back to segments by the policy driver): segments no longer eligible or repeated are dropped and
 * the list ends once the bytes to free are reached, so the manager's contract holds whatever a plugin returns. The
 * spiller re-checks its victims the same way.
 *
 * <p><b>Memory.</b> A manual segment costs its {@code Segment} object (40 bytes with compressed references) plus
 * its map node and table slot, about 80 bytes in all, the name excepted; a managed one is a {@code ManagedSegment}, a
 * subclass of 72 bytes, plus its handle (24 bytes). A predecessor's I/O barrier, needed only by a segment registered
 * while its name's previous segment was being spilled or reloaded, is kept in a side map.
 *
 * <p><b>Store errors.</b> An {@link IOException} from the store becomes a {@link SpillStoreException} naming the
 * segment, the store and, when known, the location. A stored copy that cannot be deleted on unregister, on
 * re-registration, after a successful reload or after an abandoned spill is logged at WARN and counted
 * ({@link #deleteFailures()}) but not thrown. A failed managed spill leaves the value resident and is reported to
 * the listeners; a failed managed reload leaves it spilled and fails every {@code get()} waiting for it.
 * {@link #stats()} reports a store usage of -1 if the store cannot tell it.
 *
 * <p><b>Listeners</b> hear of every spill and reload, manual or managed, on the thread that did the I/O, after
 * the state change and outside every lock; their exceptions are logged and ignored. Latencies (encoding, store I/O
 * and verification) of completed spills and reloads feed two {@link LatencyHistogram}s.
 *
 * <p><b>Differences from RedDB</b> (deliberate): sizes are counted by registered size on spill and reload, a
 * spilled segment is never counted as resident, a check over the threshold that has nothing to free does not decay
 * scores (RedDB decays before it notices), and {@link #cleanup()} forgets the spilled segments whose copies it
 * deletes, instead of marking them resident.
 */
public final class DefaultSpillManager implements SpillManager {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultSpillManager.class);
  private static final AtomicInteger SPILLER_THREADS = new AtomicInteger();

  /** What spilling a managed segment returns when its copy was discarded because the segment changed meanwhile. */
  private static final long ABANDONED = -1;

  private final SpillConfig config;
  private final SpillStore store;
  private final String storeName;
  private final SpillFrames frames;
  private final long thresholdBytes;
  private final long targetBytes;
  private final boolean synchronous;
  private final Executor executor;
  private final @Nullable ExecutorService ownExecutor;
  private final List<SpillListener> listeners;

  private final ConcurrentHashMap<String, Segment> segments = new ConcurrentHashMap<>();
  /**
   * A predecessor's store I/O on a segment's key, for the few segments registered while it was in flight (see
   * {@code Segment.hasBarrier}); kept aside so that every other segment is spared the field. Keys by identity.
   */
  private final ConcurrentHashMap<Segment, CompletableFuture<Void>> barriers = new ConcurrentHashMap<>();
  /** The usage against maxMemory, and the callers waiting for room in it. */
  private final MemoryBudget budget;
  private final MemoryBudget.Owner budgetOwner = new BudgetOwner();
  private final AtomicInteger spilledCount = new AtomicInteger();
  private final AtomicInteger managedCount = new AtomicInteger();
  private final AtomicLong bytesSpilled = new AtomicLong();
  private final AtomicLong bytesReloaded = new AtomicLong();
  private final AtomicLong spillOperations = new AtomicLong();
  private final AtomicLong reloadOperations = new AtomicLong();
  private final AtomicLong spillFailures = new AtomicLong();
  private final AtomicLong reloadFailures = new AtomicLong();
  private final AtomicLong deleteFailures = new AtomicLong();
  private final AtomicLong spillingBytes = new AtomicLong();
  private final AtomicLong reloadingBytes = new AtomicLong();
  private final AtomicLong pinnedBytes = new AtomicLong();
  private final LatencyHistogram spillLatency = new LatencyHistogram();
  private final LatencyHistogram reloadLatency = new LatencyHistogram();

  /** The policy, its lock (the policy lock) and the access buffer. */
  private final PolicyDriver policyDriver;
  private final Predicate<Segment> eligible = this::eligible;
  private final Predicate<Segment> spillable = this::spillable;

  private final AtomicBoolean spillerScheduled = new AtomicBoolean();
  private final AtomicLong spillRequests = new AtomicLong();
  private final Runnable spiller = this::runSpiller;
  /** ManagedSegment spills and reloads under way; close() waits for them. */
  private final Set<CompletableFuture<Void>> inFlight = ConcurrentHashMap.newKeySet();

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
    this.store = Objects.requireNonNull(store, "store");
    this.storeName = Objects.requireNonNull(storeName, "storeName");
    this.frames = Objects.requireNonNull(frames, "frames");
    this.budget = new MemoryBudget(config.maxMemory(), config.maxBlock());
    this.thresholdBytes = (long) (config.maxMemory() * config.spillThreshold());
    this.targetBytes = (long) (config.maxMemory() * config.targetAfterSpill());
    this.synchronous = config.spillMode() == SpillMode.SYNCHRONOUS;
    this.listeners = config.listeners();
    Optional<Executor> given = config.spillExecutor();
    if (given.isPresent()) {
      this.executor = given.get();
      this.ownExecutor = null;
    } else {
      ExecutorService own = newOwnExecutor();
      this.executor = own;
      this.ownExecutor = own;
    }
    this.policyDriver = new PolicyDriver(Objects.requireNonNull(policy, "policy"), LOG,
        synchronous ? null : executor);
  }

  /** A few daemon threads, started on demand and let go when idle, so an unused manager costs no thread. */
  private static ExecutorService newOwnExecutor() {
    int threads = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 10, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), task -> {
          Thread thread = new Thread(task, "spillway-spiller-" + SPILLER_THREADS.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  // ---- manual API --------------------------------------------------------------------------------------------------

  @Override
  public void registerSegment(String name, long size) {
    SegmentNames.validate(name);
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative, was " + size + " for segment '" + name + "'");
    }
    ensureOpen();
    admit(new Segment(name, size), false);
    maybeSpill();
  }

  @Override
  public boolean unregisterSegment(String name) {
    Objects.requireNonNull(name, "name");
    boolean found = locked(name, () -> false, seg -> {
      remove(seg, "unregistered");
      return true;
    });
    if (found) {
      signalRoom();
    }
    return found;
  }

  @Override
  public void updateSize(String name, long size) {
    Objects.requireNonNull(name, "name");
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative, was " + size + " for segment '" + name + "'");
    }
    long delta = this.<Long>locked(name, () -> {
      throw new SegmentNotFoundException(name);
    }, seg -> {
      refuseManaged(seg, "updateSize", "SegmentHandle.set");
      long old = seg.size;
      seg.size = size;
      if (seg.location == null) {
        budget.add(size - old);
      }
      policyEvent(p -> policyDriver.resized(p, seg, old, size));
      return seg.location == null ? size - old : 0;
    });
    if (delta < 0) {
      signalRoom();
    } else if (delta > 0) {
      maybeSpill();
    }
  }

  @Override
  public void access(String name) {
    Objects.requireNonNull(name, "name");
    ensureOpen();
    Segment seg = segments.get(name);
    if (seg != null) {
      recordAccess(seg);
    }
  }

  @Override
  public List<String> needsSpill() {
    ensureOpen();
    long usage = budget.usage();
    if (usage < thresholdBytes) {
      return List.of();
    }
    return names(chooseVictims(usage - targetBytes, eligible));
  }

  @Override
  public List<String> needsSpill(long bytesToFree) {
    ensureOpen();
    return bytesToFree <= 0 ? List.of() : names(chooseVictims(bytesToFree, eligible));
  }

  @Override
  public URI spill(String name, byte[] data) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(data, "data");
    SpillEvent[] event = new SpillEvent[1];
    URI location = withFailureEvent(event, () -> locked(name, () -> {
      throw new SegmentNotFoundException(name);
    }, seg -> {
      refuseManaged(seg, "spill", "the manager");
      if (seg.location != null) {
        throw new AlreadySpilledException(name);
      }
      awaitBarrier(seg);
      long start = System.nanoTime();
      ByteBuffer[] frame = frames.encode(name, data);
      URI written;
      try {
        written = Objects.requireNonNull(store.write(name, frame), "store returned no location");
      } catch (IOException | UncheckedIOException e) {
        spillFailures.incrementAndGet();
        SpillStoreException error = storeError("spill", "to", name, null, e);
        LOG.warn("{}; the segment stays resident", error.getMessage());
        event[0] = new SpillEvent(name, SpillEvent.Kind.SPILL, seg.size, data.length, since(start), null);
        throw error;
      }
      long nanos = System.nanoTime() - start;
      recordSpill(seg, written, seg.size, data.length, nanos);
      LOG.debug("Spilled segment '{}' ({} registered bytes, {} payload bytes) to {}", name, seg.size, data.length,
          written);
      event[0] = new SpillEvent(name, SpillEvent.Kind.SPILL, seg.size, data.length, Duration.ofNanos(nanos), written);
      return written;
    }));
    signalRoom();
    SpillEvent done = event[0];
    fire(l -> l.onSpill(done));
    return location;
  }

  @Override
  public Optional<byte[]> reload(String name) {
    Objects.requireNonNull(name, "name");
    SpillEvent[] event = new SpillEvent[1];
    Optional<byte[]> result = withFailureEvent(event, () -> locked(name, () -> {
      throw new SegmentNotFoundException(name);
    }, seg -> {
      refuseManaged(seg, "reload", "SegmentHandle.get");
      URI location = seg.location;
      if (location == null) {
        return Optional.empty();
      }
      long start = System.nanoTime();
      byte[] payload;
      try {
        payload = readFrame(name, location);
      } catch (RuntimeException e) {
        reloadFailures.incrementAndGet();
        event[0] = new SpillEvent(name, SpillEvent.Kind.RELOAD, seg.size, 0, since(start), location);
        throw e;
      }
      long nanos = System.nanoTime() - start;
      deleteQuietly(name, location, "reloaded");
      budget.add(seg.size);
      recordReload(seg, payload.length, nanos);
      LOG.debug("Reloaded segment '{}' ({} registered bytes, {} payload bytes) from {}", name, seg.size,
          payload.length, location);
      event[0] = new SpillEvent(name, SpillEvent.Kind.RELOAD, seg.size, payload.length, Duration.ofNanos(nanos),
          location);
      return Optional.of(payload);
    }));
    SpillEvent done = event[0];
    if (done != null) {
      fire(l -> l.onReload(done));
      maybeSpill();
    }
    return result;
  }

  /**
   * Runs a manual spill or reload; if it throws after setting {@code event[0]} (a store or verification failure),
   * tells the listeners of the failure, outside the segment's lock.
   */
  private <R> R withFailureEvent(SpillEvent[] event, Supplier<R> operation) {
    try {
      return operation.get();
    } catch (RuntimeException e) {
      SpillEvent failed = event[0];
      if (failed != null) {
        fire(l -> l.onFailure(failed, e));
      }
      throw e;
    }
  }

  // ---- managed values ----------------------------------------------------------------------------------------------

  @Override
  public <T> SegmentHandle<T> put(String name, T value, SpillCodec<T> codec) {
    Objects.requireNonNull(codec, "codec");
    return put(name, value, codec, codec::sizeOf);
  }

  @Override
  public <T> SegmentHandle<T> put(String name, T value, SpillCodec<T> codec, ToLongFunction<? super T> weigher) {
    SegmentNames.validate(name);
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(codec, "codec");
    Objects.requireNonNull(weigher, "weigher");
    ensureOpen();
    long size = weigh(name, weigher, value);
    ManagedSegment<T> managed = new ManagedSegment<>(name, size, codec, weigher, value);
    Segment seg = managed;
    reserve(name, size, synchronous);
    try {
      admit(seg, true);
    } catch (RuntimeException | Error e) {
      release(size);
      throw e;
    }
    maybeSpill();
    return new Handle<>(managed);
  }

  @Override
  public CompletableFuture<URI> spillAsync(String name, byte[] data) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(data, "data");
    ensureOpen();
    return async(() -> spill(name, data));
  }

  @Override
  public CompletableFuture<Optional<byte[]>> reloadAsync(String name) {
    Objects.requireNonNull(name, "name");
    ensureOpen();
    return async(() -> reload(name));
  }

  @Override
  public CompletableFuture<Void> prefetch(String... names) {
    Objects.requireNonNull(names, "names");
    ensureOpen();
    List<CompletableFuture<?>> reloads = new ArrayList<>();
    for (String name : names) {
      Objects.requireNonNull(name, "name");
      Segment seg = segments.get(name);
      if (seg == null || seg.managed() == null || seg.location == null) {
        continue;
      }
      ManagedSegment<?> managed = seg.managed();
      reloads.add(async(() -> {
        prefetch(seg, managed);
        return null;
      }));
    }
    return CompletableFuture.allOf(reloads.toArray(new CompletableFuture<?>[0]));
  }

  private <T> void prefetch(Segment seg, ManagedSegment<T> managed) {
    try {
      value(seg, managed, true, false);
    } catch (IllegalStateException e) {
      // Closed while the prefetch waited: a closed handle is skipped as an unknown name is, a closed manager is not.
      if (closed || !seg.removed) {
        throw e;
      }
    }
  }

  // ---- queries -----------------------------------------------------------------------------------------------------

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
    return new SpillStats(budget.usage(), config.maxMemory(), segments.size(), spilledCount.get(),
        bytesSpilled.get(), bytesReloaded.get(), spillOperations.get(), reloadOperations.get(), spillFailures.get(),
        reloadFailures.get(), storeUsage, spillingBytes.get() + reloadingBytes.get(), pinnedBytes.get(),
        spillLatency.summary(), reloadLatency.summary());
  }

  @Override
  public long memoryUsage() {
    ensureOpen();
    return budget.usage();
  }

  @Override
  public double utilization() {
    ensureOpen();
    return (double) budget.usage() / config.maxMemory();
  }

  @Override
  public List<SegmentInfo> listSegments() {
    ensureOpen();
    List<SegmentInfo> infos = new ArrayList<>(segments.size());
    // Access counts are kept by the drain, under the policy lock: drain first, read them under it.
    policyDriver.drainedThen(() -> {
      for (Segment seg : segments.values()) {
        URI location = seg.location;
        infos.add(new SegmentInfo(seg.name, seg.size, location != null, policyDriver.accessCount(seg), location));
      }
    });
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
      budget.wakeAll();
      RuntimeException failure = null;
      try {
        // Takes every segment's lock in turn, so manual spills and reloads already running finish first; any later
        // operation sees the manager closed, and no managed spill or reload starts any more.
        forgetSpilled();
      } catch (RuntimeException e) {
        failure = e;
      }
      // ManagedSegment I/O already under way finishes (each deletes the copy of a segment gone meanwhile); what it left
      // spilled is deleted next.
      while (!inFlight.isEmpty()) {
        for (CompletableFuture<Void> io : List.copyOf(inFlight)) {
          io.join();
        }
      }
      try {
        forgetSpilled();
      } catch (RuntimeException e) {
        failure = addFailure(failure, e);
      }
      policyDriver.close();
      segments.clear();
      barriers.clear();
      if (ownExecutor != null) {
        // Queued tasks still run, and fail at once because the manager is closed, so their futures complete.
        ownExecutor.shutdown();
      }
      try {
        store.close();
      } catch (IOException | RuntimeException e) {
        failure = addFailure(failure, new SpillStoreException("Cannot close store '" + storeName + "': " + e, null,
            null, e));
      }
      LOG.debug("Closed spill manager over store '{}'", storeName);
      if (failure != null) {
        throw failure;
      }
    }
  }

  private static RuntimeException addFailure(@Nullable RuntimeException first, RuntimeException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  /** Stored copies that could not be deleted on unregister, re-registration, reload, cleanup or abandoned spill. */
  public long deleteFailures() {
    return deleteFailures.get();
  }

  /**
   * Accesses dropped, neither counted nor told to the policy, because the access buffer was full or contended
   * while another thread held the policy lock. Always 0 for a manager used by one thread at a time.
   */
  public long droppedAccesses() {
    return policyDriver.droppedAccesses();
  }

  @Override
  public String toString() {
    return "DefaultSpillManager{store=" + storeName + ", segments=" + segments.size() + ", memoryUsage="
        + budget.usage() + ", closed=" + closed + "}";
  }

  // ---- registration and removal ------------------------------------------------------------------------------------

  /**
   * Publishes {@code fresh}, retiring the segment it replaces. {@code reserved}: its size is already in the usage.
   */
  private void admit(Segment fresh, boolean reserved) {
    String name = fresh.name;
    long size = fresh.size;
    boolean freed = false;
    synchronized (fresh) {
      Segment old = segments.put(name, fresh);
      Segment retired = null;
      long released = 0;
      if (old != null) {
        synchronized (old) {
          if (!old.removed) {
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
      if (fresh.managed() != null) {
        managedCount.incrementAndGet();
      }
      policyDriver.admit(fresh, size, retired);
    }
    if (freed) {
      signalRoom();
    }
  }

  /**
   * Marks {@code seg} spilled at {@code location}: the usage loses {@code size}, the counters and the policy learn of
   * it. Shared by manual and managed spills. Caller holds the segment's lock.
   */
  private void recordSpill(Segment seg, URI location, long size, long payloadLength, long nanos) {
    seg.location = location;
    budget.add(-size);
    spilledCount.incrementAndGet();
    bytesSpilled.addAndGet(payloadLength);
    spillOperations.incrementAndGet();
    spillLatency.record(nanos);
    policyEvent(p -> policyDriver.spilled(p, seg));
  }

  /**
   * Marks {@code seg} resident again after a verified reload: the counters and the policy learn of it. The usage is
   * the caller's (a manual reload adds the size now, a managed one reserved it before reading). Caller holds the
   * segment's lock.
   */
  private void recordReload(Segment seg, long payloadLength, long nanos) {
    seg.location = null;
    spilledCount.decrementAndGet();
    bytesReloaded.addAndGet(payloadLength);
    reloadOperations.incrementAndGet();
    reloadLatency.record(nanos);
    policyEvent(p -> policyDriver.reloaded(p, seg));
  }

  /** The store I/O on {@code old}'s key that a successor must wait for, if any. Caller holds old's lock. */
  private @Nullable CompletableFuture<Void> ioBarrier(Segment old) {
    ManagedSegment<?> managed = old.managed();
    if (managed != null && managed.io != null) {
      return managed.io;
    }
    CompletableFuture<Void> inherited = barrierOf(old);
    return inherited == null || inherited.isDone() ? null : inherited;
  }

  /** Records the predecessor's I/O {@code seg} must wait for, if any. Caller holds seg's lock, before publishing it. */
  private void setBarrier(Segment seg, @Nullable CompletableFuture<Void> barrier) {
    if (barrier != null) {
      barriers.put(seg, barrier);
      seg.hasBarrier = true;
    }
  }

  /** The barrier recorded for {@code seg}, if it has one that has not been waited for. */
  private @Nullable CompletableFuture<Void> barrierOf(Segment seg) {
    return seg.hasBarrier ? barriers.get(seg) : null;
  }

  /** Waits for a predecessor's I/O on this segment's key. Caller holds the segment's lock. */
  private void awaitBarrier(Segment seg) {
    CompletableFuture<Void> barrier = barrierOf(seg);
    if (barrier != null) {
      barrier.join(); // completes normally, without needing this segment's lock
      barriers.remove(seg, barrier);
      seg.hasBarrier = false;
    }
  }

  /** Whether {@code seg} has no predecessor's I/O left to wait for; forgets a barrier that has passed. */
  private boolean barrierPassed(Segment seg) {
    CompletableFuture<Void> barrier = barrierOf(seg);
    if (barrier == null) {
      return true;
    }
    if (!barrier.isDone()) {
      return false;
    }
    // The flag stays set (it is written under the segment's lock only); later checks find no entry.
    barriers.remove(seg, barrier);
    return true;
  }

  /** Retires {@code seg} and tells the policy, then takes it out of the map. Caller holds the segment's lock. */
  private void remove(Segment seg, String why) {
    budget.add(-retire(seg, why));
    String name = seg.name;
    policyDriver.remove(seg);
    // Only now may a new registration of the name find the map free, so its onAdmit follows this onRemove.
    segments.remove(name, seg);
  }

  /**
   * Takes {@code seg} out of the accounting and returns the resident bytes it no longer counts, which the caller
   * subtracts from the usage (in one update with whatever replaces it); deletes its stored copy if spilled and
   * no I/O is in flight (a managed spill or reload in flight deletes the copy itself when it sees the segment gone).
   * Caller holds the segment's lock and removes it from the map (or has replaced it) itself; the caller signals the
   * freed room once it released the lock.
   */
  private long retire(Segment seg, String why) {
    long released = 0;
    ManagedSegment<?> managed = seg.managed();
    if (managed == null) {
      URI location = seg.location;
      if (location == null) {
        released = seg.size;
      } else {
        // Deleted while the segment is still current (or its successor is still locked), so that no new copy under
        // the same key can be written meanwhile and then deleted by mistake.
        deleteQuietly(seg.name, location, why);
        spilledCount.decrementAndGet();
        seg.location = null;
      }
    } else {
      managedCount.decrementAndGet();
      if (managed.pins > 0) {
        pinnedBytes.addAndGet(-seg.size);
        managed.pins = 0;
      }
      switch (managed.state) {
        case M_RESIDENT:
        case M_SPILLING:
          released = seg.size;
          break;
        case M_SPILLED:
          deleteQuietly(seg.name, Objects.requireNonNull(seg.location), why);
          spilledCount.decrementAndGet();
          seg.location = null;
          break;
        default: // M_RELOADING: the reloading thread deletes the copy and gives back the room it reserved
          spilledCount.decrementAndGet();
          seg.location = null;
          break;
      }
      managed.value = null;
    }
    seg.removed = true;
    if (seg.hasBarrier) {
      barriers.remove(seg);
    }
    return released;
  }

  /** Closes one managed segment (its handle's close). */
  private void closeSegment(Segment seg) {
    boolean removed = false;
    synchronized (seg) {
      if (!seg.removed && !closed) {
        remove(seg, "closed");
        removed = true;
      }
    }
    if (removed) {
      signalRoom();
    }
  }

  private void deleteQuietly(String name, URI location, String why) {
    try {
      store.delete(name);
    } catch (IOException | RuntimeException e) {
      deleteFailures.incrementAndGet();
      LOG.warn("Cannot delete the stored copy of {} segment '{}' from store '{}' at {}: {}", why, name, storeName,
          location, e.toString(), e);
    }
  }

  /** Deletes the stored copy of every spilled segment (but those with I/O in flight) and forgets those segments. */
  private void forgetSpilled() {
    SpillStoreException failure = null;
    for (Segment seg : segments.values()) {
      synchronized (seg) {
        URI location = seg.location;
        ManagedSegment<?> managed = seg.managed();
        if (seg.removed || location == null || (managed != null && managed.io != null)) {
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
        if (seg.hasBarrier) {
          barriers.remove(seg);
        }
        seg.location = null;
        spilledCount.decrementAndGet();
        if (managed != null) {
          managedCount.decrementAndGet();
          managed.value = null;
        }
        String name = seg.name;
        policyDriver.remove(seg);
        // After onRemove, so that a new registration of the name is admitted after it (see unregisterSegment).
        segments.remove(name, seg);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  // ---- managed operations ------------------------------------------------------------------------------------------

  /**
   * The value of a managed segment, reloading it if spilled; with {@code pin}, also pins it (under the same lock
   * that saw it resident). {@code help}: spill for itself rather than wait for the spiller when room is needed.
   */
  private <T> T value(Segment seg, ManagedSegment<T> managed, boolean help, boolean pin) {
    while (true) {
      CompletableFuture<T> pending = null;
      long size;
      synchronized (seg) {
        checkLive(seg);
        switch (managed.state) {
          case M_RESIDENT:
          case M_SPILLING:
            if (pin && managed.pins++ == 0) {
              pinnedBytes.addAndGet(seg.size);
            }
            return Objects.requireNonNull(managed.value);
          case M_RELOADING:
            pending = Objects.requireNonNull(managed.reload);
            size = 0;
            break;
          default:
            size = seg.size;
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
      reserve(seg.name, size, help || synchronous);
      T value = reload(seg, managed, size, pin);
      if (value != null) {
        return value;
      }
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
   * Reloads a managed segment for which {@code size} bytes were reserved: returns its value, or null (reservation
   * given back) if its state changed before the reload could start.
   */
  private <T> @Nullable T reload(Segment seg, ManagedSegment<T> managed, long size, boolean pin) {
    CompletableFuture<T> result;
    CompletableFuture<Void> io;
    URI location;
    synchronized (seg) {
      if (closed || seg.removed || managed.state != M_SPILLED || seg.size != size) {
        result = null;
        io = null;
        location = null;
      } else {
        location = Objects.requireNonNull(seg.location);
        managed.state = M_RELOADING;
        result = new CompletableFuture<>();
        managed.reload = result;
        io = new CompletableFuture<>();
        managed.io = io;
        inFlight.add(io);
        reloadingBytes.addAndGet(size);
      }
    }
    if (result == null) {
      release(size);
      return null;
    }
    String name = seg.name;
    long start = System.nanoTime();
    T value = null;
    int payloadLength = 0;
    Throwable failure = null;
    try {
      byte[] payload = readFrame(name, location);
      payloadLength = payload.length;
      value = Objects.requireNonNull(managed.codec.decode(payload), "codec decoded null");
    } catch (RuntimeException | Error e) {
      // An Error too: the segment must leave RELOADING and its waiters be told before it propagates.
      failure = e;
    }
    long nanos = System.nanoTime() - start;
    if (failure == null) {
      deleteQuietly(name, location, "reloaded");
    }
    boolean kept = false;
    boolean gone;
    try {
      synchronized (seg) {
        managed.io = null;
        managed.reload = null;
        gone = seg.removed;
        if (gone) {
          if (failure != null) {
            deleteQuietly(name, location, "closed");
          }
        } else if (failure != null) {
          managed.state = M_SPILLED;
        } else {
          managed.state = M_RESIDENT;
          managed.value = value;
          if (pin && managed.pins++ == 0) {
            pinnedBytes.addAndGet(seg.size);
          }
          // The room was reserved before the read, so the usage already counts the segment.
          recordReload(seg, payloadLength, nanos);
          kept = true;
        }
      }
    } finally {
      reloadingBytes.addAndGet(-size);
      inFlight.remove(io);
      if (!kept) {
        release(size);
      }
      io.complete(null);
    }
    if (failure != null) {
      reloadFailures.incrementAndGet();
      Throwable error = failure;
      SpillEvent failed = new SpillEvent(name, SpillEvent.Kind.RELOAD, size, payloadLength, Duration.ofNanos(nanos),
          location);
      fire(l -> l.onFailure(failed, error));
      result.completeExceptionally(error);
      if (error instanceof Error) {
        throw (Error) error;
      }
      throw (RuntimeException) error;
    }
    if (gone) {
      IllegalStateException error = closedHandle(name);
      result.completeExceptionally(error);
      // A successor of the name may have waited for this I/O before it could be spilled.
      maybeSpill();
      throw error;
    }
    T reloaded = Objects.requireNonNull(value);
    result.complete(reloaded);
    LOG.debug("Reloaded managed segment '{}' ({} registered bytes, {} payload bytes) from {}", name, size,
        payloadLength, location);
    SpillEvent done = new SpillEvent(name, SpillEvent.Kind.RELOAD, size, payloadLength, Duration.ofNanos(nanos),
        location);
    fire(l -> l.onReload(done));
    maybeSpill();
    return reloaded;
  }

  /** Replaces a managed segment's value, waiting for room if it grows. */
  private <T> void set(Segment seg, ManagedSegment<T> managed, T value) {
    Objects.requireNonNull(value, "value");
    long newSize = weigh(seg.name, managed.weigher, value);
    long reserved = 0;
    boolean applied = false;
    long delta = 0;
    try {
      while (true) {
        CompletableFuture<Void> reloading = null;
        long need = 0;
        synchronized (seg) {
          checkLive(seg);
          if (managed.state == M_RELOADING) {
            // Its copy is being read: the store gets no other operation on the key until the reload is done.
            reloading = managed.io;
          } else {
            byte was = managed.state;
            long oldSize = seg.size;
            need = newSize - (was == M_SPILLED ? 0 : oldSize);
            if (need <= reserved) {
              if (was == M_SPILLED) {
                deleteQuietly(seg.name, Objects.requireNonNull(seg.location), "replaced");
                seg.location = null;
                spilledCount.decrementAndGet();
                managed.state = M_RESIDENT;
              }
              // A spill in flight stays SPILLING; the new version makes it discard its copy when it commits.
              managed.value = value;
              managed.version++;
              seg.size = newSize;
              budget.add(need - reserved);
              delta = need;
              reserved = 0;
              if (managed.pins > 0) {
                pinnedBytes.addAndGet(newSize - oldSize);
              }
              policyEvent(p -> {
                if (was == M_SPILLED) {
                  policyDriver.reloaded(p, seg);
                }
                if (oldSize != newSize) {
                  policyDriver.resized(p, seg, oldSize, newSize);
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
        reserve(seg.name, need - reserved, synchronous);
        reserved = need;
      }
    } finally {
      if (reserved > 0) {
        release(reserved);
      }
    }
    if (delta < 0) {
      signalRoom();
    } else {
      maybeSpill();
    }
  }

  private void unpin(Segment seg, ManagedSegment<?> managed) {
    synchronized (seg) {
      if (seg.removed || managed.pins == 0) {
        return;
      }
      if (--managed.pins == 0) {
        pinnedBytes.addAndGet(-seg.size);
      }
    }
    maybeSpill();
  }

  /**
   * Spills one managed segment if it is still spillable: returns the bytes freed, 0 if it was not spilled (not
   * spillable, or the spill failed), or {@link #ABANDONED}.
   */
  private <T> long spill(Segment seg, ManagedSegment<T> managed) {
    T value;
    long version;
    long size;
    CompletableFuture<Void> io;
    synchronized (seg) {
      if (closed || seg.removed || managed.state != M_RESIDENT || managed.pins > 0 || seg.size < config.minSpillSize()
          || !barrierPassed(seg)) {
        return 0;
      }
      value = Objects.requireNonNull(managed.value);
      version = managed.version;
      size = seg.size;
      io = new CompletableFuture<>();
      managed.io = io;
      managed.state = M_SPILLING;
      inFlight.add(io);
      spillingBytes.addAndGet(size);
    }
    String name = seg.name;
    long start = System.nanoTime();
    URI location = null;
    int payloadLength = 0;
    Throwable failure = null;
    try {
      byte[] payload = managed.codec.encode(value);
      payloadLength = payload.length;
      location = Objects.requireNonNull(store.write(name, frames.encode(name, payload)), "store returned no location");
    } catch (IOException | RuntimeException | Error e) {
      // An Error too: the segment must leave SPILLING and the I/O be marked done before it propagates.
      failure = e;
    }
    long nanos = System.nanoTime() - start;
    boolean committed = false;
    boolean abandoned = false;
    try {
      synchronized (seg) {
        managed.io = null;
        if (failure != null) {
          managed.state = M_RESIDENT;
        } else if (seg.removed) {
          deleteQuietly(name, Objects.requireNonNull(location), "closed");
          abandoned = true;
        } else if (managed.version != version || managed.pins > 0) {
          // Replaced or pinned while the copy was written: the copy is stale or unwanted, the value stays.
          deleteQuietly(name, Objects.requireNonNull(location), "abandoned");
          managed.state = M_RESIDENT;
          abandoned = true;
        } else {
          managed.state = M_SPILLED;
          managed.value = null;
          recordSpill(seg, Objects.requireNonNull(location), size, payloadLength, nanos);
          committed = true;
        }
      }
    } finally {
      spillingBytes.addAndGet(-size);
      inFlight.remove(io);
      io.complete(null);
    }
    if (failure instanceof Error) {
      throw (Error) failure;
    }
    if (failure != null) {
      spillFailures.incrementAndGet();
      RuntimeException error = failure instanceof RuntimeException && !(failure instanceof UncheckedIOException)
          ? (RuntimeException) failure
          : storeError("spill", "to", name, null, (Exception) failure);
      LOG.warn("Cannot spill managed segment '{}'; it stays resident: {}", name, error.toString());
      SpillEvent failed = new SpillEvent(name, SpillEvent.Kind.SPILL, size, payloadLength, Duration.ofNanos(nanos),
          null);
      fire(l -> l.onFailure(failed, error));
      return 0;
    }
    if (!committed) {
      return abandoned ? ABANDONED : 0;
    }
    signalRoom();
    LOG.debug("Spilled managed segment '{}' ({} registered bytes, {} payload bytes) to {}", name, size, payloadLength,
        location);
    SpillEvent done = new SpillEvent(name, SpillEvent.Kind.SPILL, size, payloadLength, Duration.ofNanos(nanos),
        location);
    fire(l -> l.onSpill(done));
    return size;
  }

  private static <T> long weigh(String name, ToLongFunction<? super T> weigher, T value) {
    long size = weigher.applyAsLong(value);
    if (size < 0) {
      throw new IllegalArgumentException("The weigher gave a negative size, " + size + ", for segment '" + name + "'");
    }
    return size;
  }

  // ---- budget and spilling -----------------------------------------------------------------------------------------

  /**
   * Adds {@code bytes} to the usage once they fit under the budget, waiting (and, with {@code help}, spilling)
   * meanwhile. Caller holds no segment lock.
   *
   * @throws SpillBudgetExceededException after {@link SpillConfig#maxBlock()}, nothing added
   * @throws IllegalStateException if the manager is closed meanwhile
   */
  private void reserve(String name, long bytes, boolean help) {
    budget.reserve(name, bytes, help, budgetOwner);
  }

  /** Gives back reserved bytes. Caller holds no lock. */
  private void release(long bytes) {
    budget.release(bytes);
  }

  /** Wakes the callers waiting for room, if any. Caller holds no segment lock. */
  private void signalRoom() {
    budget.signalRoom();
  }

  /** What the budget asks of this manager while a caller waits for room. */
  private final class BudgetOwner implements MemoryBudget.Owner {
    @Override
    public void ensureOpen() {
      DefaultSpillManager.this.ensureOpen();
    }

    @Override
    public void makeRoom(boolean help) {
      if (help) {
        spillDown();
      } else {
        requestSpill();
      }
    }

    @Override
    public SpillBudgetExceededException exceeded(String name, long bytes, long waitedNanos) {
      return new SpillBudgetExceededException(name, bytes, budget.usage(), pinnedBytes.get(), config.maxMemory(),
          Duration.ofNanos(waitedNanos));
    }
  }

  /** Bytes to spill now: down to the target once past the threshold, and enough for every waiting caller. */
  private long bytesToFree() {
    long usage = budget.usage() - spillingBytes.get();
    long forTarget = usage >= thresholdBytes ? usage - targetBytes : 0;
    long forWaiters = usage + budget.waitingBytes() - config.maxMemory();
    return Math.max(forTarget, forWaiters);
  }

  /** Starts spilling if needed: in the caller's thread in synchronous mode, else by the background spiller. */
  private void maybeSpill() {
    if (closed || managedCount.get() == 0 || bytesToFree() <= 0) {
      return;
    }
    if (synchronous) {
      spillDown();
    } else {
      requestSpill();
    }
  }

  private void requestSpill() {
    spillRequests.incrementAndGet();
    if (closed || !spillerScheduled.compareAndSet(false, true)) {
      return; // a running spiller sees the new request count and runs again
    }
    try {
      executor.execute(spiller);
    } catch (RejectedExecutionException e) {
      spillerScheduled.set(false);
      if (!closed) {
        LOG.warn("The spill executor rejected the spiller; spilling in the calling thread: {}", e.toString());
        spiller.run();
      }
    }
  }

  private void runSpiller() {
    while (true) {
      long seen = spillRequests.get();
      try {
        spillDown();
      } catch (RuntimeException e) {
        if (!closed) {
          LOG.warn("Background spill failed: {}", e.toString(), e);
        }
      } finally {
        spillerScheduled.set(false);
      }
      if (closed || spillRequests.get() == seen || !spillerScheduled.compareAndSet(false, true)) {
        return;
      }
    }
  }

  /** Spills managed victims while {@link #bytesToFree()} is positive and some can be spilled. */
  private void spillDown() {
    while (!closed) {
      long toFree = bytesToFree();
      if (toFree <= 0) {
        return;
      }
      long freed = 0;
      boolean abandoned = false;
      for (Segment seg : chooseVictims(toFree, spillable)) {
        ManagedSegment<?> managed = seg.managed();
        if (managed != null) {
          long result = spill(seg, managed);
          if (result == ABANDONED) {
            abandoned = true;
          } else {
            freed += result;
          }
        }
      }
      // A spill abandoned because its value was replaced, pinned or closed meanwhile freed nothing, but the usage
      // may still be over: choose again. A failed spill (store or codec error) is not retried until asked again.
      if (freed == 0 && !abandoned) {
        return;
      }
    }
  }

  /** Asks the policy for victims among {@code allowed}, then re-checks its answer. */
  private List<Segment> chooseVictims(long toFree, Predicate<Segment> allowed) {
    if (toFree <= 0) {
      return List.of();
    }
    List<Segment> chosen = policyDriver.selectVictims(toFree, allowed);
    if (chosen == null) {
      throw closedError();
    }
    // The policy's answer is re-checked so that the manager's contract holds whatever the plugin does: a segment
    // may have been spilled or removed before the policy heard of it, a faulty policy may repeat an id or go on
    // past the bytes to free.
    Set<Segment> victims = new LinkedHashSet<>();
    long freed = 0;
    for (Segment seg : chosen) {
      if (freed >= toFree) {
        break;
      }
      if (!allowed.test(seg)) {
        continue;
      }
      if (!victims.add(seg)) {
        LOG.warn("Policy {} named segment '{}' twice as a victim; ignoring the repeat", policyClassName(), seg.name);
        continue;
      }
      long size = seg.size;
      freed = size > Long.MAX_VALUE - freed ? Long.MAX_VALUE : freed + size;
    }
    return List.copyOf(victims);
  }

  /** The victims' names, in order, in an unmodifiable list. */
  private static List<String> names(List<Segment> victims) {
    return victims.stream().map(seg -> seg.name).toList();
  }

  /** Manual victims: registered, manual, resident, large enough. */
  private boolean eligible(Segment seg) {
    return seg.managed() == null && !seg.removed && seg.location == null && seg.size >= config.minSpillSize();
  }

  /** ManagedSegment victims: resident (not in flight), unpinned, large enough, past any barrier. */
  private boolean spillable(Segment seg) {
    if (seg.removed || seg.size < config.minSpillSize() || !barrierPassed(seg)) {
      return false;
    }
    ManagedSegment<?> managed = seg.managed();
    return managed != null && managed.state == M_RESIDENT && managed.pins == 0;
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

  /** Records an access for the policy (and the segment's count) without waiting for any lock or allocating. */
  private void recordAccess(Segment seg) {
    policyDriver.recordAccess(seg);
  }

  /**
   * Reads and verifies the stored frame of {@code name}, turning every failure into a
   * {@link CorruptSegmentException} or {@link SpillStoreException} (logged, not counted).
   */
  private byte[] readFrame(String name, URI location) {
    try (SeekableByteChannel channel = store.openRead(name)) {
      return frames.decode(name, channel);
    } catch (CorruptSegmentException e) {
      CorruptSegmentException named = name.equals(e.segment()) ? e : e.forSegment(name);
      LOG.warn("{} (at {}); the segment stays spilled and its stored copy is kept", named.getMessage(), location);
      throw named;
    } catch (NoSuchFileException e) {
      SpillStoreException error = new SpillStoreException("Cannot reload segment '" + name + "' from store '"
          + storeName + "' at " + location + ": its stored copy is missing", name, location.toString(), e);
      LOG.warn("{}; the segment stays spilled", error.getMessage());
      throw error;
    } catch (IOException | UncheckedIOException e) {
      SpillStoreException error = storeError("reload", "from", name, location.toString(), e);
      LOG.warn("{}; the segment stays spilled", error.getMessage());
      throw error;
    }
  }

  private <R> CompletableFuture<R> async(Supplier<R> task) {
    try {
      return CompletableFuture.supplyAsync(task, executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(closed ? closedError() : e);
    }
  }

  // ---- policy and listeners ----------------------------------------------------------------------------------------

  private void policyEvent(Consumer<SpillPolicy> event) {
    policyDriver.event(event);
  }

  private String policyClassName() {
    return policyDriver.policyClassName();
  }

  /** Tells every listener; a listener's exception is logged and the others are still told. */
  private void fire(Consumer<SpillListener> call) {
    for (SpillListener listener : listeners) {
      try {
        call.accept(listener);
      } catch (RuntimeException e) {
        LOG.warn("Spill listener {} failed; ignored: {}", listener.getClass().getName(), e.toString(), e);
      }
    }
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  // ---- errors ------------------------------------------------------------------------------------------------------

  private void ensureOpen() {
    if (closed) {
      throw closedError();
    }
  }

  /** Caller holds the segment's lock. */
  private void checkLive(Segment seg) {
    ensureOpen();
    if (seg.removed) {
      throw closedHandle(seg.name);
    }
  }

  private static IllegalStateException closedError() {
    return new IllegalStateException("This SpillManager is closed");
  }

  private static IllegalStateException closedHandle(String name) {
    return new IllegalStateException("The handle of segment '" + name + "' is closed (closed, unregistered, "
        + "replaced or cleaned up)");
  }

  private static void refuseManaged(Segment seg, String operation, String instead) {
    if (seg.managed() != null) {
      throw new IllegalStateException("Segment '" + seg.name + "' is managed (created by put): " + operation
          + " is refused, use " + instead + " instead");
    }
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

  // ---- state -------------------------------------------------------------------------------------------------------

  /** The handle {@link #put} returns. */
  private final class Handle<T> implements SegmentHandle<T> {
    private final Segment seg;
    private final ManagedSegment<T> managed;

    Handle(ManagedSegment<T> managed) {
      this.seg = managed;
      this.managed = managed;
    }

    @Override
    public String name() {
      return seg.name;
    }

    @Override
    public T get() {
      // Fast path for a resident value: two volatile reads, no lock, no allocation. The read of the value is the
      // linearization point; an open manager then was open at that read too.
      T value = managed.value;
      if (value == null || closed) {
        value = value(seg, managed, false, false);
      }
      recordAccess(seg);
      return value;
    }

    @Override
    public CompletableFuture<T> getAsync() {
      synchronized (seg) {
        checkLive(seg);
        if (managed.state == M_RESIDENT || managed.state == M_SPILLING) {
          T value = Objects.requireNonNull(managed.value);
          recordAccess(seg);
          return CompletableFuture.completedFuture(value);
        }
      }
      return async(() -> {
        T value = value(seg, managed, true, false);
        recordAccess(seg);
        return value;
      });
    }

    @Override
    public void set(T value) {
      DefaultSpillManager.this.set(seg, managed, value);
    }

    @Override
    public SegmentPin pin() {
      value(seg, managed, false, true);
      return new Pin(seg, managed);
    }

    @Override
    public boolean isSpilled() {
      return seg.location != null;
    }

    @Override
    public long size() {
      return seg.size;
    }

    @Override
    public void close() {
      closeSegment(seg);
    }

    @Override
    public String toString() {
      return "SegmentHandle{" + seg.name + ", size=" + seg.size + ", spilled=" + (seg.location != null) + ", closed="
          + seg.removed + "}";
    }
  }

  /** One pin on a managed segment. */
  private final class Pin implements SegmentPin {
    private final Segment seg;
    private final ManagedSegment<?> managed;
    private final AtomicBoolean released = new AtomicBoolean();

    Pin(Segment seg, ManagedSegment<?> managed) {
      this.seg = seg;
      this.managed = managed;
    }

    @Override
    public void close() {
      if (released.compareAndSet(false, true)) {
        unpin(seg, managed);
      }
    }
  }
}
