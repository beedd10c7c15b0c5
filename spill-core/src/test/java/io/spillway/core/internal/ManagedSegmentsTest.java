package io.spillway.core.internal;

import static io.spillway.core.testing.BytesCodec.matches;
import static io.spillway.core.testing.BytesCodec.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.spillway.api.CorruptSegmentException;
import io.spillway.api.SegmentHandle;
import io.spillway.api.SegmentInfo;
import io.spillway.api.SegmentPin;
import io.spillway.api.SpillBudgetExceededException;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillEvent;
import io.spillway.api.SpillListener;
import io.spillway.api.SpillMode;
import io.spillway.api.SpillStats;
import io.spillway.api.spi.SpillStore;
import io.spillway.core.SpillFrames;
import io.spillway.core.testing.BytesCodec;
import io.spillway.core.testing.GatedSpillStore;
import io.spillway.core.testing.InMemorySpillStore;
import io.spillway.core.testing.StoredBytes;
import io.spillway.store.file.FileSpillStoreProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Managed values: put/get/set/close, automatic spilling in both modes, pins, waiting for room, the async API, and
 * what concurrent spills and reloads guarantee (proved with a store whose writes and reads can be held).
 *
 * <p>Budgets are 1000 bytes, spilling from 50% down to 10% unless said otherwise; the {@code coldness} policy spills
 * the largest segment first when scores are equal.
 */
@SuppressWarnings("try") // a pin held by try-with-resources is used for its effect only
class ManagedSegmentsTest {
  private static final BytesCodec BYTES = BytesCodec.INSTANCE;

  @TempDir Path tmp;
  private final List<DefaultSpillManager> managers = new ArrayList<>();
  private final List<ExecutorService> pools = new ArrayList<>();

  @AfterEach
  void closeAll() throws InterruptedException {
    managers.forEach(DefaultSpillManager::close);
    for (ExecutorService pool : pools) {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  private DefaultSpillManager manager(SpillStore store, SpillMode mode, Consumer<SpillConfig.Builder> settings) {
    return manager(store, mode, 0.5, 0.1, settings);
  }

  private DefaultSpillManager manager(SpillStore store, SpillMode mode, double threshold, double target,
      Consumer<SpillConfig.Builder> settings) {
    SpillConfig.Builder builder = SpillConfig.builder().maxMemory(1000).spillThreshold(threshold)
        .targetAfterSpill(target).minSpillSize(0).spillDir(tmp).spillMode(mode);
    settings.accept(builder);
    SpillConfig config = builder.build();
    DefaultSpillManager manager = new DefaultSpillManager(config, new ColdnessPolicy(config.accessDecay()), store,
        "test", SpillFrames.create(config));
    managers.add(manager);
    return manager;
  }

  private DefaultSpillManager manager(SpillStore store, SpillMode mode) {
    return manager(store, mode, b -> { });
  }

  private SpillStore fileStore() throws IOException {
    // A log file of its own per value, so that spillFiles() counts the stored copies.
    return new FileSpillStoreProvider().create(SpillConfig.builder().spillDir(tmp)
        .option(StoredBytes.OWN_FILES_OPTION, StoredBytes.OWN_FILES).build());
  }

  private long spillFiles() throws IOException {
    try (Stream<Path> files = Files.walk(tmp)) {
      return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".log")).count();
    }
  }

  // ---- values ------------------------------------------------------------------------------------------------------

  @Test
  void put_countsTheValueAsARegisteredSegment_andGetReturnsIt() {
    DefaultSpillManager manager = manager(new InMemorySpillStore(), SpillMode.SYNCHRONOUS);

    SegmentHandle<byte[]> a = manager.put("a", value("a", 300), BYTES);

    assertThat(a.name()).isEqualTo("a");
    assertThat(a.size()).isEqualTo(300);
    assertThat(a.isSpilled()).isFalse();
    assertThat(manager.memoryUsage()).isEqualTo(300);
    assertThat(manager.listSegments()).extracting(SegmentInfo::name, SegmentInfo::size, SegmentInfo::spilled)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("a", 300L, false));
    assertThat(matches(a.get(), "a", 300)).isTrue();
    assertThat(manager.listSegments().get(0).accessCount()).isEqualTo(1);
  }

  @Test
  void put_withAWeigher_accountsTheWeight() {
    DefaultSpillManager manager = manager(new InMemorySpillStore(), SpillMode.SYNCHRONOUS);

    SegmentHandle<byte[]> a = manager.put("a", value("a", 10), BYTES, v -> 123);

    assertThat(a.size()).isEqualTo(123);
    assertThat(manager.memoryUsage()).isEqualTo(123);
    assertThatThrownBy(() -> manager.put("b", value("b", 10), BYTES, v -> -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(manager.memoryUsage()).isEqualTo(123);
  }

  @Test
  void put_pastTheThreshold_spillsByItself_andGetReloadsTheVerifiedValue() {
    InMemorySpillStore store = new InMemorySpillStore();
    DefaultSpillManager manager = manager(store, SpillMode.SYNCHRONOUS);
    SegmentHandle<byte[]> a = manager.put("a", value("a", 450), BYTES);

    SegmentHandle<byte[]> b = manager.put("b", value("b", 100), BYTES);

    // 550 bytes passed the threshold of 500: the largest, a, went, leaving 100 (under the target of 100 + 1).
    assertThat(a.isSpilled()).isTrue();
    assertThat(b.isSpilled()).isFalse();
    assertThat(manager.memoryUsage()).isEqualTo(100);
    assertThat(store.keys()).containsExactly("a");
    assertThat(matches(SpillFrames.decode(store.raw("a")), "a", 450)).isTrue();
    assertThat(manager.isSpilled("a")).isTrue();

    b.close();
    byte[] back = a.get();

    assertThat(matches(back, "a", 450)).isTrue();
    assertThat(a.isSpilled()).isFalse();
    assertThat(manager.memoryUsage()).isEqualTo(450);
    // The copy read back stays, clean, until the value is set or closed.
    assertThat(store.keys()).containsExactly("a");
    assertThat(manager.stats().reloadOperations()).isEqualTo(1);
    a.close();
    assertThat(store.keys()).isEmpty();
  }

  @Test
  void close_ofAHandle_freesItsMemoryAndStoredCopy_isIdempotent_andLaterUseThrows() {
    InMemorySpillStore store = new InMemorySpillStore();
    DefaultSpillManager manager = manager(store, SpillMode.SYNCHRONOUS);
    SegmentHandle<byte[]> a = manager.put("a", value("a", 450), BYTES);
    SegmentHandle<byte[]> b = manager.put("b", value("b", 100), BYTES);
    assertThat(store.keys()).containsExactly("a");

    a.close();
    b.close();
    a.close();

    assertThat(store.keys()).isEmpty();
    assertThat(manager.memoryUsage()).isZero();
    assertThat(manager.listSegments()).isEmpty();
    assertThat(manager.stats().spilledCount()).isZero();
    assertThatThrownBy(a::get).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> b.set(value("b", 1))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(b::pin).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void set_reweighsTheValue_andOnASpilledValueDropsTheStoredCopy() {
    InMemorySpillStore store = new InMemorySpillStore();
    DefaultSpillManager manager = manager(store, SpillMode.SYNCHRONOUS, 0.5, 0.3, b -> { });
    SegmentHandle<byte[]> a = manager.put("a", value("a", 200), BYTES);

    a.set(value("a2", 300));

    assertThat(a.size()).isEqualTo(300);
    assertThat(manager.memoryUsage()).isEqualTo(300);
    assertThat(matches(a.get(), "a2", 300)).isTrue();

    SegmentHandle<byte[]> b = manager.put("b", value("b", 250), BYTES);
    assertThat(a.isSpilled()).isTrue();
    assertThat(manager.memoryUsage()).isEqualTo(250);

    a.set(value("a3", 100));

    assertThat(a.isSpilled()).isFalse();
    assertThat(store.keys()).isEmpty();
    assertThat(manager.memoryUsage()).isEqualTo(350);
    assertThat(matches(a.get(), "a3", 100)).isTrue();
    assertThat(matches(b.get(), "b", 250)).isTrue();
  }

  @Test
  void manualApi_refusesManagedSegments_andUnregisterClosesTheHandle() {
    InMemorySpillStore store = new InMemorySpillStore();
    DefaultSpillManager manager = manager(store, SpillMode.SYNCHRONOUS);
    SegmentHandle<byte[]> a = manager.put("a", value("a", 100), BYTES);

    assertThatThrownBy(() -> manager.spill("a", new byte[1])).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'a'");
    assertThatThrownBy(() -> manager.reload("a")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> manager.updateSize("a", 5)).isInstanceOf(IllegalStateException.class);
    manager.registerSegment("m", 300);
    assertThat(manager.needsSpill()).doesNotContain("a");

    assertThat(manager.unregisterSegment("a")).isTrue();

    assertThatThrownBy(a::get).isInstanceOf(IllegalStateException.class);
    assertThat(manager.memoryUsage()).isEqualTo(300);
  }

  @Test
  void put_ofARegisteredName_replacesIt_closingTheOldHandle() {
    InMemorySpillStore store = new InMemorySpillStore();
    DefaultSpillManager manager = manager(store, SpillMode.SYNCHRONOUS);
    SegmentHandle<byte[]> first = manager.put("a", value("a", 450), BYTES);
    manager.put("b", value("b", 100), BYTES);
    assertThat(store.keys()).containsExactly("a");

    SegmentHandle<byte[]> second = manager.put("a", value("a2", 200), BYTES);

    assertThatThrownBy(first::get).isInstanceOf(IllegalStateException.class);
    assertThat(matches(second.get(), "a2", 200)).isTrue();
    assertThat(store.keys()).isEmpty();
    assertThat(manager.memoryUsage()).isEqualTo(300);
    first.close(); // the old handle's close must not remove its successor
    assertThat(manager.listSegments()).extracting(SegmentInfo::name).containsExactly("a", "b");
  }

  // ---- pins and the budget -----------------------------------------------------------------------------------------

  @Test
  void pin_keepsTheValueResident_andBlocksItsEviction_untilTheLastPinCloses() {
    DefaultSpillManager manager = manager(new InMemorySpillStore(), SpillMode.SYNCHRONOUS);
    SegmentHandle<byte[]> a = manager.put("a", value("a", 450), BYTES);
    SegmentPin pin1 = a.pin();
    SegmentPin pin2 = a.pin();
    assertThat(manager.stats().pinnedBytes()).isEqualTo(450);

    SegmentHandle<byte[]> b = manager.put("b", value("b", 100), BYTES);

    // a would be the victim, but it is pinned: b goes instead.
    assertThat(a.isSpilled()).isFalse();
    assertThat(b.isSpilled()).isTrue();
    pin1.close();
    pin1.close(); // idempotent: does not release pin2
    assertThat(manager.stats().pinnedBytes()).isEqualTo(450);
    manager.put("c", value("c", 100), BYTES);
    assertThat(a.isSpilled()).isFalse();

    pin2.close();
    assertThat(manager.stats().pinnedBytes()).isZero();
    manager.put("d", value("d", 60), BYTES);
    assertThat(a.isSpilled()).isTrue();
  }

  @Test
  void pin_ofASpilledValue_reloadsItFirst() {
    DefaultSpillManager manager = manager(new InMemorySpillStore(), SpillMode.SYNCHRONOUS);
    SegmentHandle<byte[]> a = manager.put("a", value("a", 450), BYTES);
    SegmentHandle<byte[]> b = manager.put("b", value("b", 100), BYTES);
    assertThat(a.isSpilled()).isTrue();
    b.close();

    try (SegmentPin pin = a.pin()) {
      assertThat(a.isSpilled()).isFalse();
      assertThat(manager.stats().pinnedBytes()).isEqualTo(450);
      manager.put("c", value("c", 100), BYTES);
      assertThat(a.isSpilled()).isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(SpillMode.class)
  void put_whenPinnedDataFillsTheBudget_throwsAfterMaxBlock_admittingNothing(SpillMode mode) {
    DefaultSpillManager manager = manager(new InMemorySpillStore(), mode, 0.95, 0.9,
        b -> b.maxBlock(Duration.ofMillis(200)));
    SegmentHandle<byte[]> a = manager.put("a", value("a", 600), BYTES);
    try (SegmentPin pin = a.pin()) {
      long start = System.nanoTime();

      assertThatThrownBy(() -> manager.put("b", value("b", 600), BYTES))
          .isInstanceOfSatisfying(SpillBudgetExceededException.class, e -> {
            assertThat(e.segment()).isEqualTo("b");
            assertThat(e.requestedBytes()).isEqualTo(600);
            assertThat(e.pinnedBytes()).isEqualTo(600);
            assertThat(e.maxMemory()).isEqualTo(1000);
          });

      assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
      assertThat(manager.listSegments()).extracting(SegmentInfo::name).containsExactly("a");
      assertThat(manager.memoryUsage()).isEqualTo(600);
      assertThatThrownBy(() -> a.set(value("a", 1200))).isInstanceOf(SpillBudgetExceededException.class);
      assertThat(manager.memoryUsage()).isEqualTo(600);
      assertThat(matches(a.get(), "a", 600)).isTrue();
    }
  }

  @Test
  void get_ofASpilledValue_whenPinnedDataLeavesNoRoom_throwsAfterMaxBlock_andLeavesItSpilled() {
    DefaultSpillManager manager = manager(new InMemorySpillStore(), SpillMode.SYNCHRONOUS, 0.5, 0.1,
        b -> b.maxBlock(Duration.ofMillis(200)));
    SegmentHandle<byte[]> a = manager.put("a", value("a", 450), BYTES);
    SegmentHandle<byte[]> b = manager.put("b", value("b", 100), BYTES);
    assertThat(a.isSpilled()).isTrue();
    SegmentPin pinB = b.pin();
    SegmentHandle<byte[]> c = manager.put("c", value("c", 500), BYTES);
    assertThat(c.isSpilled()).isTrue();
    SegmentPin pinC = c.pin(); // reloads c: 600 bytes pinned now
    assertThat(manager.memoryUsage()).isEqualTo(600);

    assertThatThrownBy(a::get).isInstanceOf(SpillBudgetExceededException.class);

    assertThat(a.isSpilled()).isTrue();
    assertThat(manager.memoryUsage()).isEqualTo(600);
    pinB.close();
    pinC.close();
    assertThat(matches(a.get(), "a", 450)).isTrue();
    assertThat(manager.memoryUsage()).isLessThanOrEqualTo(1000);
  }

  @Test
  void put_largerThanTheBudget_failsAtOnce() {
    DefaultSpillManager manager = manager(new InMemorySpillStore(), SpillMode.BACKGROUND,
        b -> b.maxBlock(Duration.ofMinutes(5)));

    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(
        () -> manager.put("huge", value("huge", 1001), BYTES)).isInstanceOf(SpillBudgetExceededException.class));
    assertThat(manager.memoryUsage()).isZero();
    assertThat(manager.listSegments()).isEmpty();
  }

  @Test
  void put_waitingForRoom_isAdmittedOnceThePinIsReleased() throws Exception {
    DefaultSpillManager manager = manager(new InMemorySpillStore(), SpillMode.BACKGROUND, 0.95, 0.9,
        b -> b.maxBlock(Duration.ofSeconds(30)));
    SegmentHandle<byte[]> a = manager.put("a", value("a", 600), BYTES);
    SegmentPin pin = a.pin();
    CompletableFuture<SegmentHandle<byte[]>> b = new CompletableFuture<>();
    Thread putter = new Thread(() -> {
      try {
        b.complete(manager.put("b", value("b", 600), BYTES));
      } catch (Throwable t) {
        b.completeExceptionally(t);
      }
    });
    putter.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> putter.getState() == Thread.State.TIMED_WAITING);
    assertThat(b).isNotDone();

    pin.close();

    SegmentHandle<byte[]> admitted = b.get(10, TimeUnit.SECONDS);
    assertThat(a.isSpilled()).isTrue();
    assertThat(manager.memoryUsage()).isEqualTo(600);
    assertThat(matches(admitted.get(), "b", 600)).isTrue();
  }

  @Test
  void close_releasesCallersWaitingForRoom_withIllegalStateException() throws Exception {
    DefaultSpillManager manager = manager(new InMemorySpillStore(), SpillMode.BACKGROUND, 0.95, 0.9,
        b -> b.maxBlock(Duration.ofMinutes(5)));
    SegmentHandle<byte[]> a = manager.put("a", value("a", 600), BYTES);
    SegmentPin pin = a.pin();
    CompletableFuture<Object> waiting = CompletableFuture.supplyAsync(() -> manager.put("b", value("b", 600), BYTES));
    await().atMost(Duration.ofSeconds(10)).until(() -> manager.stats().memoryUsage() == 600 && !waiting.isDone()
        && Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getState() == Thread.State.TIMED_WAITING
            && List.of(t.getStackTrace()).stream().anyMatch(f -> f.getMethodName().equals("reserve"))));

    manager.close();

    assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
    pin.close(); // after close: a no-op, not an error
    a.close();
  }

  // ---- concurrency of one segment ----------------------------------------------------------------------------------

  @Test
  void get_duringASpill_returnsTheValueWithoutWaitingForTheStore() throws Exception {
    GatedSpillStore store = new GatedSpillStore(new InMemorySpillStore());
    store.holdWrites();
    DefaultSpillManager manager = manager(store, SpillMode.BACKGROUND);
    SegmentHandle<byte[]> a = manager.put("a", value("a", 600), BYTES);
    assertThat(store.writeStarted().await(10, TimeUnit.SECONDS)).isTrue();

    byte[] during = assertTimeoutPreemptively(Duration.ofSeconds(5), a::get);

    assertThat(matches(during, "a", 600)).isTrue();
    assertThat(store.writesDone()).isZero(); // the write is still held: get() did not wait for it
    assertThat(a.isSpilled()).isFalse();
    assertThat(manager.stats().bytesInFlight()).isEqualTo(600);
    store.releaseWrites();
    await().atMost(Duration.ofSeconds(10)).until(a::isSpilled);
    assertThat(manager.stats().bytesInFlight()).isZero();
    assertThat(manager.memoryUsage()).isZero();
  }

  @Test
  void set_duringASpill_isNotLost() throws Exception {
    InMemorySpillStore memory = new InMemorySpillStore();
    GatedSpillStore store = new GatedSpillStore(memory);
    store.holdWrites();
    DefaultSpillManager manager = manager(store, SpillMode.BACKGROUND);
    SegmentHandle<byte[]> a = manager.put("a", value("a", 600), BYTES);
    assertThat(store.writeStarted().await(10, TimeUnit.SECONDS)).isTrue();

    a.set(value("a2", 600));
    assertThat(matches(a.get(), "a2", 600)).isTrue();
    store.releaseWrites();

    // The stale copy is discarded; the new value is spilled afterwards, and is what comes back.
    await().atMost(Duration.ofSeconds(10)).until(() -> a.isSpilled() && manager.stats().bytesInFlight() == 0);
    assertThat(store.writes()).isEqualTo(2);
    assertThat(manager.stats().spillOperations()).isEqualTo(1);
    assertThat(matches(SpillFrames.decode(memory.raw("a")), "a2", 600)).isTrue();
    assertThat(matches(a.get(), "a2", 600)).isTrue();
  }

  @Test
  void pin_duringASpill_keepsTheValueResident() throws Exception {
    InMemorySpillStore memory = new InMemorySpillStore();
    GatedSpillStore store = new GatedSpillStore(memory);
    store.holdWrites();
    DefaultSpillManager manager = manager(store, SpillMode.BACKGROUND);
    SegmentHandle<byte[]> a = manager.put("a", value("a", 600), BYTES);
    assertThat(store.writeStarted().await(10, TimeUnit.SECONDS)).isTrue();

    try (SegmentPin pin = assertTimeoutPreemptively(Duration.ofSeconds(5), a::pin)) {
      store.releaseWrites();
      await().atMost(Duration.ofSeconds(10)).until(() -> store.writesDone() == 1
          && manager.stats().bytesInFlight() == 0);
      assertThat(a.isSpilled()).isFalse();
      assertThat(memory.keys()).isEmpty();
      assertThat(manager.memoryUsage()).isEqualTo(600);
    }
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void close_ofAHandle_orUnregister_duringASpill_leavesNoStoredCopy(boolean unregister) throws Exception {
    GatedSpillStore store = new GatedSpillStore(fileStore());
    store.holdWrites();
    DefaultSpillManager manager = manager(store, SpillMode.BACKGROUND);
    SegmentHandle<byte[]> a = manager.put("a", value("a", 600), BYTES);
    assertThat(store.writeStarted().await(10, TimeUnit.SECONDS)).isTrue();

    if (unregister) {
      assertThat(manager.unregisterSegment("a")).isTrue();
    } else {
      a.close();
    }
    assertThatThrownBy(a::get).isInstanceOf(IllegalStateException.class);
    assertThat(manager.memoryUsage()).isZero();
    store.releaseWrites();

    await().atMost(Duration.ofSeconds(10)).until(() -> store.writesDone() == 1
        && manager.stats().bytesInFlight() == 0);
    assertThat(spillFiles()).isZero();
    assertThat(store.list()).isEmpty();
    assertThat(manager.listSegments()).isEmpty();
    assertThat(manager.stats().spilledCount()).isZero();
    assertThat(manager.memoryUsage()).isZero();
  }

  @Test
  void putOfTheSameName_duringASpill_waitsForTheOldCopyToGoBeforeSpilling() throws Exception {
    InMemorySpillStore memory = new InMemorySpillStore();
    GatedSpillStore store = new GatedSpillStore(memory);
    store.holdWrites();
    DefaultSpillManager manager = manager(store, SpillMode.BACKGROUND, 0.2, 0.1, b -> { });
    manager.put("a", value("a", 600), BYTES);
    assertThat(store.writeStarted().await(10, TimeUnit.SECONDS)).isTrue();

    SegmentHandle<byte[]> second = manager.put("a", value("a2", 300), BYTES);
    store.releaseWrites();

    await().atMost(Duration.ofSeconds(10)).until(() -> second.isSpilled() && manager.stats().bytesInFlight() == 0);
    assertThat(matches(SpillFrames.decode(memory.raw("a")), "a2", 300)).isTrue();
    assertThat(matches(second.get(), "a2", 300)).isTrue();
  }

  @Test
  void close_ofTheManager_duringASpill_waitsForIt_andLeavesNoFile() throws Exception {
    GatedSpillStore store = new GatedSpillStore(fileStore());
    store.holdWrites();
    DefaultSpillManager manager = manager(store, SpillMode.BACKGROUND);
    manager.put("a", value("a", 600), BYTES);
    assertThat(store.writeStarted().await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Void> closing = CompletableFuture.runAsync(manager::close);

    store.releaseWrites();

    closing.get(10, TimeUnit.SECONDS);
    assertThat(store.writesDone()).isEqualTo(1);
    assertThat(spillFiles()).isZero();
    assertThatThrownBy(manager::memoryUsage).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void concurrentGets_ofASpilledValue_reloadItOnce() throws Exception {
    GatedSpillStore store = new GatedSpillStore(new InMemorySpillStore());
    DefaultSpillManager manager = manager(store, SpillMode.SYNCHRONOUS);
    SegmentHandle<byte[]> a = manager.put("a", value("a", 450), BYTES);
    manager.put("b", value("b", 100), BYTES).close();
    assertThat(a.isSpilled()).isTrue();
    store.holdReads();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    pools.add(pool);
    List<Thread> getters = new CopyOnWriteArrayList<>();
    List<CompletableFuture<byte[]>> gets = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      gets.add(CompletableFuture.supplyAsync(() -> {
        getters.add(Thread.currentThread());
        return a.get();
      }, pool));
    }
    // Every getter is parked: one on the held read, the others on the shared reload.
    await().atMost(Duration.ofSeconds(10)).until(() -> getters.size() == 8
        && getters.stream().allMatch(t -> t.getState() == Thread.State.WAITING
            || t.getState() == Thread.State.TIMED_WAITING));

    store.releaseReads();

    for (CompletableFuture<byte[]> get : gets) {
      assertThat(matches(get.get(10, TimeUnit.SECONDS), "a", 450)).isTrue();
    }
    assertThat(store.reads()).isEqualTo(1);
    assertThat(manager.stats().reloadOperations()).isEqualTo(1);
    assertThat(manager.memoryUsage()).isEqualTo(450);
  }

  @Test
  void reload_ofACorruptCopy_failsEveryGet_andLeavesTheValueSpilled() {
    InMemorySpillStore store = new InMemorySpillStore();
    List<String> failures = new CopyOnWriteArrayList<>();
    DefaultSpillManager manager = manager(store, SpillMode.SYNCHRONOUS, b -> b.listener(new SpillListener() {
      @Override
      public void onFailure(SpillEvent event, Throwable cause) {
        failures.add(event.kind() + " " + event.segment() + " " + cause.getClass().getSimpleName());
      }
    }));
    SegmentHandle<byte[]> a = manager.put("a", value("a", 450), BYTES);
    manager.put("b", value("b", 100), BYTES).close();
    byte[] good = store.raw("a");
    store.corrupt("a", bytes -> {
      bytes[bytes.length - 1] ^= 1;
      return bytes;
    });

    assertThatThrownBy(a::get).isInstanceOf(CorruptSegmentException.class);

    assertThat(a.isSpilled()).isTrue();
    assertThat(manager.memoryUsage()).isZero();
    assertThat(manager.stats().reloadFailures()).isEqualTo(1);
    assertThat(failures).containsExactly("RELOAD a CorruptSegmentException");
    store.corrupt("a", bytes -> good);
    assertThat(matches(a.get(), "a", 450)).isTrue();
  }

  @Test
  void spill_thatTheStoreRefuses_leavesTheValueResident() {
    InMemorySpillStore store = new InMemorySpillStore();
    store.failWrites(key -> key.equals("a"));
    DefaultSpillManager manager = manager(store, SpillMode.SYNCHRONOUS);

    SegmentHandle<byte[]> a = manager.put("a", value("a", 600), BYTES);

    assertThat(a.isSpilled()).isFalse();
    assertThat(manager.stats().spillFailures()).isEqualTo(1);
    assertThat(manager.memoryUsage()).isEqualTo(600);
    assertThat(matches(a.get(), "a", 600)).isTrue();
    store.failWrites(key -> false);
    manager.put("b", value("b", 10), BYTES);
    assertThat(a.isSpilled()).isTrue();
  }

  // ---- async API ---------------------------------------------------------------------------------------------------

  @Test
  void prefetch_reloadsInTheBackground_soALaterGetDoesNotRead() throws Exception {
    GatedSpillStore store = new GatedSpillStore(new InMemorySpillStore());
    DefaultSpillManager manager = manager(store, SpillMode.SYNCHRONOUS);
    SegmentHandle<byte[]> a = manager.put("a", value("a", 450), BYTES);
    SegmentHandle<byte[]> b = manager.put("b", value("b", 100), BYTES);
    manager.registerSegment("manual", 10);
    assertThat(a.isSpilled()).isTrue();
    b.close();

    CompletableFuture<Void> done = manager.prefetch("a", "b", "unknown", "manual");

    await().atMost(Duration.ofSeconds(10)).until(() -> !a.isSpilled());
    done.get(10, TimeUnit.SECONDS);
    assertThat(store.reads()).isEqualTo(1);
    assertThat(matches(a.get(), "a", 450)).isTrue();
    assertThat(store.reads()).isEqualTo(1);
  }

  @Test
  void getAsync_reloadsOnTheExecutor() throws Exception {
    DefaultSpillManager manager = manager(new InMemorySpillStore(), SpillMode.SYNCHRONOUS);
    SegmentHandle<byte[]> a = manager.put("a", value("a", 450), BYTES);
    SegmentHandle<byte[]> b = manager.put("b", value("b", 100), BYTES);
    assertThat(a.isSpilled()).isTrue();
    b.close();

    assertThat(matches(a.getAsync().get(10, TimeUnit.SECONDS), "a", 450)).isTrue();
    assertThat(a.isSpilled()).isFalse();
    assertThat(matches(a.getAsync().get(10, TimeUnit.SECONDS), "a", 450)).isTrue();
  }

  @Test
  void spillAsync_andReloadAsync_runTheManualApiOnTheExecutor() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-executor"));
    pools.add(pool);
    List<String> threads = new CopyOnWriteArrayList<>();
    DefaultSpillManager manager = manager(new InMemorySpillStore(), SpillMode.BACKGROUND,
        b -> b.spillExecutor(pool).listener(new SpillListener() {
          @Override
          public void onSpill(SpillEvent event) {
            threads.add(Thread.currentThread().getName());
          }
        }));
    manager.registerSegment("m", 100);

    manager.spillAsync("m", new byte[] {1, 2, 3}).get(10, TimeUnit.SECONDS);
    assertThat(manager.isSpilled("m")).isTrue();
    Optional<byte[]> back = manager.reloadAsync("m").get(10, TimeUnit.SECONDS);

    assertThat(back).hasValueSatisfying(bytes -> assertThat(bytes).containsExactly(1, 2, 3));
    assertThat(threads).containsExactly("test-executor");
    assertThatThrownBy(() -> manager.spillAsync("none", new byte[1]).get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(io.spillway.api.SegmentNotFoundException.class);
    manager.close();
    assertThat(pool.isShutdown()).isFalse(); // a given executor is the caller's to shut down
    assertThatThrownBy(() -> manager.reloadAsync("m")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void backgroundMode_spillsOnTheManagersDaemonThreads() {
    List<Thread> threads = new CopyOnWriteArrayList<>();
    DefaultSpillManager manager = manager(new InMemorySpillStore(), SpillMode.BACKGROUND,
        b -> b.listener(new SpillListener() {
          @Override
          public void onSpill(SpillEvent event) {
            threads.add(Thread.currentThread());
          }
        }));

    SegmentHandle<byte[]> a = manager.put("a", value("a", 600), BYTES);

    await().atMost(Duration.ofSeconds(10)).until(a::isSpilled);
    assertThat(threads).hasSize(1);
    assertThat(threads.get(0).getName()).startsWith("spillway-spiller-");
    assertThat(threads.get(0).isDaemon()).isTrue();
    manager.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> !threads.get(0).isAlive());
  }

  // ---- listeners, stats, determinism -------------------------------------------------------------------------------

  @Test
  void listeners_hearOfSpillsAndReloads_andAThrowingListenerIsIgnored() {
    InMemorySpillStore store = new InMemorySpillStore();
    List<SpillEvent> events = new CopyOnWriteArrayList<>();
    SpillListener throwing = new SpillListener() {
      @Override
      public void onSpill(SpillEvent event) {
        throw new IllegalStateException("listener bug");
      }
    };
    SpillListener recording = new SpillListener() {
      @Override
      public void onSpill(SpillEvent event) {
        events.add(event);
      }

      @Override
      public void onReload(SpillEvent event) {
        events.add(event);
      }
    };
    DefaultSpillManager manager = manager(store, SpillMode.SYNCHRONOUS,
        b -> b.listener(throwing).listener(recording));
    SegmentHandle<byte[]> a = manager.put("a", value("a", 450), BYTES);
    manager.put("b", value("b", 100), BYTES).close();

    a.get();

    assertThat(events).extracting(SpillEvent::segment, SpillEvent::kind, SpillEvent::registeredBytes,
        SpillEvent::payloadBytes).containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", SpillEvent.Kind.SPILL, 450L, 450L),
            org.assertj.core.groups.Tuple.tuple("a", SpillEvent.Kind.RELOAD, 450L, 450L));
    assertThat(events.get(0).location()).isNotNull();
    assertThat(events.get(0).latency()).isPositive();
    assertThat(matches(a.get(), "a", 450)).isTrue();
  }

  @Test
  void listeners_hearOfManualSpillsAndTheirFailures_outsideTheSegmentsLock() {
    InMemorySpillStore store = new InMemorySpillStore();
    store.failWrites(key -> key.equals("bad"));
    List<String> heard = new CopyOnWriteArrayList<>();
    DefaultSpillManager[] self = new DefaultSpillManager[1];
    DefaultSpillManager manager = manager(store, SpillMode.SYNCHRONOUS, b -> b.listener(new SpillListener() {
      @Override
      public void onSpill(SpillEvent event) {
        heard.add("spill " + event.segment() + " " + event.payloadBytes());
      }

      @Override
      public void onReload(SpillEvent event) {
        heard.add("reload " + event.segment() + " " + event.payloadBytes());
      }

      @Override
      public void onFailure(SpillEvent event, Throwable cause) {
        // Another thread can take the segment's lock: the listener is not called under it.
        CompletableFuture.runAsync(() -> self[0].unregisterSegment(event.segment())).join();
        heard.add("failure " + event.kind() + " " + event.segment() + " " + cause.getClass().getSimpleName());
      }
    }));
    self[0] = manager;
    manager.registerSegment("good", 10);
    manager.registerSegment("bad", 10);

    manager.spill("good", new byte[4]);
    manager.reload("good");
    assertThatThrownBy(() -> manager.spill("bad", new byte[2]))
        .isInstanceOf(io.spillway.api.SpillStoreException.class);

    assertThat(heard).containsExactly("spill good 4", "reload good 4", "failure SPILL bad SpillStoreException");
    assertThat(manager.listSegments()).extracting(SegmentInfo::name).containsExactly("good");
  }

  @Test
  void stats_countLatenciesAndPinnedBytes() {
    DefaultSpillManager manager = manager(new InMemorySpillStore(), SpillMode.SYNCHRONOUS);
    SegmentHandle<byte[]> a = manager.put("a", value("a", 450), BYTES);
    SegmentHandle<byte[]> b = manager.put("b", value("b", 100), BYTES);
    b.close();
    a.get();
    manager.registerSegment("m", 10);
    manager.spill("m", new byte[3]);

    SpillStats stats = manager.stats();

    assertThat(stats.spillLatency().count()).isEqualTo(2);
    assertThat(stats.reloadLatency().count()).isEqualTo(1);
    assertThat(stats.spillLatency().p50()).isLessThanOrEqualTo(stats.spillLatency().p99());
    assertThat(stats.spillLatency().p99()).isLessThanOrEqualTo(stats.spillLatency().max());
    assertThat(stats.spillLatency().max()).isPositive();
    assertThat(stats.pinnedBytes()).isZero();
    assertThat(stats.bytesInFlight()).isZero();
    try (SegmentPin pin = a.pin()) {
      assertThat(manager.stats().pinnedBytes()).isEqualTo(450);
    }
  }

  @Test
  void synchronousMode_isDeterministic() {
    List<String> first = scripted();
    List<String> second = scripted();

    assertThat(first).isEqualTo(second);
    assertThat(first).anyMatch(e -> e.startsWith("SPILL")).anyMatch(e -> e.startsWith("RELOAD"));
  }

  /** One fixed script in synchronous mode; returns the events heard, then the spilled segments. */
  private List<String> scripted() {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    DefaultSpillManager manager = manager(new InMemorySpillStore(), SpillMode.SYNCHRONOUS,
        b -> b.listener(new SpillListener() {
          @Override
          public void onSpill(SpillEvent event) {
            events.add("SPILL " + event.segment());
          }

          @Override
          public void onReload(SpillEvent event) {
            events.add("RELOAD " + event.segment());
          }
        }));
    List<SegmentHandle<byte[]>> handles = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      handles.add(manager.put("v" + i, value("v" + i, 50 + 37 * i % 200), BYTES));
      SegmentHandle<byte[]> earlier = handles.get(i * 7 % handles.size());
      if (!matches(earlier.get(), earlier.name(), (int) earlier.size())) {
        throw new AssertionError("wrong content for " + earlier.name());
      }
      // Each put leaves usage within the target once past the threshold.
      assertThat(manager.memoryUsage()).isLessThan(500);
    }
    events.add("spilled " + manager.listSegments().stream().filter(SegmentInfo::spilled).map(SegmentInfo::name)
        .collect(Collectors.joining(",")));
    return events;
  }
}
