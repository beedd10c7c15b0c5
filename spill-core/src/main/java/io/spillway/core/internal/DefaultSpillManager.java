package io.spillway.core.internal;

import io.spillway.api.SegmentHandle;
import io.spillway.api.SegmentInfo;
import io.spillway.api.SpillCodec;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillMode;
import io.spillway.api.SpillStats;
import io.spillway.api.spi.SpillPolicy;
import io.spillway.api.spi.SpillStore;
import io.spillway.api.spi.SpillStoreProvider;
import io.spillway.core.SpillFrames;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link SpillManager}: RedDB's manual API with exact accounting, plus managed values that it spills and
 * reloads by itself. A façade that owns the parts' lifecycle and delegates every operation. Internal, may change;
 * obtain one from {@code io.spillway.core.Spillway}.
 *
 * <p><b>Parts.</b>
 * <ul>
 *   <li>{@link SegmentRegistry}: the segments by name, each its own lock; admission, retirement, I/O barriers.</li>
 *   <li>{@link ManualSegments}: registered segments whose bytes the caller holds (RedDB's API).</li>
 *   <li>{@link ManagedValues} and {@link ManagedHandle}: values created by {@code put}, their states, pins, reloads;
 *       {@link ManagedSpill} spills one.</li>
 *   <li>{@link Spiller}: owns the {@link MemoryBudget}; chooses victims with the policy and spills down.</li>
 *   <li>{@link PolicyDriver}: calls the single-threaded policy, draining the lossy access buffer.</li>
 *   <li>{@link SegmentIo}: store I/O, frames, and the translation of store failures.</li>
 *   <li>{@link SessionRecovery}: what a persistent session held, registered spilled when the manager opens.</li>
 *   <li>{@link SpillCounters}, {@link Listeners}: statistics and events.</li>
 * </ul>
 *
 * <p><b>What is atomic.</b> Every state change of a segment, with its accounting (usage, spilled count, pinned
 * bytes) and its policy event, happens under that segment's lock, so other calls on the segment see it whole. A
 * managed spill or reload as a whole is not atomic with respect to the segment's other calls, by design: they
 * proceed while its I/O runs, and the commit then decides (see {@link ManagedSpill}, {@link ManagedValues}). The
 * usage is one atomic counter, so admission is a compare-and-set against the budget.
 *
 * <p><b>Lock order.</b> Segment lock, then the policy lock or the budget lock; the policy lock and the budget lock
 * are never held together nor while waiting for anything, and no thread waits for room in the budget, for a reload
 * or for a barrier while holding a segment lock, except a manual spill waiting (under its own segment's lock) for a
 * predecessor's I/O, which completes without that lock. So the spiller, which needs the locks of its victims, is
 * never held up by a caller waiting for it.
 *
 * <p><b>Closing.</b> {@link #close()} marks the manager closed and wakes every caller waiting for room (they throw
 * {@link IllegalStateException}); then it takes every segment's lock in turn (deleting the spilled copies), waits for
 * the managed spills and reloads in flight (each deletes its own copy if its segment is gone), deletes what they left
 * spilled, shuts down its own executor, drops the policy and closes the store. A persistent session's close deletes
 * nothing: it takes the locks and waits for the I/O in flight all the same (a spill that completes then is kept),
 * and the store keeps its data. {@link #discard()} closes the same way, without the deletes, and then has the store
 * delete the whole session. Handle and manager calls afterwards throw {@link IllegalStateException}, except the
 * idempotent closes. {@link #cleanup()} keeps a segment spilled, and
 * throws, if its copy cannot be deleted, so that the call can be retried; it skips managed segments with I/O in
 * flight.
 *
 * <p><b>Policy events.</b> {@link #access} and {@link SegmentHandle#get()} record the access without a lock or an
 * allocation in a lossy, striped buffer which {@link PolicyDriver} drains to the policy (see there when an access can
 * be dropped: never for a manager used by one thread at a time, whose counts are exact; and when the policy hears
 * only a sample: in the background mode, while it falls behind the readers; never in the synchronous mode, where the
 * policy's scores match RedDB's exactly). The
 * buffer is drained before every other policy event, before victims are chosen and before {@link #listSegments()}.
 * A policy's exception is logged at WARN and does not disturb the accounting. The policy hears of a managed spill
 * only once it is committed; a {@code set} of a spilled value is told as a reload (then a resize).
 *
 * <p><b>Memory.</b> A manual segment costs its {@code Segment} object (32 bytes with compressed references) plus
 * its slot in the {@link SegmentTable} (7–13 bytes), the name excepted; a managed one is a {@code ManagedSegment}, a
 * subclass of 72 bytes, plus its handle (24 bytes).
 *
 * <p><b>Store errors.</b> An {@link java.io.IOException} from the store becomes a
 * {@link io.spillway.api.SpillStoreException} naming the segment, the store and, when known, the location. A stored
 * copy that cannot be deleted on unregister, on re-registration, after a successful reload or after an abandoned
 * spill is logged at WARN and counted ({@link SpillStats#deleteFailures()}) but not thrown. {@link #stats()}
 * reports a store usage of -1 if the store cannot tell it.
 *
 * <p><b>Store quota.</b> Every write, manual or managed, first reserves its frame's length against
 * {@link SpillConfig#maxStoreBytes()} ({@link StoreQuota}, in {@link SegmentIo}); a spill that does not fit (with
 * compression {@code auto}, not even with its whole payload compressed) fails with
 * {@link io.spillway.api.StoreQuotaExceededException} like any store failure: the segment stays resident, a managed
 * value's failure is counted and told to the listeners. A failed write, for the quota or not, while clean copies
 * exist drops them and is tried once more, manual or managed.
 *
 * <p><b>Differences from RedDB</b> (deliberate): sizes are counted by registered size on spill and reload, a
 * spilled segment is never counted as resident, a check over the threshold that has nothing to free does not decay
 * scores (RedDB decays before it notices), and {@link #cleanup()} forgets the spilled segments whose copies it
 * deletes, instead of marking them resident.
 */
public final class DefaultSpillManager implements SpillManager {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultSpillManager.class);
  private static final AtomicInteger SPILLER_THREADS = new AtomicInteger();
  /** The most managed spills at once that a store provider's default may ask for. */
  private static final int MAX_IO_THREADS = 64;

  private final SpillConfig config;
  private final String policyName;
  private final @Nullable ExecutorService ownExecutor;
  private final Lifecycle lifecycle = new Lifecycle();
  private final SpillCounters counters = new SpillCounters();
  private final InFlightIo inFlight = new InFlightIo();
  private final MemoryBudget budget;
  private final SegmentIo io;
  private final PolicyDriver policy;
  private final SegmentRegistry registry;
  private final Spiller spiller;
  private final ManualSegments manual;
  private final ManagedValues managed;
  private final Object closeLock = new Object();
  /** Guarded by closeLock. */
  private boolean discarded;

  /**
   * Assembles a manager from its parts; the manager owns the policy and the store from now on. For a persistent
   * session ({@link SpillConfig#persistentSession()}), registers what the store holds as spilled manual segments
   * (see {@link SessionRecovery}); the caller has checked that the store supports persistent sessions.
   *
   * @param storeName the store provider's name, for error messages
   * @throws SpillConfigurationException for a persistent session with v2 frames, which cannot carry
   *     a registered size (the store is closed, its data kept)
   * @throws io.spillway.api.SpillStoreException if the persistent session's values cannot be listed (the store is
   *     closed, its data kept)
   */
  public DefaultSpillManager(SpillConfig config, SpillPolicy policy, SpillStore store, String storeName,
      SpillFrames frames) {
    this(config, policy, store, storeName, frames, null);
  }

  /**
   * As {@link #DefaultSpillManager(SpillConfig, SpillPolicy, SpillStore, String, SpillFrames)}, for a store that
   * {@code provider} created: its {@link SpillStoreProvider#defaultIoThreads(int)} applies unless the config sets
   * {@link SpillConfig#ioThreads()}.
   */
  public DefaultSpillManager(SpillConfig config, SpillPolicy policy, SpillStore store, String storeName,
      SpillFrames frames, @Nullable SpillStoreProvider provider) {
    this(config, policy, config.policy().orElse(policy.getClass().getSimpleName()), store, storeName, frames,
        provider);
  }

  /**
   * As {@link #DefaultSpillManager(SpillConfig, SpillPolicy, SpillStore, String, SpillFrames, SpillStoreProvider)},
   * with the name of the provider that made {@code policy}, which {@link #policyName()} reports (the other
   * constructors report {@link SpillConfig#policy()}, else the policy's class name).
   */
  public DefaultSpillManager(SpillConfig config, SpillPolicy policy, String policyName, SpillStore store,
      String storeName, SpillFrames frames, @Nullable SpillStoreProvider provider) {
    this.config = Objects.requireNonNull(config, "config");
    this.policyName = Objects.requireNonNull(policyName, "policyName");
    Objects.requireNonNull(policy, "policy");
    int ioThreads = ioThreads(config, provider);
    Executor executor;
    Optional<Executor> given = config.spillExecutor();
    if (given.isPresent()) {
      executor = given.get();
      this.ownExecutor = null;
    } else {
      ExecutorService own = newOwnExecutor(ioThreads);
      executor = own;
      this.ownExecutor = own;
    }
    boolean synchronous = config.spillMode() == SpillMode.SYNCHRONOUS;
    Listeners listeners = new Listeners(config.listeners());
    this.budget = new MemoryBudget(config.maxMemory(), config.maxBlock(), counters, storeName);
    Optional<String> session = config.persistentSession();
    this.io = new SegmentIo(store, storeName, frames, counters, config.maxStoreBytes(), session.isPresent());
    this.policy = new PolicyDriver(policy, LOG, synchronous ? null : executor);
    this.registry = new SegmentRegistry(lifecycle, budget, this.policy, io, counters);
    ManagedSpill managedSpill = new ManagedSpill(lifecycle, config.managedMinSpillSize(), registry, io, counters,
        listeners, budget, inFlight);
    this.spiller = new Spiller(config, ioThreads, lifecycle, budget, counters, this.policy, registry, managedSpill,
        executor);
    this.manual = new ManualSegments(registry, io, counters, budget, spiller, this.policy, listeners);
    this.managed = new ManagedValues(lifecycle, registry, io, counters, this.policy, listeners, spiller, budget,
        inFlight, executor);
    if (session.isPresent()) {
      try {
        if (frames.version() != 3) {
          throw new SpillConfigurationException("Persistent session '" + session.get()
              + "' needs frame version 3, whose frames carry a segment's registered size; frameVersion is "
              + frames.version());
        }
        SessionRecovery.recover(io, registry, counters, session.get());
      } catch (RuntimeException e) {
        // Nothing was handed out yet: close what was assembled, which keeps the session's data for a next attempt.
        try {
          close();
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
    }
  }

  /**
   * How many managed spills may run at once: {@link SpillConfig#ioThreads()} if set, else what {@code provider}
   * answers for this machine's processors (between 1 and 64), else {@link SpillStoreProvider#overlappingIoThreads}.
   */
  static int ioThreads(SpillConfig config, @Nullable SpillStoreProvider provider) {
    if (config.ioThreads() > 0) {
      return config.ioThreads();
    }
    int processors = Runtime.getRuntime().availableProcessors();
    if (provider == null) {
      return SpillStoreProvider.overlappingIoThreads(processors);
    }
    return Math.max(1, Math.min(MAX_IO_THREADS, provider.defaultIoThreads(processors)));
  }

  /**
   * Daemon threads, started on demand and let go when idle, so an unused manager costs no thread: one for the
   * spiller and one for each parallel spill beside it ({@link #ioThreads}).
   */
  private static ExecutorService newOwnExecutor(int ioThreads) {
    int threads = ioThreads + 1;
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
    lifecycle.ensureOpen();
    manual.register(name, size);
  }

  @Override
  public boolean unregisterSegment(String name) {
    return manual.unregister(name);
  }

  @Override
  public void updateSize(String name, long size) {
    manual.updateSize(name, size);
  }

  @Override
  public void access(String name) {
    Objects.requireNonNull(name, "name");
    lifecycle.ensureOpen();
    Segment seg = registry.get(name);
    if (seg != null) {
      policy.recordAccess(seg);
    }
  }

  @Override
  public List<String> needsSpill() {
    lifecycle.ensureOpen();
    return spiller.needsSpill();
  }

  @Override
  public List<String> needsSpill(long bytesToFree) {
    lifecycle.ensureOpen();
    return spiller.needsSpill(bytesToFree);
  }

  @Override
  public URI spill(String name, byte[] data) {
    return manual.spill(name, data);
  }

  @Override
  public Optional<byte[]> reload(String name) {
    return manual.reload(name);
  }

  @Override
  public CompletableFuture<URI> spillAsync(String name, byte[] data) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(data, "data");
    lifecycle.ensureOpen();
    return managed.async(() -> manual.spill(name, data));
  }

  @Override
  public CompletableFuture<Optional<byte[]>> reloadAsync(String name) {
    Objects.requireNonNull(name, "name");
    lifecycle.ensureOpen();
    return managed.async(() -> manual.reload(name));
  }

  // ---- managed values ----------------------------------------------------------------------------------------------

  @Override
  public <T> SegmentHandle<T> put(String name, T value, SpillCodec<T> codec) {
    Objects.requireNonNull(codec, "codec");
    return put(name, value, codec, codec::sizeOf);
  }

  @Override
  public <T> SegmentHandle<T> put(String name, T value, SpillCodec<T> codec, ToLongFunction<? super T> weigher) {
    return managed.put(name, value, codec, weigher);
  }

  @Override
  public <T> SegmentHandle<T> reattach(String name, SpillCodec<T> codec) {
    Objects.requireNonNull(codec, "codec");
    return reattach(name, codec, codec::sizeOf);
  }

  @Override
  public <T> SegmentHandle<T> reattach(String name, SpillCodec<T> codec, ToLongFunction<? super T> weigher) {
    return managed.reattach(name, codec, weigher);
  }

  @Override
  public CompletableFuture<Void> prefetch(String... names) {
    Objects.requireNonNull(names, "names");
    lifecycle.ensureOpen();
    return managed.prefetch(names);
  }

  // ---- queries -----------------------------------------------------------------------------------------------------

  @Override
  public boolean isSpilled(String name) {
    Objects.requireNonNull(name, "name");
    lifecycle.ensureOpen();
    Segment seg = registry.get(name);
    return seg != null && seg.location != null;
  }

  @Override
  public SpillStats stats() {
    lifecycle.ensureOpen();
    return counters.snapshot(budget.usage(), config.maxMemory(), registry.size(), io.usage(),
        policy.droppedAccesses(), policy.undeliveredAccesses());
  }

  @Override
  public long memoryUsage() {
    lifecycle.ensureOpen();
    return budget.usage();
  }

  @Override
  public double utilization() {
    lifecycle.ensureOpen();
    return (double) budget.usage() / config.maxMemory();
  }

  @Override
  public void setMaxStoreBytes(long bytes) {
    lifecycle.ensureOpen();
    StoreQuota quota = io.quota();
    long old = quota.limit();
    quota.setLimit(bytes);
    if (bytes > old) {
      // Managed values the old quota refused are due again; this thread does no I/O either way.
      spiller.retry();
      spiller.signalRoom();
    }
  }

  @Override
  public long maxStoreBytes() {
    lifecycle.ensureOpen();
    return io.quota().limit();
  }

  @Override
  public String storeName() {
    return io.storeName();
  }

  @Override
  public String policyName() {
    return policyName;
  }

  @Override
  public List<SegmentInfo> listSegments() {
    lifecycle.ensureOpen();
    List<SegmentInfo> infos = new ArrayList<>(registry.size());
    // Access counts are kept by the drain, under the policy lock: drain first, read them under it.
    policy.drainedThen(() -> {
      for (Segment seg : registry.all()) {
        URI location = seg.location;
        infos.add(new SegmentInfo(seg.name, seg.size(), location != null, policy.accessCount(seg), location));
      }
    });
    infos.sort(Comparator.comparing(SegmentInfo::name));
    return infos;
  }

  @Override
  public void cleanup() {
    lifecycle.ensureOpen();
    registry.forgetSpilled();
  }

  @Override
  public void close() {
    synchronized (closeLock) {
      if (lifecycle.markClosed()) {
        shutDown(false);
      }
    }
  }

  @Override
  public void discard() {
    synchronized (closeLock) {
      if (discarded) {
        return;
      }
      if (!lifecycle.markClosed()) {
        throw new IllegalStateException("This SpillManager is closed" + (io.persistent() ? ", and its persistent "
            + "session's data was kept: open a manager on the session to discard it" : ""));
      }
      discarded = true;
      shutDown(true);
    }
  }

  /**
   * Closes the parts, once {@link Lifecycle#markClosed()} succeeded; with {@code discard}, the store's session is
   * discarded rather than closed. Caller holds closeLock.
   */
  private void shutDown(boolean discard) {
    budget.wakeAll();
    RuntimeException failure = null;
    // A persistent session keeps its copies, and a discarded one loses them all at once with the store.
    boolean deleteCopies = !io.persistent() && !discard;
    try {
      // Takes every segment's lock in turn, so manual spills and reloads already running finish first; any later
      // operation sees the manager closed, and no managed spill or reload starts any more.
      if (deleteCopies) {
        registry.forgetSpilled();
      } else {
        registry.awaitLockedOperations();
      }
    } catch (RuntimeException e) {
      failure = e;
    }
    // Managed I/O already under way finishes (each deletes the copy of a segment gone meanwhile); what it left
    // spilled is deleted next.
    inFlight.awaitAll();
    if (deleteCopies) {
      try {
        registry.forgetSpilled();
      } catch (RuntimeException e) {
        failure = addFailure(failure, e);
      }
    }
    policy.close();
    registry.clear();
    if (ownExecutor != null) {
      // Queued tasks still run, and fail at once because the manager is closed, so their futures complete.
      ownExecutor.shutdown();
    }
    try {
      if (discard) {
        io.discard();
      } else {
        io.close();
      }
    } catch (RuntimeException e) {
      failure = addFailure(failure, e);
    }
    LOG.debug("{} spill manager over store '{}'", discard ? "Discarded" : "Closed", io.storeName());
    if (failure != null) {
      throw failure;
    }
  }

  private static RuntimeException addFailure(@Nullable RuntimeException first, RuntimeException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  @Override
  public String toString() {
    return "DefaultSpillManager{store=" + io.storeName() + ", segments=" + registry.size() + ", memoryUsage="
        + budget.usage() + ", closed=" + lifecycle.isClosed() + "}";
  }
}
