package io.spillway.core.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.verifier.QuiescentConsistencyVerifier;
import org.jetbrains.lincheck.datastructures.verifier.QuiescentConsistent;
import org.junit.jupiter.api.Test;

/**
 * Lincheck checks that the segment table is linearizable as a map from name to segment: lock-free reads against
 * locked writes that shift entries back. One stripe of eight slots and three names that all start probing at its
 * last slot, so that every operation probes a run that wraps around the end of the table and every removal but the
 * last one's shifts an entry back across it (the case where a reader's lock-free probe misses a present name and
 * must look again under the lock: with that second look removed, the model checker finds the lost read). Growth and
 * shrinking under concurrent readers are {@link SegmentTableTest}'s concern, with thousands of names.
 *
 * <p>A segment is identified by its size, a version the scenario chooses. Removal and replacement by identity
 * ({@link SegmentTable#remove}, {@link SegmentTable#replace}) are driven as {@code ConcurrentMap.remove(key,
 * value)} and {@code replace(key, old, new)} with the version as the value: look the segment up, check its version,
 * act on that object, and look again if it was replaced meanwhile. {@link SegmentTable#size} sums the stripes'
 * counts without their locks, so it is checked for quiescent consistency only, as {@code ConcurrentHashMap.size}
 * would be: a reader may find a segment whose insertion the count does not show yet.
 */
class SegmentTableLincheckTest {
  /** Three names, one home slot. */
  static final List<String> NAMES = SegmentTableTest.collidingNames(3, 7, 3);

  @Test
  void modelChecking_isLinearizable() {
    new ModelCheckingOptions().iterations(150).invocationsPerIteration(100).threads(2).actorsPerThread(3)
        .actorsBefore(5).actorsAfter(2).sequentialSpecification(ByName.class)
        .verifier(QuiescentConsistencyVerifier.class).check(Table.class);
  }

  @Test
  void stress_isLinearizable() {
    new StressOptions().iterations(10).invocationsPerIteration(500).threads(3).actorsPerThread(3)
        .actorsBefore(5).actorsAfter(2).sequentialSpecification(ByName.class)
        .verifier(QuiescentConsistencyVerifier.class).check(Table.class);
  }

  /** The table under test. */
  @Param(name = "key", gen = IntGen.class, conf = "0:2")
  @Param(name = "version", gen = IntGen.class, conf = "1:3")
  public static class Table {
    private final SegmentTable table = new SegmentTable(1);

    @Operation
    public int get(@Param(name = "key") int key) {
      Segment seg = table.get(NAMES.get(key));
      return seg == null ? 0 : (int) seg.size();
    }

    @Operation
    public int put(@Param(name = "key") int key, @Param(name = "version") int version) {
      Segment previous = table.put(new Segment(NAMES.get(key), version));
      return previous == null ? 0 : (int) previous.size();
    }

    @Operation
    public int putIfAbsent(@Param(name = "key") int key, @Param(name = "version") int version) {
      Segment previous = table.putIfAbsent(new Segment(NAMES.get(key), version));
      return previous == null ? 0 : (int) previous.size();
    }

    @Operation
    public boolean remove(@Param(name = "key") int key, @Param(name = "version") int version) {
      while (true) {
        Segment seg = table.get(NAMES.get(key));
        if (seg == null || seg.size() != version) {
          return false;
        }
        if (table.remove(seg)) {
          return true;
        }
      }
    }

    @Operation
    public boolean replace(@Param(name = "key") int key, @Param(name = "version") int version) {
      while (true) {
        Segment seg = table.get(NAMES.get(key));
        if (seg == null || seg.size() != version) {
          return false;
        }
        if (table.replace(seg, new Segment(seg.name, version % 3 + 1))) {
          return true;
        }
      }
    }

    @Operation
    @QuiescentConsistent
    public int size() {
      return table.size();
    }
  }

  /** The sequential specification: a map from key to version. */
  @Param(name = "key", gen = IntGen.class, conf = "0:2")
  @Param(name = "version", gen = IntGen.class, conf = "1:3")
  public static class ByName {
    private final Map<Integer, Integer> versions = new HashMap<>();

    @Operation
    public int get(@Param(name = "key") int key) {
      return versions.getOrDefault(key, 0);
    }

    @Operation
    public int put(@Param(name = "key") int key, @Param(name = "version") int version) {
      Integer previous = versions.put(key, version);
      return previous == null ? 0 : previous;
    }

    @Operation
    public int putIfAbsent(@Param(name = "key") int key, @Param(name = "version") int version) {
      Integer previous = versions.putIfAbsent(key, version);
      return previous == null ? 0 : previous;
    }

    @Operation
    public boolean remove(@Param(name = "key") int key, @Param(name = "version") int version) {
      return versions.remove(key, version);
    }

    @Operation
    public boolean replace(@Param(name = "key") int key, @Param(name = "version") int version) {
      return versions.replace(key, version, version % 3 + 1);
    }

    @Operation
    public int size() {
      return versions.size();
    }
  }
}
