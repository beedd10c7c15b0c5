package io.spillway.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.spillway.api.AlreadySpilledException;
import io.spillway.api.CorruptSegmentException;
import io.spillway.api.LatencySummary;
import io.spillway.api.SegmentInfo;
import io.spillway.api.SegmentNotFoundException;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillMode;
import io.spillway.api.SpillStats;
import io.spillway.api.SpillStoreException;
import io.spillway.api.spi.SpillPolicy;
import io.spillway.core.Spillway;
import io.spillway.core.testing.InMemorySpillStore;
import io.spillway.core.testing.InMemorySpillStoreProvider;
import io.spillway.core.testing.RecordingPolicyProvider;
import io.spillway.core.testing.RecordingPolicyProvider.Recording;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The manager's accounting, fault handling, lifecycle and policy events, over the in-memory fault store. */
class DefaultSpillManagerTest {
  @TempDir Path tmp;
  private final String id = UUID.randomUUID().toString();
  private final List<SpillManager> managers = new ArrayList<>();

  @AfterEach
  void closeManagers() {
    managers.forEach(SpillManager::close);
  }

  private SpillManager manager(Consumer<SpillConfig.Builder> settings) {
    SpillConfig.Builder builder = SpillConfig.builder()
        .spillDir(tmp)
        .store(InMemorySpillStoreProvider.NAME)
        .option(InMemorySpillStore.ID_OPTION, id)
        .option(RecordingPolicyProvider.ID_OPTION, id);
    settings.accept(builder);
    SpillManager manager = Spillway.newManager(builder.build());
    managers.add(manager);
    return manager;
  }

  private SpillManager manager() {
    return manager(b -> b.maxMemory(10_000).minSpillSize(0));
  }

  private SpillManager recordingManager() {
    return manager(b -> b.maxMemory(10_000).minSpillSize(0).policy(RecordingPolicyProvider.NAME));
  }

  private InMemorySpillStore store() {
    return InMemorySpillStore.session(id);
  }

  private Recording policy() {
    return RecordingPolicyProvider.session(id);
  }

  // ---- RedDB's accounting shortcomings -----------------------------------------------------------------------------

  @Test
  void spill_subtractsTheRegisteredSize_notTheDataLength() {
    SpillManager manager = manager();
    manager.registerSegment("a", 1000);
    manager.registerSegment("b", 300);

    manager.spill("a", new byte[10]);

    assertThat(manager.memoryUsage()).isEqualTo(300);
    assertThat(manager.stats().bytesSpilled()).isEqualTo(10);
    manager.reload("a");
    assertThat(manager.memoryUsage()).isEqualTo(1300);
    assertThat(manager.stats().bytesReloaded()).isEqualTo(10);
  }

  @Test
  void unregisterSegment_ofASpilledSegment_subtractsNothingAndDeletesItsCopy() {
    SpillManager manager = manager();
    manager.registerSegment("a", 1000);
    manager.registerSegment("b", 500);
    manager.spill("a", new byte[1000]);
    assertThat(manager.memoryUsage()).isEqualTo(500);

    assertThat(manager.unregisterSegment("a")).isTrue();

    assertThat(manager.memoryUsage()).isEqualTo(500);
    assertThat(store().keys()).isEmpty();
    assertThat(manager.stats().spilledCount()).isZero();
    assertThat(manager.stats().segmentCount()).isEqualTo(1);
  }

  @Test
  void updateSize_ofASpilledSegment_changesOnlyItsRecordedSize_countedOnReload() {
    SpillManager manager = manager();
    manager.registerSegment("a", 1000);
    manager.spill("a", new byte[5]);

    manager.updateSize("a", 3000);

    assertThat(manager.memoryUsage()).isZero();
    assertThat(manager.listSegments()).containsExactly(new SegmentInfo("a", 3000, true, 0,
        manager.listSegments().get(0).location()));
    manager.reload("a");
    assertThat(manager.memoryUsage()).isEqualTo(3000);
    manager.updateSize("a", 2500);
    assertThat(manager.memoryUsage()).isEqualTo(2500);
  }

  @Test
  void spill_whenTheStoreFails_leavesTheSegmentResidentAndUsageUnchanged() {
    SpillManager manager = manager();
    manager.registerSegment("a", 1000);
    store().failWrites(key -> true);

    assertThatThrownBy(() -> manager.spill("a", new byte[100]))
        .isInstanceOfSatisfying(SpillStoreException.class, e -> {
          assertThat(e.segment()).isEqualTo("a");
          assertThat(e.getMessage()).contains("'a'").contains("'memory'").contains("injected write failure");
        });

    assertThat(manager.isSpilled("a")).isFalse();
    assertThat(manager.memoryUsage()).isEqualTo(1000);
    assertThat(store().keys()).isEmpty();
    SpillStats stats = manager.stats();
    assertThat(stats.spillFailures()).isEqualTo(1);
    assertThat(stats.spillOperations()).isZero();
    assertThat(stats.spilledCount()).isZero();

    store().failWrites(key -> false);
    manager.spill("a", new byte[100]);
    assertThat(manager.memoryUsage()).isZero();
  }

  @Test
  void reload_ofACorruptFrame_reportsATypedReasonAndKeepsTheCopy() {
    SpillManager manager = manager();
    manager.registerSegment("magic", 10);
    manager.registerSegment("short", 10);
    manager.spill("magic", new byte[50]);
    manager.spill("short", new byte[50]);
    store().corrupt("magic", raw -> {
      raw[0] = 'X';
      return raw;
    });
    store().corrupt("short", raw -> Arrays.copyOf(raw, raw.length - 1));

    assertThatThrownBy(() -> manager.reload("magic")).isInstanceOfSatisfying(CorruptSegmentException.class,
        e -> assertThat(e.reason()).isEqualTo(CorruptSegmentException.Reason.BAD_MAGIC));
    assertThatThrownBy(() -> manager.reload("short")).isInstanceOfSatisfying(CorruptSegmentException.class, e -> {
      assertThat(e.reason()).isEqualTo(CorruptSegmentException.Reason.TRUNCATED);
      assertThat(e.segment()).isEqualTo("short");
      assertThat(e.getMessage()).contains("'short'");
    });

    assertThat(store().keys()).containsExactly("magic", "short");
    assertThat(manager.isSpilled("magic")).isTrue();
    assertThat(manager.memoryUsage()).isZero();
    assertThat(manager.stats().reloadFailures()).isEqualTo(2);
  }

  // ---- other store faults ------------------------------------------------------------------------------------------

  @Test
  void reload_whenTheStoredCopyIsMissing_throwsAStoreErrorAndStaysSpilled() {
    SpillManager manager = manager();
    manager.registerSegment("a", 10);
    URI location = manager.spill("a", new byte[3]);
    store().corrupt("a", raw -> raw);
    InMemorySpillStore store = store();
    try {
      store.delete("a");
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }

    assertThatThrownBy(() -> manager.reload("a")).isInstanceOfSatisfying(SpillStoreException.class, e -> {
      assertThat(e.segment()).isEqualTo("a");
      assertThat(e.location()).isEqualTo(location.toString());
      assertThat(e.getMessage()).contains("missing").contains("'memory'");
    });
    assertThat(manager.isSpilled("a")).isTrue();
    assertThat(manager.memoryUsage()).isZero();
    assertThat(manager.stats().reloadFailures()).isEqualTo(1);
  }

  @Test
  void reload_whenTheStoreCannotRead_throwsAStoreErrorNamingSegmentStoreAndLocation() {
    SpillManager manager = manager();
    manager.registerSegment("a", 10);
    URI location = manager.spill("a", new byte[3]);
    store().failReads(key -> true);

    assertThatThrownBy(() -> manager.reload("a")).isInstanceOfSatisfying(SpillStoreException.class, e -> {
      assertThat(e.getMessage()).contains("'a'").contains("'memory'").contains(location.toString());
      assertThat(e.location()).isEqualTo(location.toString());
    });
    assertThat(manager.isSpilled("a")).isTrue();

    store().failReads(key -> false);
    assertThat(manager.reload("a")).hasValueSatisfying(bytes -> assertThat(bytes).hasSize(3));
    assertThat(manager.memoryUsage()).isEqualTo(10);
  }

  @Test
  void unregisterSegment_whenTheCopyCannotBeDeleted_stillForgetsTheSegment() {
    SpillManager manager = manager();
    manager.registerSegment("a", 10);
    manager.registerSegment("b", 20);
    manager.spill("a", new byte[3]);
    store().failDeletes(key -> true);

    assertThat(manager.unregisterSegment("a")).isTrue();

    assertThat(manager.listSegments()).extracting(SegmentInfo::name).containsExactly("b");
    assertThat(manager.memoryUsage()).isEqualTo(20);
    assertThat(manager.stats().spilledCount()).isZero();
    assertThat(manager.stats().deleteFailures()).isEqualTo(1);
  }

  @Test
  void cleanup_whenACopyCannotBeDeleted_deletesTheOthersAndThrows() {
    SpillManager manager = manager();
    manager.registerSegment("a", 10);
    manager.registerSegment("b", 20);
    manager.registerSegment("c", 40);
    manager.spill("a", new byte[3]);
    manager.spill("b", new byte[3]);
    store().failDeletes("a"::equals);

    assertThatThrownBy(manager::cleanup).isInstanceOfSatisfying(SpillStoreException.class,
        e -> assertThat(e.segment()).isEqualTo("a"));

    assertThat(store().keys()).containsExactly("a");
    assertThat(manager.listSegments()).extracting(SegmentInfo::name, SegmentInfo::spilled)
        .containsExactly(tuple("a", true), tuple("c", false));
    assertThat(manager.memoryUsage()).isEqualTo(40);
    store().failDeletes(key -> false);
    manager.cleanup();
    assertThat(store().keys()).isEmpty();
  }

  // ---- lifecycle ---------------------------------------------------------------------------------------------------

  @Test
  void registerSegment_again_replacesTheOldSegmentAndDeletesItsCopy() {
    SpillManager manager = manager();
    manager.registerSegment("a", 1000);
    manager.spill("a", new byte[10]);
    manager.registerSegment("b", 5);
    manager.registerSegment("b", 7);

    manager.registerSegment("a", 400);

    assertThat(manager.memoryUsage()).isEqualTo(407);
    assertThat(manager.isSpilled("a")).isFalse();
    assertThat(store().keys()).isEmpty();
    assertThat(manager.stats().spilledCount()).isZero();
    assertThat(manager.stats().segmentCount()).isEqualTo(2);
    assertThat(manager.reload("a")).isEmpty();
  }

  @Test
  void spill_ofASpilledSegment_throwsAndKeepsTheCopy() {
    SpillManager manager = manager();
    manager.registerSegment("a", 10);
    manager.spill("a", new byte[] {1, 2, 3});
    byte[] stored = store().raw("a");

    assertThatThrownBy(() -> manager.spill("a", new byte[] {9})).isInstanceOf(AlreadySpilledException.class);

    assertThat(store().raw("a")).isEqualTo(stored);
    assertThat(manager.reload("a")).hasValueSatisfying(bytes -> assertThat(bytes).containsExactly(1, 2, 3));
  }

  @Test
  void operations_onUnknownSegments() {
    SpillManager manager = manager();

    assertThatThrownBy(() -> manager.spill("x", new byte[1])).isInstanceOf(SegmentNotFoundException.class);
    assertThatThrownBy(() -> manager.reload("x")).isInstanceOf(SegmentNotFoundException.class);
    assertThatThrownBy(() -> manager.updateSize("x", 1)).isInstanceOf(SegmentNotFoundException.class);
    assertThat(manager.unregisterSegment("x")).isFalse();
    assertThat(manager.isSpilled("x")).isFalse();
    manager.access("x");
    assertThat(manager.listSegments()).isEmpty();
    assertThatThrownBy(() -> manager.registerSegment("x", -1)).isInstanceOf(IllegalArgumentException.class);
    manager.registerSegment("x", 1);
    assertThatThrownBy(() -> manager.updateSize("x", -1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(manager.memoryUsage()).isEqualTo(1);
  }

  @Test
  void stats_countOperationsAndStoreUsage() {
    SpillManager manager = manager();
    manager.registerSegment("a", 100);
    manager.registerSegment("b", 200);
    manager.spill("a", new byte[40]);
    manager.spill("b", new byte[60]);
    manager.reload("a");

    SpillStats stats = manager.stats();

    assertThat(stats).usingRecursiveComparison().ignoringFields("spillLatency", "reloadLatency")
        .isEqualTo(new SpillStats(100, 10_000, 2, 1, 100, 40, 2, 1, 0, 0, 0, 0, 0, store().usage(), 0, 0, 0, 0,
            LatencySummary.EMPTY, LatencySummary.EMPTY, LatencySummary.EMPTY, 0, 0));
    assertThat(stats.spillLatency().count()).isEqualTo(2);
    assertThat(stats.reloadLatency().count()).isEqualTo(1);
    assertThat(stats.storeUsage()).isGreaterThanOrEqualTo(60);
  }

  @Test
  void close_deletesSpilledCopies_closesTheStore_isIdempotent_andLaterCallsThrow() {
    SpillManager manager = manager();
    manager.registerSegment("a", 10);
    manager.registerSegment("b", 10);
    manager.spill("a", new byte[3]);

    manager.close();
    manager.close();

    assertThat(store().isClosed()).isTrue();
    assertThat(store().keys()).isEmpty();
    List<Runnable> calls = List.of(() -> manager.registerSegment("c", 1), () -> manager.unregisterSegment("b"),
        () -> manager.updateSize("b", 1), () -> manager.access("b"), manager::needsSpill,
        () -> manager.spill("b", new byte[1]), () -> manager.reload("a"), () -> manager.isSpilled("a"),
        manager::stats, manager::memoryUsage, manager::utilization, manager::listSegments, manager::cleanup);
    for (Runnable call : calls) {
      assertThatThrownBy(call::run).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
  }

  // ---- needsSpill and configuration -------------------------------------------------------------------------------

  @Test
  void needsSpill_offersOnlyResidentSegmentsOfAtLeastTheMinimumSize() {
    SpillManager manager = manager(b -> b.maxMemory(1000).spillThreshold(0.5).targetAfterSpill(0.1)
        .minSpillSize(100).policy(RecordingPolicyProvider.NAME));
    manager.registerSegment("small", 99);
    manager.registerSegment("spilled", 300);
    manager.registerSegment("big", 300);
    manager.registerSegment("exact", 100);
    manager.spill("spilled", new byte[1]);
    manager.registerSegment("more", 200);

    // usage 699 >= 500; to free 699 - 100 = 599; all eligible segments together hold 600.
    assertThat(manager.needsSpill()).containsExactly("big", "exact", "more");
    assertThat(policy().events()).contains("select 599");
  }

  @Test
  void needsSpill_belowTheThresholdOrAtTheTarget_doesNotConsultThePolicy() {
    SpillManager manager = manager(b -> b.maxMemory(1000).spillThreshold(0.05).targetAfterSpill(0.9)
        .minSpillSize(0).policy(RecordingPolicyProvider.NAME));
    manager.registerSegment("a", 99);
    assertThat(manager.needsSpill()).isEmpty();

    // The threshold is clamped to 0.10: 100 bytes reach it, but the target (0.90) is above the usage.
    manager.updateSize("a", 100);
    assertThat(manager.needsSpill()).isEmpty();

    assertThat(policy().events()).noneMatch(event -> event.startsWith("select"));
  }

  @Test
  void configuration_clampsThresholdAndTargetIntoRedDbsRanges() {
    SpillManager low = manager(b -> b.maxMemory(1000).spillThreshold(0.01).targetAfterSpill(0.0)
        .minSpillSize(0).policy(RecordingPolicyProvider.NAME));
    low.registerSegment("a", 100);
    // threshold 0.10 reached by 100 bytes; target 0.10 = 100 bytes leaves nothing to free.
    assertThat(low.needsSpill()).isEmpty();
    low.updateSize("a", 150);
    assertThat(low.needsSpill()).containsExactly("a");
    assertThat(policy().events()).containsSubsequence("select 50");
  }

  @Test
  void configuration_clampsAHighThresholdTo99Percent() {
    SpillManager manager = manager(b -> b.maxMemory(1000).spillThreshold(1.0).targetAfterSpill(1.0)
        .minSpillSize(0).policy(RecordingPolicyProvider.NAME));
    manager.registerSegment("a", 989);
    assertThat(manager.needsSpill()).isEmpty();
    manager.updateSize("a", 990);
    // target clamped to 0.90: 990 - 900 = 90 to free.
    assertThat(manager.needsSpill()).containsExactly("a");
    assertThat(policy().events()).contains("select 90");
  }

  @Test
  void needsSpill_keepsItsContract_whateverThePolicyAnswers() {
    SpillConfig config = SpillConfig.builder().maxMemory(1000).spillThreshold(0.5).targetAfterSpill(0.1)
        .minSpillSize(50).build();
    SpillPolicy unruly = new ThrowingPolicy() {
      @Override
      public int[] selectVictims(long bytesToFree, java.util.function.IntPredicate eligible) {
        // Ids in registration order: small 0, spilled 1, a 2, b 3, c 4, d 5; 99 and -1 are no segment's.
        return new int[] {99, -1, 0, 1, 2, 2, 3, 4, 5};
      }
    };
    SpillManager manager = new DefaultSpillManager(config, unruly, new InMemorySpillStore(), "memory",
        io.spillway.core.SpillFrames.create(config));
    managers.add(manager);
    manager.registerSegment("small", 49);
    manager.registerSegment("spilled", 300);
    manager.spill("spilled", new byte[1]);
    manager.registerSegment("a", 300);
    manager.registerSegment("b", 300);
    manager.registerSegment("c", 300);
    manager.registerSegment("d", 300);

    // 1249 used, 1149 to free: unknown, too small, spilled and repeated ids are dropped, and the list ends once
    // enough is freed.
    assertThat(manager.needsSpill()).containsExactly("a", "b", "c", "d");
    manager.updateSize("d", 50);
    // 999 used, 899 to free.
    assertThat(manager.needsSpill()).containsExactly("a", "b", "c");
  }

  @Test
  void policyFailures_areLoggedAndLeaveTheAccountingIntact() {
    SpillConfig config = SpillConfig.builder().maxMemory(1000).minSpillSize(0).build();
    InMemorySpillStore store = new InMemorySpillStore();
    SpillManager manager = new DefaultSpillManager(config, new ThrowingPolicy(), store, "memory",
        io.spillway.core.SpillFrames.create(config));
    managers.add(manager);

    manager.registerSegment("a", 100);
    manager.registerSegment("b", 50);
    manager.access("a");
    manager.updateSize("a", 120);
    manager.spill("a", new byte[3]);
    manager.reload("a");
    manager.spill("b", new byte[3]);
    manager.unregisterSegment("b");

    assertThat(manager.memoryUsage()).isEqualTo(120);
    assertThat(store.keys()).isEmpty();
    assertThat(manager.listSegments()).containsExactly(new SegmentInfo("a", 120, false, 1, null));
  }

  /** A policy whose every event throws; its victims are none. */
  static class ThrowingPolicy implements SpillPolicy {
    @Override
    public void onAdmit(int segment, String name, long size) {
      throw new IllegalStateException("admit");
    }

    @Override
    public void onAccess(int segment) {
      throw new IllegalStateException("access");
    }

    @Override
    public void onResize(int segment, long oldSize, long newSize) {
      throw new IllegalStateException("resize");
    }

    @Override
    public void onSpill(int segment) {
      throw new IllegalStateException("spill");
    }

    @Override
    public void onReload(int segment) {
      throw new IllegalStateException("reload");
    }

    @Override
    public void onRemove(int segment) {
      throw new IllegalStateException("remove");
    }

    @Override
    public int[] selectVictims(long bytesToFree, java.util.function.IntPredicate eligible) {
      return new int[0];
    }
  }

  @Test
  void accesses_reachThePolicyByTheIdsItWasToldOnAdmit() {
    IdLoggingPolicy policy = new IdLoggingPolicy();
    SpillManager manager = idManager(policy);
    manager.registerSegment("a", 10);
    manager.registerSegment("b", 10);
    manager.registerSegment("c", 10);
    for (String name : List.of("a", "b", "c", "a")) {
      manager.access(name);
    }
    manager.needsSpill(1);

    assertThat(policy.events).containsExactly("admit a as 0", "admit b as 1", "admit c as 2", "access a#0",
        "access b#1", "access c#2", "access a#0");
    assertThat(manager.listSegments()).extracting(SegmentInfo::accessCount).containsExactly(2L, 1L, 1L);
  }

  @Test
  void ids_ofRemovedSegments_goToTheNextRegistrations_mostRecentlyFreedFirst() {
    IdLoggingPolicy policy = new IdLoggingPolicy();
    SpillManager manager = idManager(policy);
    manager.registerSegment("a", 10);
    manager.registerSegment("b", 10);
    manager.registerSegment("c", 10);
    manager.unregisterSegment("a");
    manager.unregisterSegment("c");
    manager.registerSegment("d", 20);
    manager.registerSegment("e", 20);
    manager.registerSegment("f", 20);
    manager.access("d");
    manager.needsSpill(1);

    assertThat(policy.events).containsSubsequence("remove #0", "remove #2", "admit d as 2", "admit e as 0",
        "admit f as 3", "access d#2");
    assertThat(manager.listSegments()).filteredOn(info -> info.name().equals("d"))
        .extracting(SegmentInfo::accessCount).containsExactly(1L);
  }

  @Test
  void needsSpill_asksEligibilityById_andGetsSegmentsBackFromIds() {
    IdLoggingPolicy policy = new IdLoggingPolicy();
    SpillManager manager = idManager(policy);
    manager.registerSegment("a", 10);
    manager.registerSegment("b", 10);
    manager.spill("a", new byte[1]);
    policy.victims = new int[] {1, 0};

    assertThat(manager.needsSpill(5)).containsExactly("b");
    assertThat(policy.eligible).containsExactly(false, true, false);
  }

  private SpillManager idManager(SpillPolicy policy) {
    SpillConfig config = SpillConfig.builder().maxMemory(1000).minSpillSize(0).build();
    SpillManager manager = new DefaultSpillManager(config, policy, new InMemorySpillStore(), "memory",
        io.spillway.core.SpillFrames.create(config));
    managers.add(manager);
    return manager;
  }

  /** Logs each event with the id it carries; answers a selection with {@link #victims}, after asking ids 0 to 2. */
  static final class IdLoggingPolicy implements SpillPolicy {
    final List<String> events = new ArrayList<>();
    final Map<Integer, String> names = new HashMap<>();
    final List<Boolean> eligible = new ArrayList<>();
    int[] victims = new int[0];

    @Override
    public void onAdmit(int segment, String name, long size) {
      names.put(segment, name);
      events.add("admit " + name + " as " + segment);
    }

    @Override
    public void onAccess(int segment) {
      events.add("access " + names.get(segment) + "#" + segment);
    }

    @Override
    public void onResize(int segment, long oldSize, long newSize) {}

    @Override
    public void onSpill(int segment) {}

    @Override
    public void onReload(int segment) {}

    @Override
    public void onRemove(int segment) {
      names.remove(segment);
      events.add("remove #" + segment);
    }

    @Override
    public int[] selectVictims(long bytesToFree, java.util.function.IntPredicate eligibleIds) {
      eligible.clear();
      for (int id = 0; id < 3; id++) {
        eligible.add(eligibleIds.test(id));
      }
      return victims;
    }
  }

  // ---- policy events -----------------------------------------------------------------------------------------------

  @Test
  void policy_hearsEveryEventInOrder_andNoAccessWhileSpilled() {
    SpillManager manager = recordingManager();
    manager.registerSegment("a", 10);
    manager.access("a");
    manager.access("a");
    manager.spill("a", new byte[1]);
    manager.access("a");
    manager.updateSize("a", 12);
    manager.reload("a");
    manager.access("a");
    manager.updateSize("a", 13);
    manager.access("a");
    manager.unregisterSegment("a");

    // The access while spilled is counted but not delivered; so is the last one, still buffered when the segment
    // was removed.
    assertThat(policy().events()).containsExactly("admit a 10", "access a", "access a", "spill a",
        "resize a 10 12", "reload a", "access a", "resize a 12 13", "remove a");
    assertThat(policy().violations()).isEmpty();
  }

  @Test
  void access_countsExactly_evenWhileSpilled() {
    SpillManager manager = recordingManager();
    manager.registerSegment("a", 10);
    manager.access("a");
    manager.spill("a", new byte[1]);
    manager.access("a");
    manager.access("a");

    assertThat(manager.listSegments().get(0).accessCount()).isEqualTo(3);
  }

  @Test
  void accessCount_ofANewSegment_startsAtZero_afterAnotherWasRemoved() {
    SpillManager manager = recordingManager();
    manager.registerSegment("a", 10);
    manager.access("a");
    manager.access("a");
    manager.unregisterSegment("a");
    manager.registerSegment("b", 10);
    manager.registerSegment("a", 10);
    manager.access("b");

    assertThat(manager.listSegments()).extracting(SegmentInfo::name, SegmentInfo::accessCount)
        .containsExactly(tuple("a", 0L), tuple("b", 1L));
  }

  @Test
  void accesses_areDrainedBeforeVictimsAreChosen() {
    SpillManager manager = manager(b -> b.maxMemory(100).minSpillSize(0).policy(RecordingPolicyProvider.NAME));
    manager.registerSegment("a", 90);
    for (int i = 0; i < 5; i++) {
      manager.access("a");
    }

    assertThat(manager.needsSpill()).containsExactly("a");

    assertThat(policy().events()).containsExactly("admit a 90", "access a", "access a", "access a", "access a",
        "access a", "select 30");
  }

  @Test
  void accesses_toAReplacedOrRemovedSegment_areNotDelivered() {
    SpillManager manager = recordingManager();
    manager.registerSegment("a", 10);
    manager.registerSegment("b", 10);
    manager.access("a");
    manager.access("b");
    manager.registerSegment("a", 20);
    manager.unregisterSegment("b");
    manager.access("a");
    manager.needsSpill();
    manager.updateSize("a", 21);

    // b's access happened while b was live and is delivered; the old a's is not, nor is any after its removal.
    assertThat(policy().events()).containsExactly("admit a 10", "admit b 10", "access b", "remove a", "admit a 20",
        "remove b", "access a", "resize a 20 21");
    assertThat(manager.listSegments().get(0).accessCount()).isEqualTo(1);
    assertThat(policy().violations()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(SpillMode.class)
  void accesses_beyondTheBufferCapacity_areAllCounted_andToldOrUndelivered(SpillMode mode) {
    SpillManager manager = manager(b -> b.maxMemory(10_000).minSpillSize(0).policy(RecordingPolicyProvider.NAME)
        .spillMode(mode));
    manager.registerSegment("a", 10);
    int accesses = 50_000;
    for (int i = 0; i < accesses; i++) {
      manager.access("a");
    }
    // Some were delivered (by the recording thread or a drain task) when the buffer filled, before any other event.
    await().atMost(Duration.ofSeconds(10)).until(() -> policy().events().size() > 1);

    manager.updateSize("a", 11);

    List<String> events = policy().events();
    long undelivered = manager.stats().undeliveredAccesses();
    assertThat(Collections.frequency(events, "access a") + undelivered).isEqualTo(accesses);
    if (mode == SpillMode.SYNCHRONOUS) {
      assertThat(undelivered).as("the synchronous mode tells every access").isZero();
    }
    assertThat(events).endsWith("resize a 10 11");
    assertThat(manager.listSegments().get(0).accessCount()).isEqualTo(accesses);
  }

  @ParameterizedTest
  @EnumSource(SpillMode.class)
  void access_fromOneThread_dropsNothing(SpillMode mode) {
    SpillManager manager = manager(b -> b.maxMemory(10_000).minSpillSize(0).policy(RecordingPolicyProvider.NAME)
        .spillMode(mode));
    manager.registerSegment("a", 10);
    manager.registerSegment("b", 10);
    for (int i = 0; i < 100_000; i++) {
      manager.access(i % 3 == 0 ? "b" : "a");
    }

    assertThat(manager.stats().droppedAccesses()).isZero();
    assertThat(manager.listSegments()).extracting(SegmentInfo::accessCount).containsExactly(66_666L, 33_334L);
    List<String> events = policy().events();
    long told = Collections.frequency(events, "access a") + Collections.frequency(events, "access b");
    long undelivered = manager.stats().undeliveredAccesses();
    assertThat(told + undelivered).isEqualTo(100_000);
    if (mode == SpillMode.SYNCHRONOUS) {
      assertThat(undelivered).isZero();
      assertThat(Collections.frequency(events, "access a")).isEqualTo(66_666);
    }
    assertThat(policy().violations()).isEmpty();
  }

  @Test
  void access_fromManyThreads_countsEveryAccessItDoesNotDrop() throws InterruptedException {
    SpillManager manager = recordingManager();
    manager.registerSegment("a", 10);
    int threads = 4;
    int perThread = 20_000;
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread thread = new Thread(() -> {
        for (int i = 0; i < perThread; i++) {
          manager.access("a");
        }
      });
      thread.start();
      started.add(thread);
    }
    for (Thread thread : started) {
      thread.join();
    }

    long counted = manager.listSegments().get(0).accessCount();
    long dropped = manager.stats().droppedAccesses();
    assertThat(counted + dropped).isEqualTo((long) threads * perThread);
    assertThat(Collections.frequency(policy().events(), "access a"))
        .isEqualTo(counted - manager.stats().undeliveredAccesses());
  }

  @Test
  void close_dropsThePolicyAfterRemovingSpilledSegments() {
    SpillManager manager = recordingManager();
    manager.registerSegment("a", 10);
    manager.registerSegment("b", 10);
    manager.spill("a", new byte[1]);
    manager.access("b");

    manager.close();

    assertThat(policy().events()).containsExactly("admit a 10", "admit b 10", "spill a", "access b", "remove a");
  }
}
