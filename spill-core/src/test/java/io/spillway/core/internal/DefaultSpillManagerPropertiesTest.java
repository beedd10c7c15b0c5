package io.spillway.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.AlreadySpilledException;
import io.spillway.api.SegmentInfo;
import io.spillway.api.SegmentNotFoundException;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillStats;
import io.spillway.core.Spillway;
import io.spillway.core.testing.InMemorySpillStore;
import io.spillway.core.testing.InMemorySpillStoreProvider;
import io.spillway.core.testing.RecordingPolicyProvider;
import io.spillway.core.testing.StoredBytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The accounting invariants under random operation sequences, checked against a reference model after every step:
 * usage is the sum of the resident segments' registered sizes, and the store holds exactly the spilled segments.
 */
class DefaultSpillManagerPropertiesTest {
  private static final List<String> NAMES = List.of("a", "b", "../c", "d/e");
  private static final long MAX_MEMORY = 4000;
  private static final long MIN_SPILL_SIZE = 100;
  private static final long THRESHOLD = (long) (MAX_MEMORY * 0.5);
  private static final long TARGET = (long) (MAX_MEMORY * 0.2);

  enum Kind { REGISTER, RESIZE, ACCESS, SPILL, RELOAD, UNREGISTER, NEEDS_SPILL, SPILL_VICTIMS, CLEANUP }

  /** One step: what, on which name, with which size and which data length (unrelated to the size). */
  record Op(Kind kind, int name, long size, int dataLength) {
    String segment() {
      return NAMES.get(name);
    }

    @Override
    public String toString() {
      return kind + "(" + segment() + ", size " + size + ", data " + dataLength + ")";
    }
  }

  /** The reference model of one segment. */
  static final class Model {
    long size;
    boolean spilled;
    long accesses;
    byte[] data;

    Model(long size) {
      this.size = size;
    }
  }

  @Provide
  Arbitrary<List<Op>> operations() {
    Arbitrary<Kind> kinds = Arbitraries.frequency(
        net.jqwik.api.Tuple.of(6, Kind.REGISTER), net.jqwik.api.Tuple.of(3, Kind.RESIZE),
        net.jqwik.api.Tuple.of(4, Kind.ACCESS), net.jqwik.api.Tuple.of(5, Kind.SPILL),
        net.jqwik.api.Tuple.of(4, Kind.RELOAD), net.jqwik.api.Tuple.of(2, Kind.UNREGISTER),
        net.jqwik.api.Tuple.of(3, Kind.NEEDS_SPILL), net.jqwik.api.Tuple.of(2, Kind.SPILL_VICTIMS),
        net.jqwik.api.Tuple.of(1, Kind.CLEANUP));
    Arbitrary<Long> sizes = Arbitraries.oneOf(Arbitraries.longs().between(0, 2500),
        Arbitraries.of(0L, MIN_SPILL_SIZE - 1, MIN_SPILL_SIZE));
    return Combinators.combine(kinds, Arbitraries.integers().between(0, NAMES.size() - 1), sizes,
        Arbitraries.integers().between(0, 300)).as(Op::new).list().ofMinSize(1).ofMaxSize(60);
  }

  @Provide
  Arbitrary<String> policies() {
    return Arbitraries.of("coldness", RecordingPolicyProvider.NAME);
  }

  @Provide
  Arbitrary<String> stores() {
    return Arbitraries.of(InMemorySpillStoreProvider.NAME, "file");
  }

  @Property(tries = 300)
  void accountingMatchesTheModel(@ForAll("operations") List<Op> ops, @ForAll("policies") String policy,
      @ForAll("stores") String storeName) throws IOException {
    String id = UUID.randomUUID().toString();
    Path spillDir = Files.createTempDirectory("spillway-property-");
    SpillConfig config = SpillConfig.builder()
        .maxMemory(MAX_MEMORY).spillThreshold(0.5).targetAfterSpill(0.2).minSpillSize(MIN_SPILL_SIZE)
        .policy(policy).store(storeName).spillDir(spillDir)
        .option(InMemorySpillStore.ID_OPTION, id).option(RecordingPolicyProvider.ID_OPTION, id)
        .option(StoredBytes.OWN_FILES_OPTION, StoredBytes.OWN_FILES) // so that FileView counts the copies
        .build();
    Map<String, Model> model = new TreeMap<>();
    try {
      try (SpillManager manager = Spillway.newManager(config)) {
        StoreView store = storeName.equals("file") ? new FileView(spillDir) : new MemoryView(id);
        int step = 0;
        for (Op op : ops) {
          step++;
          apply(manager, model, op, step);
          check(manager, store, model);
        }
        if (policy.equals(RecordingPolicyProvider.NAME)) {
          assertThat(RecordingPolicyProvider.session(id).violations()).isEmpty();
        }
      }
      try (Stream<Path> left = Files.walk(spillDir)) {
        assertThat(left.filter(Files::isRegularFile)).as("files left after close").isEmpty();
      }
    } finally {
      deleteRecursively(spillDir);
    }
  }

  /** What the store holds, as far as the test can see it. */
  interface StoreView {
    /** Checks that the store holds a copy of exactly the {@code spilled} segments. */
    void assertHoldsExactly(Set<String> spilled) throws IOException;
  }

  /** The in-memory store: its keys are the segment names. */
  static final class MemoryView implements StoreView {
    private final InMemorySpillStore store;

    MemoryView(String id) {
      this.store = InMemorySpillStore.session(id);
    }

    @Override
    public void assertHoldsExactly(Set<String> spilled) {
      assertThat(store.keys()).as("keys in the store").isEqualTo(spilled);
    }
  }

  /** The file store: one {@code .spill} file per spilled segment, somewhere under the spill directory. */
  static final class FileView implements StoreView {
    private final Path spillDir;

    FileView(Path spillDir) {
      this.spillDir = spillDir;
    }

    @Override
    public void assertHoldsExactly(Set<String> spilled) throws IOException {
      try (Stream<Path> files = Files.walk(spillDir)) {
        assertThat(files.filter(p -> p.getFileName().toString().endsWith(".log")).count())
            .as("spill files under %s", spillDir).isEqualTo(spilled.size());
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  private static void apply(SpillManager manager, Map<String, Model> model, Op op, int step) {
    String name = op.segment();
    Model m = model.get(name);
    switch (op.kind()) {
      case REGISTER:
        manager.registerSegment(name, op.size());
        model.put(name, new Model(op.size()));
        break;
      case RESIZE:
        if (m == null) {
          assertThatThrownBy(() -> manager.updateSize(name, op.size())).isInstanceOf(SegmentNotFoundException.class);
        } else {
          manager.updateSize(name, op.size());
          m.size = op.size();
        }
        break;
      case ACCESS:
        manager.access(name);
        if (m != null) {
          m.accesses++;
        }
        break;
      case SPILL:
        spill(manager, model, name, data(step, op.dataLength()));
        break;
      case RELOAD:
        if (m == null) {
          assertThatThrownBy(() -> manager.reload(name)).isInstanceOf(SegmentNotFoundException.class);
        } else {
          Optional<byte[]> back = manager.reload(name);
          if (m.spilled) {
            assertThat(back).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(m.data));
            m.spilled = false;
            m.data = null;
          } else {
            assertThat(back).isEmpty();
          }
        }
        break;
      case UNREGISTER:
        assertThat(manager.unregisterSegment(name)).isEqualTo(m != null);
        model.remove(name);
        break;
      case NEEDS_SPILL:
        checkVictims(manager.needsSpill(), model);
        break;
      case SPILL_VICTIMS: {
        List<String> victims = manager.needsSpill();
        checkVictims(victims, model);
        for (String victim : victims) {
          spill(manager, model, victim, data(step, op.dataLength()));
        }
        if (!victims.isEmpty()) {
          boolean eligibleLeft = model.values().stream().anyMatch(v -> !v.spilled && v.size >= MIN_SPILL_SIZE);
          assertThat(manager.memoryUsage() <= TARGET || !eligibleLeft)
              .as("after spilling the victims usage %d is at most the target %d, or nothing eligible is left",
                  manager.memoryUsage(), TARGET)
              .isTrue();
        }
        break;
      }
      case CLEANUP:
        manager.cleanup();
        model.values().removeIf(v -> v.spilled);
        break;
      default:
        throw new AssertionError(op);
    }
  }

  private static void spill(SpillManager manager, Map<String, Model> model, String name, byte[] data) {
    Model m = model.get(name);
    if (m == null) {
      assertThatThrownBy(() -> manager.spill(name, data)).isInstanceOf(SegmentNotFoundException.class);
    } else if (m.spilled) {
      assertThatThrownBy(() -> manager.spill(name, data)).isInstanceOf(AlreadySpilledException.class);
    } else {
      assertThat(manager.spill(name, data)).isNotNull();
      m.spilled = true;
      m.data = data;
    }
  }

  /** needsSpill's contract, against the model as it was when it was asked. */
  private static void checkVictims(List<String> victims, Map<String, Model> model) {
    long usage = residentTotal(model);
    if (usage < THRESHOLD || usage - TARGET <= 0) {
      assertThat(victims).as("below the threshold (usage %d)", usage).isEmpty();
      return;
    }
    long toFree = usage - TARGET;
    assertThat(new HashSet<>(victims)).as("distinct victims").hasSameSizeAs(victims);
    long freed = 0;
    for (int i = 0; i < victims.size(); i++) {
      Model m = model.get(victims.get(i));
      assertThat(m).as("victim %s is registered", victims.get(i)).isNotNull();
      assertThat(m.spilled).as("victim %s is resident", victims.get(i)).isFalse();
      assertThat(m.size).as("victim %s has the minimum size", victims.get(i)).isGreaterThanOrEqualTo(MIN_SPILL_SIZE);
      assertThat(freed).as("no victim is added once enough is freed").isLessThan(toFree);
      freed += m.size;
    }
    long eligibleTotal = model.values().stream().filter(v -> !v.spilled && v.size >= MIN_SPILL_SIZE)
        .mapToLong(v -> v.size).sum();
    assertThat(freed).as("victims free enough, or are all that is eligible")
        .isEqualTo(freed >= toFree ? freed : eligibleTotal);
  }

  private static void check(SpillManager manager, StoreView store, Map<String, Model> model) throws IOException {
    assertThat(manager.memoryUsage()).as("memory usage").isEqualTo(residentTotal(model));
    List<SegmentInfo> listed = manager.listSegments();
    List<String> expected = new ArrayList<>();
    model.forEach((name, m) -> expected.add(name + " " + m.size + " " + m.spilled + " " + m.accesses));
    List<String> actual = new ArrayList<>();
    for (SegmentInfo info : listed) {
      actual.add(info.name() + " " + info.size() + " " + info.spilled() + " " + info.accessCount());
      assertThat(info.location() != null).as("location of %s", info.name()).isEqualTo(info.spilled());
    }
    assertThat(actual).as("listSegments").isEqualTo(expected);
    Set<String> spilled = new TreeSet<>();
    model.forEach((name, m) -> {
      if (m.spilled) {
        spilled.add(name);
      }
    });
    for (String name : NAMES) {
      assertThat(manager.isSpilled(name)).as("isSpilled(%s)", name).isEqualTo(spilled.contains(name));
    }
    store.assertHoldsExactly(spilled);
    SpillStats stats = manager.stats();
    assertThat(stats.segmentCount()).as("segmentCount").isEqualTo(model.size());
    assertThat(stats.spilledCount()).as("spilledCount").isEqualTo(spilled.size());
    assertThat(stats.memoryUsage()).isEqualTo(residentTotal(model));
  }

  private static long residentTotal(Map<String, Model> model) {
    return model.values().stream().filter(m -> !m.spilled).mapToLong(m -> m.size).sum();
  }

  private static byte[] data(int step, int length) {
    byte[] data = new byte[length];
    for (int i = 0; i < length; i++) {
      data[i] = (byte) (step * 31 + i);
    }
    return data;
  }
}
