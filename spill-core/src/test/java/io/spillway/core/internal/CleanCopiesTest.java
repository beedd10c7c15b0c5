package io.spillway.core.internal;

import static io.spillway.core.testing.BytesCodec.matches;
import static io.spillway.core.testing.BytesCodec.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.CorruptSegmentException;
import io.spillway.api.SegmentHandle;
import io.spillway.api.SegmentPin;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillEvent;
import io.spillway.api.SpillListener;
import io.spillway.api.SpillMode;
import io.spillway.api.SpillStats;
import io.spillway.api.spi.SpillPolicy;
import io.spillway.core.SpillFrames;
import io.spillway.core.testing.BytesCodec;
import io.spillway.core.testing.GatedSpillStore;
import io.spillway.core.testing.InMemorySpillStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clean copies (issue 16): a managed value reloaded from the store keeps its stored copy while it is unchanged, so
 * evicting it again frees its memory without a write; the copy goes when the value is set, closed or replaced, or
 * when the store runs out of space.
 */
class CleanCopiesTest {
  private static final BytesCodec BYTES = BytesCodec.INSTANCE;

  @TempDir Path tmp;
  private final List<DefaultSpillManager> managers = new ArrayList<>();
  private final List<SpillEvent> spillEvents = new CopyOnWriteArrayList<>();

  @AfterEach
  void closeAll() {
    managers.forEach(DefaultSpillManager::close);
  }

  /**
   * A manager of 1,000 bytes that spills synchronously from 90% down to 50%, victims in FIFO order of residency
   * (admission or reload), so that each eviction is predictable.
   */
  private DefaultSpillManager manager(InMemorySpillStore store) {
    return manager(new GatedSpillStore(store));
  }

  private DefaultSpillManager manager(GatedSpillStore store) {
    SpillConfig config = SpillConfig.builder().maxMemory(1000).spillThreshold(0.9).targetAfterSpill(0.5)
        .spillDir(tmp).spillMode(SpillMode.SYNCHRONOUS).listener(new SpillListener() {
          @Override
          public void onSpill(SpillEvent event) {
            spillEvents.add(event);
          }
        }).build();
    DefaultSpillManager manager = new DefaultSpillManager(config, new FifoPolicy(), store, "test",
        SpillFrames.create(config));
    managers.add(manager);
    return manager;
  }

  @Test
  void aReloadedValue_evictedAgain_isNotWrittenAgain_andComesBackCorrect() {
    InMemorySpillStore memory = new InMemorySpillStore();
    GatedSpillStore store = new GatedSpillStore(memory);
    DefaultSpillManager manager = manager(store);
    List<SegmentHandle<byte[]>> handles = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      handles.add(manager.put("v" + i, value("v" + i, 400), BYTES));
    }
    // 1,200 bytes under a budget of 1,000: v0 was written to make room for v2.
    assertThat(store.writes()).isEqualTo(1);

    for (int round = 0; round < 10; round++) {
      for (int i = 0; i < 3; i++) {
        assertThat(matches(handles.get(i).get(), "v" + i, 400)).isTrue();
        assertThat(manager.memoryUsage()).isLessThanOrEqualTo(1000);
      }
    }

    SpillStats stats = manager.stats();
    // Each value is written once at most; every later eviction is of a clean value.
    assertThat(store.writes()).isLessThanOrEqualTo(3).isEqualTo((int) stats.spillOperations());
    assertThat(stats.reloadOperations()).isGreaterThanOrEqualTo(20);
    assertThat(stats.cleanEvictions()).isEqualTo(stats.reloadOperations() + stats.spilledCount()
        - stats.spillOperations());
    assertThat(spillEvents.stream().filter(e -> e.kind() == SpillEvent.Kind.CLEAN_EVICTION).count())
        .isEqualTo(stats.cleanEvictions());
    assertThat(spillEvents).filteredOn(e -> e.kind() == SpillEvent.Kind.CLEAN_EVICTION)
        .allSatisfy(e -> assertThat(e.payloadBytes()).isZero());
    // The store holds a copy of every value: the spilled ones and the clean resident ones.
    assertThat(memory.keys()).containsExactly("v0", "v1", "v2");
  }

  @Test
  void set_deletesTheCleanCopy_andTheNextEvictionWritesTheNewValue() {
    InMemorySpillStore memory = new InMemorySpillStore();
    GatedSpillStore store = new GatedSpillStore(memory);
    DefaultSpillManager manager = manager(store);
    SegmentHandle<byte[]> a = manager.put("a", value("a", 400), BYTES);
    SegmentHandle<byte[]> b = manager.put("b", value("b", 400), BYTES);
    manager.put("c", value("c", 400), BYTES); // evicts a (written)
    a.get(); // reloads a, keeps its copy; evicts b (written)
    assertThat(a.isSpilled()).isFalse();
    assertThat(memory.keys()).containsExactly("a", "b");
    int writes = store.writes();

    a.set(value("a2", 400));

    assertThat(memory.keys()).containsExactly("b");
    assertThat(store.writes()).isEqualTo(writes);
    b.get(); // evicts c (written), then a must be written when it goes
    manager.put("d", value("d", 400), BYTES); // evicts a: dirty, so written
    assertThat(a.isSpilled()).isTrue();
    assertThat(SpillFrames.decode(memory.raw("a"))).satisfies(bytes -> assertThat(matches(bytes, "a2", 400)).isTrue());
    assertThat(matches(a.get(), "a2", 400)).isTrue();
  }

  @Test
  void closingOrReplacingAValue_deletesItsCleanCopy() {
    InMemorySpillStore memory = new InMemorySpillStore();
    DefaultSpillManager manager = manager(memory);
    SegmentHandle<byte[]> a = manager.put("a", value("a", 400), BYTES);
    SegmentHandle<byte[]> b = manager.put("b", value("b", 400), BYTES);
    manager.put("c", value("c", 400), BYTES);
    a.get();
    b.get();
    assertThat(a.isSpilled()).isFalse();
    assertThat(b.isSpilled()).isFalse();
    assertThat(memory.keys()).contains("a", "b");

    a.close();
    manager.put("b", value("b2", 300), BYTES);

    assertThat(memory.keys()).doesNotContain("a", "b");
    assertThat(manager.stats().memoryUsage()).isLessThanOrEqualTo(1000);
  }

  @Test
  void aPinnedCleanValue_isNotEvicted() {
    InMemorySpillStore memory = new InMemorySpillStore();
    DefaultSpillManager manager = manager(memory);
    SegmentHandle<byte[]> a = manager.put("a", value("a", 400), BYTES);
    manager.put("b", value("b", 400), BYTES);
    manager.put("c", value("c", 400), BYTES); // evicts a
    SegmentPin pin = a.pin(); // reloads a, clean, pinned; evicts b
    manager.put("d", value("d", 400), BYTES); // must evict c, not the pinned a
    assertThat(a.isSpilled()).isFalse();
    assertThat(matches(a.get(), "a", 400)).isTrue();
    pin.close();
  }

  @Test
  void aWriteThatFails_whileCleanCopiesTakeSpace_dropsThemAndIsTriedAgain() {
    InMemorySpillStore memory = new InMemorySpillStore();
    DefaultSpillManager manager = manager(memory);
    SegmentHandle<byte[]> a = manager.put("a", value("a", 300), BYTES);
    SegmentHandle<byte[]> b = manager.put("b", value("b", 300), BYTES);
    SegmentHandle<byte[]> c = manager.put("c", value("c", 300), BYTES); // 900 bytes: a and b written
    a.get(); // a reloaded, clean; c and a resident, in that order
    assertThat(manager.stats().spillOperations()).isEqualTo(2);
    AtomicBoolean fullOnce = new AtomicBoolean(true);
    memory.failWrites(key -> fullOnce.getAndSet(false)); // as a full disk would, until space is freed

    manager.put("d", value("d", 300), BYTES); // 900 bytes again: c (dirty) and a go

    // c's write failed once; a's clean copy was dropped for space and c written on the retry; then a, no longer
    // clean, was written too. Nothing failed in the end, and every value is intact.
    SpillStats stats = manager.stats();
    assertThat(stats.spillFailures()).isZero();
    assertThat(stats.cleanEvictions()).isZero();
    assertThat(stats.spillOperations()).isEqualTo(4);
    assertThat(c.isSpilled()).isTrue();
    assertThat(a.isSpilled()).isTrue();
    assertThat(matches(a.get(), "a", 300)).isTrue();
    assertThat(matches(b.get(), "b", 300)).isTrue();
    assertThat(matches(c.get(), "c", 300)).isTrue();
    assertThat(manager.memoryUsage()).isLessThanOrEqualTo(1000);
  }

  @Test
  void theRetry_afterDroppingCleanCopies_keepsTheValueResidentIfTheStoreStillFails() {
    InMemorySpillStore memory = new InMemorySpillStore();
    DefaultSpillManager manager = manager(memory);
    SegmentHandle<byte[]> a = manager.put("a", value("a", 400), BYTES);
    SegmentHandle<byte[]> b = manager.put("b", value("b", 400), BYTES);
    manager.put("c", value("c", 400), BYTES); // evicts a (written)
    a.get(); // reloads a (clean): evicts b (written)
    b.get(); // reloads b (clean): evicts c (written)
    b.set(value("b2", 400)); // b dirty, a clean
    memory.failWrites(key -> true);

    // 1,000 bytes: a goes (clean: evicted without a write), then b (dirty: its write fails, and no clean copy is left
    // to drop).
    manager.put("d", value("d", 200), BYTES);

    assertThat(manager.stats().spillFailures()).isEqualTo(1);
    assertThat(a.isSpilled()).isTrue();
    assertThat(b.isSpilled()).isFalse();
    assertThat(matches(b.get(), "b2", 400)).isTrue();
    assertThat(matches(a.get(), "a", 400)).isTrue();
  }

  @Test
  void aCleanCopyDamagedInTheStore_failsTheReload_withTheSegmentNamed() {
    InMemorySpillStore memory = new InMemorySpillStore();
    DefaultSpillManager manager = manager(memory);
    SegmentHandle<byte[]> a = manager.put("a", value("a", 400), BYTES);
    manager.put("b", value("b", 400), BYTES);
    manager.put("c", value("c", 400), BYTES); // evicts a
    a.get(); // a reloaded, clean; evicts b
    manager.put("d", value("d", 400), BYTES); // evicts c; a stays
    memory.corrupt("a", bytes -> {
      bytes[bytes.length - 1] ^= 1;
      return bytes;
    });
    manager.put("e", value("e", 400), BYTES); // evicts a, clean: no write

    assertThat(a.isSpilled()).isTrue();
    assertThatThrownBy(a::get).isInstanceOfSatisfying(CorruptSegmentException.class,
        e -> assertThat(e.getMessage()).contains("'a'"));
    assertThat(a.isSpilled()).isTrue();
  }

  /** Victims in the order the segments became resident (admitted or reloaded), oldest first. */
  static final class FifoPolicy implements SpillPolicy {
    private final Map<Integer, Long> resident = new LinkedHashMap<>();
    private final Map<Integer, Long> sizes = new LinkedHashMap<>();

    @Override
    public void onAdmit(int segment, String name, long size) {
      sizes.put(segment, size);
      resident.put(segment, size);
    }

    @Override
    public void onAccess(int segment) {}

    @Override
    public void onResize(int segment, long oldSize, long newSize) {
      sizes.put(segment, newSize);
      resident.computeIfPresent(segment, (k, v) -> newSize);
    }

    @Override
    public void onSpill(int segment) {
      resident.remove(segment);
    }

    @Override
    public void onReload(int segment) {
      resident.put(segment, sizes.getOrDefault(segment, 0L));
    }

    @Override
    public void onRemove(int segment) {
      resident.remove(segment);
      sizes.remove(segment);
    }

    @Override
    public int[] selectVictims(long bytesToFree, IntPredicate eligible) {
      IntStream.Builder victims = IntStream.builder();
      long freed = 0;
      for (Map.Entry<Integer, Long> entry : resident.entrySet()) {
        if (freed >= bytesToFree) {
          break;
        }
        if (eligible.test(entry.getKey())) {
          victims.add(entry.getKey());
          freed += entry.getValue();
        }
      }
      return victims.build().toArray();
    }
  }
}
