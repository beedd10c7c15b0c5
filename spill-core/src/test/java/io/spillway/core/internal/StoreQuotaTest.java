package io.spillway.core.internal;

import static io.spillway.core.testing.BytesCodec.matches;
import static io.spillway.core.testing.BytesCodec.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.SegmentHandle;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillEvent;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillMode;
import io.spillway.api.SpillStats;
import io.spillway.api.StoreQuotaExceededException;
import io.spillway.core.SpillFrames;
import io.spillway.core.Spillway;
import io.spillway.core.testing.InMemorySpillStore;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The store quota (issue 17, part 4): {@link SpillConfig#maxStoreBytes()} and
 * {@link SpillManager#setMaxStoreBytes(long)} cap the bytes the store holds, frames included; a spill past it fails
 * with {@link StoreQuotaExceededException} and loses nothing. Concurrent spills and the background spiller:
 * {@link StoreQuotaConcurrencyTest}.
 */
class StoreQuotaTest extends StoreQuotaFixture {
  @Test
  void spill_pastTheQuota_failsNamingSegmentAndQuota_andTheSegmentStaysResident() {
    InMemorySpillStore memory = new InMemorySpillStore();
    long quota = 2 * FRAME_400 + FRAME_400 / 2;
    DefaultSpillManager manager = manager(memory, config(1 << 20, SpillMode.SYNCHRONOUS).maxStoreBytes(quota)
        .build());
    for (String name : List.of("a", "b", "c")) {
      manager.registerSegment(name, 400);
    }
    manager.spill("a", value("a", 400));
    manager.spill("b", value("b", 400));

    assertThatThrownBy(() -> manager.spill("c", value("c", 400)))
        .isInstanceOfSatisfying(StoreQuotaExceededException.class, e -> {
          assertThat(e.segment()).isEqualTo("c");
          assertThat(e.maxStoreBytes()).isEqualTo(quota);
          assertThat(e.storeUsage()).isEqualTo(2 * FRAME_400);
          assertThat(e.reservedBytes()).isZero();
          assertThat(e.requestedBytes()).isEqualTo(FRAME_400);
          assertThat(e.getMessage()).contains("segment 'c'", "store 'test'", "maxStoreBytes", quota + " bytes",
              2 * FRAME_400 + " bytes", FRAME_400 + " bytes");
        });

    assertThat(manager.isSpilled("c")).isFalse();
    assertThat(manager.memoryUsage()).isEqualTo(400);
    assertThat(memory.keys()).containsExactly("a", "b");
    assertThat(manager.stats().spillFailures()).isEqualTo(1);
    assertThat(failedEvents).singleElement().satisfies(e -> {
      assertThat(e.segment()).isEqualTo("c");
      assertThat(e.kind()).isEqualTo(SpillEvent.Kind.SPILL);
    });
    assertThat(failures).singleElement().isInstanceOf(StoreQuotaExceededException.class);

    // A manual reload deletes the stored copy: its room comes back, and the refused segment can go now.
    assertThat(manager.reload("a")).hasValueSatisfying(bytes -> assertThat(matches(bytes, "a", 400)).isTrue());
    manager.spill("c", value("c", 400));
    assertThat(memory.keys()).containsExactly("b", "c");
    assertThat(manager.stats().storeUsage()).isEqualTo(2 * FRAME_400).isLessThanOrEqualTo(quota);
    assertThat(manager.reload("c")).hasValueSatisfying(bytes -> assertThat(matches(bytes, "c", 400)).isTrue());
  }

  @Test
  void setMaxStoreBytes_belowUsage_deletesNothing_andSpillsFailUntilUsageFalls() {
    InMemorySpillStore memory = new InMemorySpillStore();
    DefaultSpillManager manager = manager(memory, config(1 << 20, SpillMode.SYNCHRONOUS).build());
    assertThat(manager.maxStoreBytes()).isEqualTo(SpillConfig.DEFAULT_MAX_STORE_BYTES);
    for (String name : List.of("a", "b", "c", "d")) {
      manager.registerSegment(name, 400);
    }
    manager.spill("a", value("a", 400));
    manager.spill("b", value("b", 400));

    manager.setMaxStoreBytes(FRAME_400); // below the two frames held

    assertThat(manager.maxStoreBytes()).isEqualTo(FRAME_400);
    assertThat(memory.keys()).containsExactly("a", "b");
    assertThat(manager.isSpilled("a")).isTrue();
    assertThatThrownBy(() -> manager.spill("c", value("c", 400))).isInstanceOf(StoreQuotaExceededException.class);
    manager.unregisterSegment("a"); // one frame left: still no room for another
    assertThatThrownBy(() -> manager.spill("c", value("c", 400))).isInstanceOf(StoreQuotaExceededException.class);
    manager.unregisterSegment("b");
    manager.spill("c", value("c", 400));
    assertThatThrownBy(() -> manager.spill("d", value("d", 400)))
        .isInstanceOfSatisfying(StoreQuotaExceededException.class,
            e -> assertThat(e.maxStoreBytes()).isEqualTo(FRAME_400));
    assertThat(manager.isSpilled("d")).isFalse();

    manager.setMaxStoreBytes(SpillConfig.DEFAULT_MAX_STORE_BYTES); // up again: no limit

    manager.spill("d", value("d", 400));
    assertThat(memory.keys()).containsExactly("c", "d");
    assertThat(manager.reload("d")).hasValueSatisfying(bytes -> assertThat(matches(bytes, "d", 400)).isTrue());
    assertThat(manager.reload("c")).hasValueSatisfying(bytes -> assertThat(matches(bytes, "c", 400)).isTrue());
    assertThat(manager.stats().spillFailures()).isEqualTo(3);
    assertThatThrownBy(() -> manager.setMaxStoreBytes(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(manager.maxStoreBytes()).isEqualTo(SpillConfig.DEFAULT_MAX_STORE_BYTES);
  }


  @Test
  void managedValues_spillUpToTheQuota_thenStayResident_withTheFailureCounted_andTold() {
    InMemorySpillStore memory = new InMemorySpillStore();
    DefaultSpillManager manager = manager(memory, config(1000, SpillMode.SYNCHRONOUS).maxStoreBytes(2 * FRAME_M300)
        .build());
    List<SegmentHandle<byte[]>> handles = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      // 900 bytes at the third and at the fifth: two victims each time, FIFO.
      handles.add(manager.put("m" + i, value("m" + i, 300), BYTES));
    }

    assertThat(handles.get(0).isSpilled()).isTrue();
    assertThat(handles.get(1).isSpilled()).isTrue();
    assertThat(handles.subList(2, 5)).noneMatch(SegmentHandle::isSpilled);
    assertThat(memory.keys()).containsExactly("m0", "m1");
    SpillStats stats = manager.stats();
    assertThat(stats.spillFailures()).isEqualTo(2);
    assertThat(stats.memoryUsage()).isEqualTo(900);
    assertThat(stats.storeUsage()).isEqualTo(2 * FRAME_M300);
    assertThat(failedEvents).extracting(SpillEvent::segment).containsExactly("m2", "m3");
    assertThat(failures).allSatisfy(e -> assertThat(e).isInstanceOf(StoreQuotaExceededException.class)
        .hasMessageContaining("maxStoreBytes"));
    for (int i = 2; i < 5; i++) {
      assertThat(matches(handles.get(i).get(), "m" + i, 300)).isTrue();
    }
    assertThat(SpillFrames.decode(memory.raw("m0"))).satisfies(b -> assertThat(matches(b, "m0", 300)).isTrue());

    // Closing a spilled value deletes its copy, and its room goes to the next spill: m2 now, but not m3 as well
    // (200 bytes more take the usage past the budget, so m2 and m3 are victims; the 800 bytes left stay under the
    // threshold).
    handles.get(0).close();
    manager.put("m5", value("m5", 200), BYTES);

    assertThat(handles.get(2).isSpilled()).isTrue();
    assertThat(handles.get(3).isSpilled()).isFalse();
    assertThat(memory.keys()).containsExactly("m1", "m2");
    assertThat(manager.stats().spillFailures()).isEqualTo(3);
    // (m2 is not read back through its handle: with the quota full, no room can be made for it in memory.)
    assertThat(SpillFrames.decode(memory.raw("m2"))).satisfies(b -> assertThat(matches(b, "m2", 300)).isTrue());
    assertThat(matches(handles.get(3).get(), "m3", 300)).isTrue();
  }


  @Test
  void aRefusal_whileCleanCopiesTakeTheRoom_dropsThem_andTheSpillIsTriedAgain() {
    InMemorySpillStore memory = new InMemorySpillStore();
    DefaultSpillManager manager = manager(memory, config(1000, SpillMode.SYNCHRONOUS).maxStoreBytes(2 * FRAME_300)
        .build());
    SegmentHandle<byte[]> a = manager.put("a", value("a", 300), BYTES);
    SegmentHandle<byte[]> b = manager.put("b", value("b", 300), BYTES);
    SegmentHandle<byte[]> c = manager.put("c", value("c", 300), BYTES); // 900: a and b written, the quota full
    a.get(); // reloaded, its copy kept: clean
    assertThat(memory.keys()).containsExactly("a", "b");

    b.get(); // 900 again: c (dirty) and a go; c's write is refused until the clean copies of a and b are dropped

    SpillStats stats = manager.stats();
    assertThat(stats.spillFailures()).isZero();
    assertThat(failures).isEmpty();
    assertThat(c.isSpilled()).isTrue();
    assertThat(a.isSpilled()).isTrue();
    assertThat(b.isSpilled()).isFalse();
    assertThat(memory.keys()).containsExactly("a", "c");
    assertThat(stats.storeUsage()).isLessThanOrEqualTo(2 * FRAME_300);
    assertThat(matches(a.get(), "a", 300)).isTrue();
    assertThat(matches(b.get(), "b", 300)).isTrue();
    assertThat(matches(c.get(), "c", 300)).isTrue();
  }

  @Test
  void aManualSpill_refusedWhileACleanCopyTakesTheRoom_dropsIt_andSucceeds() {
    InMemorySpillStore memory = new InMemorySpillStore();
    DefaultSpillManager manager = manager(memory, config(10_000, SpillMode.SYNCHRONOUS).build());
    SegmentHandle<byte[]> a = manager.put("a", value("a", 300), BYTES);
    manager.registerSegment("big", 9000); // past the threshold: the managed value a is written
    assertThat(a.isSpilled()).isTrue();
    manager.unregisterSegment("big");
    assertThat(matches(a.get(), "a", 300)).isTrue(); // reloaded, clean: its copy stays in the store
    manager.setMaxStoreBytes(FRAME_300);
    manager.registerSegment("x", 300);

    URI location = manager.spill("x", value("x", 300));

    assertThat(location).isNotNull();
    assertThat(manager.isSpilled("x")).isTrue();
    assertThat(memory.keys()).containsExactly("x");
    assertThat(manager.stats().spillFailures()).isZero();
    assertThat(a.isSpilled()).isFalse();
    assertThat(matches(a.get(), "a", 300)).isTrue();
    assertThat(manager.reload("x")).hasValueSatisfying(bytes -> assertThat(matches(bytes, "x", 300)).isTrue());
  }

  @Test
  void withTheFileStore_theQuotaCountsFramesAsTheStoreDoes() {
    SpillManager manager = Spillway.newManager(SpillConfig.builder().maxMemory(1 << 20).spillDir(tmp)
        .store("file").maxStoreBytes(2 * FRAME_400).build());
    managers.add(manager);
    for (String name : List.of("a", "b", "c")) {
      manager.registerSegment(name, 400);
    }
    manager.spill("a", value("a", 400));
    manager.spill("b", value("b", 400));
    assertThat(manager.stats().storeUsage()).isEqualTo(2 * FRAME_400);

    assertThatThrownBy(() -> manager.spill("c", value("c", 400)))
        .isInstanceOfSatisfying(StoreQuotaExceededException.class, e -> {
          assertThat(e.getMessage()).contains("store 'file'");
          assertThat(e.storeUsage()).isEqualTo(2 * FRAME_400);
        });
    assertThat(manager.isSpilled("c")).isFalse();

    manager.reload("b");
    manager.spill("c", value("c", 400));
    assertThat(manager.stats().storeUsage()).isEqualTo(2 * FRAME_400);
    assertThat(manager.reload("c")).hasValueSatisfying(bytes -> assertThat(matches(bytes, "c", 400)).isTrue());
  }
}
