package io.spillway.core.internal;

import static io.spillway.core.testing.BytesCodec.matches;
import static io.spillway.core.testing.BytesCodec.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.spillway.api.SegmentHandle;
import io.spillway.api.SpillBudgetExceededException;
import io.spillway.api.SpillCodec;
import io.spillway.api.SpillMode;
import io.spillway.api.SpillStoreException;
import io.spillway.api.StoreQuotaExceededException;
import io.spillway.api.spi.ForwardingSpillStore;
import io.spillway.api.spi.SpillStore;
import io.spillway.core.testing.BytesCodec;
import io.spillway.core.testing.InMemorySpillStore;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The store quota under concurrency: spills that write at once never pass it together, nor are refused for a write
 * still under way that would leave them room; the background spiller keeps refused values resident and spills them
 * once the quota is raised, even while a refused round is still in flight.
 */
class StoreQuotaConcurrencyTest extends StoreQuotaFixture {
  @Test
  void concurrentSpills_neverPassTheQuotaTogether_andEveryAcceptedSpillReloads() throws Exception {
    InMemorySpillStore memory = new InMemorySpillStore();
    MeteredStore metered = new MeteredStore(memory);
    long frame = FRAMES.frameLength("s000", 300);
    long quota = 10 * frame;
    DefaultSpillManager manager = manager(metered, config(1L << 30, SpillMode.SYNCHRONOUS).maxStoreBytes(quota)
        .build());
    int threads = 4;
    int perThread = 60;
    Map<String, Boolean> accepted = new ConcurrentHashMap<>();
    List<String> refused = new CopyOnWriteArrayList<>();
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          start.await();
          List<String> mine = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            String name = "s" + thread + String.format("%02d", i);
            manager.registerSegment(name, 300);
            try {
              manager.spill(name, value(name, 300));
              mine.add(name);
              accepted.put(name, true);
            } catch (StoreQuotaExceededException e) {
              refused.add(name);
            }
            if (i % 3 == 2 && !mine.isEmpty()) {
              // Give room back while the other threads spill: unregistering deletes the stored copy.
              String gone = mine.remove(0);
              accepted.remove(gone);
              manager.unregisterSegment(gone);
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(refused).as("the quota was reached").isNotEmpty();
    assertThat(accepted).isNotEmpty();
    assertThat(metered.peak()).as("bytes held at any moment, counted from each write's start")
        .isLessThanOrEqualTo(quota);
    assertThat(manager.stats().storeUsage()).isLessThanOrEqualTo(quota);
    for (String name : refused) {
      assertThat(manager.isSpilled(name)).as(name).isFalse();
    }
    for (String name : accepted.keySet()) {
      assertThat(manager.reload(name)).as(name)
          .hasValueSatisfying(bytes -> assertThat(matches(bytes, name, 300)).isTrue());
    }
    // Every reservation was given back: with the store empty again, exactly ten frames fit.
    assertThat(memory.keys()).isEmpty();
    for (int i = 0; i < 10; i++) {
      manager.spill(refused.get(i), value(refused.get(i), 300));
    }
    assertThatThrownBy(() -> manager.spill(refused.get(10), value(refused.get(10), 300)))
        .isInstanceOf(StoreQuotaExceededException.class);
  }

  @Test
  void aSpill_thatFitsOnceAWriteUnderWayHasEnded_waitsForIt_insteadOfBeingRefusedForTheDoubleCount() throws Exception {
    // a's write has reached the store but not returned: its bytes are both stored and reserved. b fits in the quota
    // of two frames once a's reservation is given back, so b must wait for that rather than be refused.
    try (HeldWrite held = new HeldWrite()) {
      held.awaitB();
      held.finishA();

      held.a.get(30, TimeUnit.SECONDS);
      assertThat(held.b.get(30, TimeUnit.SECONDS)).isNull();
      assertThat(held.memory.keys()).containsExactlyInAnyOrder("a", "b");
      assertThat(held.manager.stats().spillFailures()).isZero();
      assertThat(held.manager.stats().storeUsage()).isEqualTo(2 * FRAME_400);
      assertThat(held.manager.reload("b")).hasValueSatisfying(bytes -> assertThat(matches(bytes, "b", 400)).isTrue());
    }
  }

  @Test
  void aSpill_interruptedWhileWaitingForAWriteUnderWay_failsNamingTheSegment_andReservesNothing() throws Exception {
    try (HeldWrite held = new HeldWrite()) {
      held.awaitB();
      held.bThread().interrupt();

      assertThat(held.b.get(30, TimeUnit.SECONDS)).isInstanceOf(SpillStoreException.class)
          .hasMessageContaining("'b'").hasCauseInstanceOf(InterruptedIOException.class);
      assertThat(held.manager.isSpilled("b")).isFalse();
      held.finishA();
      held.a.get(30, TimeUnit.SECONDS);
      // b's wait reserved nothing: with a stored, exactly one more frame fits.
      held.manager.spill("b", value("b", 400));
      assertThat(held.memory.keys()).containsExactlyInAnyOrder("a", "b");
    }
  }

  @Test
  void aSpill_thatDoesNotFitBesideWhatTheStoreHolds_isRefusedAtOnce_evenWithAWriteUnderWay() throws Exception {
    // A quota of a frame and a half: with a stored, b cannot fit whatever a's write does, so b waits for nothing.
    try (HeldWrite held = new HeldWrite(FRAME_400 + FRAME_400 / 2)) {
      assertThat(held.b.get(30, TimeUnit.SECONDS)).as("refused while a's write is still held")
          .isInstanceOfSatisfying(StoreQuotaExceededException.class, e -> {
            assertThat(e.segment()).isEqualTo("b");
            assertThat(e.storeUsage()).isEqualTo(FRAME_400);
            assertThat(e.reservedBytes()).isEqualTo(FRAME_400);
          });
      assertThat(held.a.isDone()).isFalse();
      held.finishA();
      held.a.get(30, TimeUnit.SECONDS);
      assertThat(held.manager.isSpilled("b")).isFalse();
      assertThat(held.memory.keys()).containsExactly("a");
    }
  }

  /**
   * Segments a and b of 400 bytes under a quota of two frames (or the one given): a's spill held in the store after
   * its write (stored, not yet returned), and b's spill started behind it on another thread.
   */
  private final class HeldWrite implements AutoCloseable {
    final InMemorySpillStore memory = new InMemorySpillStore();
    final HoldingStore holding = new HoldingStore(memory, "a");
    final DefaultSpillManager manager;
    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final AtomicReference<@Nullable Thread> bThread = new AtomicReference<>();
    final Future<?> a;
    /** b's spill: null once it succeeded, else what it threw. */
    final Future<@Nullable Throwable> b;

    HeldWrite() throws InterruptedException {
      this(2 * FRAME_400);
    }

    HeldWrite(long quota) throws InterruptedException {
      manager = manager(holding, config(1 << 20, SpillMode.SYNCHRONOUS).maxStoreBytes(quota).build());
      manager.registerSegment("a", 400);
      manager.registerSegment("b", 400);
      a = pool.submit(() -> manager.spill("a", value("a", 400)));
      assertThat(holding.stored.await(30, TimeUnit.SECONDS)).isTrue();
      b = pool.submit(() -> {
        bThread.set(Thread.currentThread());
        try {
          manager.spill("b", value("b", 400));
          return null;
        } catch (RuntimeException e) {
          return e;
        }
      });
    }

    /** Waits until b waits at the quota's check, or (wrongly, then) has ended. */
    void awaitB() {
      await().atMost(Duration.ofSeconds(30)).until(() -> b.isDone() || isWaiting(bThread.get()));
    }

    Thread bThread() {
      return Objects.requireNonNull(bThread.get());
    }

    void finishA() {
      holding.finish.countDown();
    }

    @Override
    public void close() {
      finishA();
      pool.shutdownNow();
    }
  }

  private static boolean isWaiting(@Nullable Thread thread) {
    return thread != null && thread.getState() == Thread.State.WAITING;
  }

  /** Holds the write of one key after the store took it, until {@link #finish}: stored, but not yet returned. */
  private static final class HoldingStore extends ForwardingSpillStore {
    final CountDownLatch stored = new CountDownLatch(1);
    final CountDownLatch finish = new CountDownLatch(1);
    private final String held;

    HoldingStore(SpillStore delegate, String held) {
      super(delegate);
      this.held = held;
    }

    @Override
    public URI write(String key, ByteBuffer... chunks) throws IOException {
      URI location = super.write(key, chunks);
      if (key.equals(held)) {
        stored.countDown();
        try {
          if (!finish.await(30, TimeUnit.SECONDS)) {
            throw new IOException("the test never let the write of '" + key + "' return");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted");
        }
      }
      return location;
    }
  }


  @Test
  void theBackgroundSpiller_keepsRefusedValuesInMemory_andSpillsThemOnceTheQuotaIsRaised() {
    InMemorySpillStore memory = new InMemorySpillStore();
    CountingExecutor executor = new CountingExecutor();
    cleanups.add(executor::shutdown);
    DefaultSpillManager manager = manager(memory, config(1000, SpillMode.BACKGROUND).maxStoreBytes(0)
        .maxBlock(Duration.ZERO).spillExecutor(executor).build());
    List<SegmentHandle<byte[]>> handles = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      handles.add(manager.put("m" + i, value("m" + i, 300), BYTES)); // 900 bytes: past the threshold
    }

    await().atMost(Duration.ofSeconds(30)).until(() -> !failures.isEmpty());
    assertThat(failures.get(0)).isInstanceOf(StoreQuotaExceededException.class)
        .hasMessageContaining("quota (maxStoreBytes) of 0 bytes");
    assertThat(manager.stats().spillFailures()).isPositive();
    assertThat(handles).noneMatch(SegmentHandle::isSpilled);
    assertThat(memory.keys()).isEmpty();
    assertThat(manager.memoryUsage()).isEqualTo(900);
    // A value that needs room the spiller cannot make is refused, and the refusal says why.
    assertThatThrownBy(() -> manager.put("m3", value("m3", 300), BYTES))
        .isInstanceOf(SpillBudgetExceededException.class).hasMessageContaining("maxStoreBytes");

    // The refusal asked the spiller again: let that round end under the old quota (a spill of it that started
    // after the raise would succeed, leave 600 bytes, under the threshold, and rightly stop the spiller there).
    await().atMost(Duration.ofSeconds(30)).until(() -> executor.running() == 0);
    manager.setMaxStoreBytes(2 * FRAME_M300);

    // Raising the quota sets the spiller going again: down to the target, 500 bytes, in FIFO order.
    await().atMost(Duration.ofSeconds(30)).until(() -> manager.memoryUsage() == 300);
    assertThat(handles.get(0).isSpilled()).isTrue();
    assertThat(handles.get(1).isSpilled()).isTrue();
    assertThat(handles.get(2).isSpilled()).isFalse();
    assertThat(memory.keys()).containsExactly("m0", "m1");
    for (int i = 0; i < 3; i++) {
      assertThat(matches(handles.get(i).get(), "m" + i, 300)).isTrue();
    }
  }

  @Test
  void raisingTheQuota_whileARefusedRoundIsStillInFlight_setsTheSpillerGoingAgainOnceItEnds() throws Exception {
    // The round m0 + m1: m0 is refused by the quota of 0 at once, m1 is held in its codec until the quota has been
    // raised, then fails for a reason of its own. When the quota rises, the bytes in flight (m1's) hide the need to
    // spill; the spiller must still look again once the round ends.
    InMemorySpillStore memory = new InMemorySpillStore();
    DefaultSpillManager manager = manager(memory, config(1000, SpillMode.BACKGROUND).maxStoreBytes(0)
        .maxBlock(Duration.ZERO).build());
    FailingOnceCodec codec = new FailingOnceCodec("m1");
    List<SegmentHandle<byte[]>> handles = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      handles.add(manager.put("m" + i, value("m" + i, 300), codec)); // 900 bytes: past the threshold
    }
    assertThat(codec.entered.await(30, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(30)).until(() -> failedEvents.stream().anyMatch(e -> e.segment().equals("m0")));

    manager.setMaxStoreBytes(2 * FRAME_M300);
    codec.release.countDown();

    await().atMost(Duration.ofSeconds(30)).until(() -> manager.memoryUsage() == 300);
    assertThat(handles.get(0).isSpilled()).isTrue();
    assertThat(handles.get(1).isSpilled()).isTrue();
    assertThat(memory.keys()).containsExactlyInAnyOrder("m0", "m1");
    assertThat(failures).anySatisfy(e -> assertThat(e).hasMessageContaining("m1's codec fails once"));
    for (int i = 0; i < 3; i++) {
      assertThat(matches(handles.get(i).get(), "m" + i, 300)).isTrue();
    }
  }

  /** Runs tasks on threads of its own and counts those not yet ended. */
  private static final class CountingExecutor implements Executor {
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicInteger running = new AtomicInteger();

    @Override
    public void execute(Runnable task) {
      running.incrementAndGet();
      try {
        threads.execute(() -> {
          try {
            task.run();
          } finally {
            running.decrementAndGet();
          }
        });
      } catch (RuntimeException e) {
        running.decrementAndGet();
        throw e;
      }
    }

    int running() {
      return running.get();
    }

    void shutdown() {
      threads.shutdownNow();
    }
  }

  /** {@link BytesCodec}, except that the first encoding of {@code tag}'s value awaits {@link #release}, then fails. */
  private static final class FailingOnceCodec implements SpillCodec<byte[]> {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private final String tag;
    private final AtomicBoolean failed = new AtomicBoolean();

    FailingOnceCodec(String tag) {
      this.tag = tag;
    }

    @Override
    public byte[] encode(byte[] value) {
      if (matches(value, tag, 300) && failed.compareAndSet(false, true)) {
        entered.countDown();
        try {
          if (!release.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("never released");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new IllegalStateException(tag + "'s codec fails once");
      }
      return BYTES.encode(value);
    }

    @Override
    public byte[] decode(byte[] bytes) {
      return BYTES.decode(bytes);
    }

    @Override
    public long sizeOf(byte[] value) {
      return BYTES.sizeOf(value);
    }
  }


  /**
   * Counts the bytes it holds from the start of each write (the stricter measure: a write under way counts whole)
   * until its value is deleted, and keeps the highest count seen.
   */
  private static final class MeteredStore extends ForwardingSpillStore {
    /**
     * Held while a delete takes a value out of the store and out of the count, and while a write enters the count:
     * a write the quota admitted because a delete gave room back then enters the count only after that delete left
     * it, so that the count never holds more than the store and the writes under way did.
     */
    private final Object countLock = new Object();
    private final Map<String, Long> sizes = new ConcurrentHashMap<>();
    private final AtomicLong held = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();

    MeteredStore(SpillStore delegate) {
      super(delegate);
    }

    long peak() {
      return peak.get();
    }

    @Override
    public URI write(String key, ByteBuffer... chunks) throws IOException {
      long size = 0;
      for (ByteBuffer chunk : chunks) {
        size += chunk.remaining();
      }
      synchronized (countLock) {
        peak.accumulateAndGet(held.addAndGet(size), Math::max);
      }
      // Keep the write under way a little, so that the other threads' spills overlap it (no timing is asserted).
      LockSupport.parkNanos(200_000);
      URI location;
      try {
        location = super.write(key, chunks);
      } catch (IOException | RuntimeException e) {
        held.addAndGet(-size);
        throw e;
      }
      Long previous = sizes.put(key, size);
      if (previous != null) {
        held.addAndGet(-previous);
      }
      return location;
    }

    @Override
    public boolean delete(String key) throws IOException {
      synchronized (countLock) {
        boolean existed = super.delete(key);
        Long size = sizes.remove(key);
        if (size != null) {
          held.addAndGet(-size);
        }
        return existed;
      }
    }
  }
}
