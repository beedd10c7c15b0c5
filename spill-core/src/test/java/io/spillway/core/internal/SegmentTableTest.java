package io.spillway.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class SegmentTableTest {

  /**
   * {@code count} names whose mixed hash has {@code home} in its low {@code bits} bits, so that in one stripe of
   * {@code 2^bits} slots they all start probing at the same slot.
   */
  static List<String> collidingNames(int bits, int home, int count) {
    List<String> names = new ArrayList<>();
    int mask = (1 << bits) - 1;
    for (int i = 0; names.size() < count; i++) {
      String name = "k" + i;
      if (SegmentTable.home(name.hashCode(), mask) == home) {
        names.add(name);
      }
    }
    return names;
  }

  @Test
  void putGetReplaceRemove_behaveAsAMapByName() {
    SegmentTable table = new SegmentTable();
    Segment a = new Segment("a", 1);
    Segment a2 = new Segment("a", 2);
    Segment b = new Segment("b", 3);

    assertThat(table.put(a)).isNull();
    assertThat(table.putIfAbsent(b)).isNull();
    assertThat(table.get("a")).isSameAs(a);
    assertThat(table.get(new String("a".toCharArray()))).as("equal, not identical, name").isSameAs(a);
    assertThat(table.get("c")).isNull();
    assertThat(table.putIfAbsent(a2)).isSameAs(a);
    assertThat(table.get("a")).as("putIfAbsent leaves the mapping").isSameAs(a);
    assertThat(table.replace(a2, new Segment("a", 4))).as("replace of an object not mapped").isFalse();
    assertThat(table.replace(a, a2)).isTrue();
    assertThat(table.get("a")).isSameAs(a2);
    assertThat(table.put(a)).isSameAs(a2);
    assertThat(table.remove(a2)).as("remove of an object no longer mapped").isFalse();
    assertThat(table.get("a")).isSameAs(a);
    assertThat(table.size()).isEqualTo(2);
    assertThat(table.remove(a)).isTrue();
    assertThat(table.get("a")).isNull();
    assertThat(table).containsExactly(b);
    table.clear();
    assertThat(table.size()).isZero();
    assertThat(table).isEmpty();
    assertThat(table.get("b")).isNull();
  }

  @Test
  void replace_refusesSegmentsOfDifferentNames() {
    SegmentTable table = new SegmentTable();
    Segment a = new Segment("a", 1);
    table.put(a);
    assertThatThrownBy(() -> table.replace(a, new Segment("b", 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a'").hasMessageContaining("'b'");
    assertThat(table.get("a")).isSameAs(a);
    assertThat(table.get("b")).isNull();
  }

  @Test
  void constructor_refusesAStripeCountNotAPowerOfTwo() {
    assertThatThrownBy(() -> new SegmentTable(3)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3");
    assertThatThrownBy(() -> new SegmentTable(0)).isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Names that all start at the last slot of an 8-slot stripe, and at one of the last slots of 16 once it grew, so
   * that probes wrap around the end and each removal shifts entries back across it.
   */
  @Test
  void collidingNames_stayReachableThroughGrowthShiftsAndShrinking() {
    SegmentTable table = new SegmentTable(1);
    List<String> names = new ArrayList<>(collidingNames(3, 7, 40));
    Map<String, Segment> mapped = new HashMap<>();
    for (String name : names) {
      Segment seg = new Segment(name, 1);
      assertThat(table.put(seg)).isNull();
      mapped.put(name, seg);
      assertAllReachable(table, mapped);
    }
    // Removed in an order unlike the insertion's, so that holes open in the middle of runs.
    java.util.Collections.shuffle(names, new Random(7));
    for (String name : names) {
      assertThat(table.remove(mapped.remove(name))).isTrue();
      assertThat(table.get(name)).isNull();
      assertAllReachable(table, mapped);
    }
    assertThat(table.size()).isZero();
  }

  @Test
  void randomOperations_matchAHashMap() {
    SegmentTable table = new SegmentTable(2);
    Map<String, Segment> model = new HashMap<>();
    Random random = new Random(42);
    for (int step = 0; step < 200_000; step++) {
      // A key range that the table grows into and shrinks out of as the mix of operations shifts.
      int range = step % 50_000 < 25_000 ? 3_000 : 60;
      String name = "n" + random.nextInt(range);
      Segment current = model.get(name);
      switch (random.nextInt(4)) {
        case 0 -> {
          Segment seg = new Segment(name, step);
          assertThat(table.put(seg)).isSameAs(current);
          model.put(name, seg);
        }
        case 1 -> {
          Segment seg = new Segment(name, step);
          assertThat(table.putIfAbsent(seg)).isSameAs(current);
          model.putIfAbsent(name, seg);
        }
        case 2 -> {
          if (current != null) {
            assertThat(table.remove(current)).isTrue();
            model.remove(name);
          } else {
            assertThat(table.remove(new Segment(name, 0))).isFalse();
          }
        }
        default -> assertThat(table.get(name)).isSameAs(current);
      }
    }
    assertThat(table.size()).isEqualTo(model.size());
    assertAllReachable(table, model);
  }

  private static void assertAllReachable(SegmentTable table, Map<String, Segment> mapped) {
    for (Map.Entry<String, Segment> entry : mapped.entrySet()) {
      assertThat(table.get(entry.getKey())).as(entry.getKey()).isSameAs(entry.getValue());
    }
    List<Segment> listed = new ArrayList<>();
    table.forEach(listed::add);
    assertThat(listed).containsExactlyInAnyOrderElementsOf(mapped.values());
    assertThat(table.size()).isEqualTo(mapped.size());
  }

  /**
   * Readers that take no lock must find every segment that stays mapped, while writers churn other names through
   * the same stripes, growing, shifting and shrinking them; an iteration must list each such segment exactly once.
   */
  @Test
  void concurrentChurn_neverHidesASegmentThatStaysMapped() throws Exception {
    SegmentTable table = new SegmentTable(4);
    List<Segment> stable = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      Segment seg = new Segment("stable-" + i, i);
      stable.add(seg);
      table.put(seg);
    }
    AtomicBoolean stop = new AtomicBoolean();
    // Each thread counts down once it has done its share, and goes on until all have, so that they overlap.
    CountDownLatch enoughWork = new CountDownLatch(4);
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<Long>> writers = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        int writer = w;
        writers.add(threads.submit(() -> {
          Random random = new Random(writer);
          long operations = 0;
          for (int bursts = 1; !stop.get(); bursts++) {
            // Bursts that grow the stripes several times over, then empty them, so that they shrink back.
            List<Segment> burst = new ArrayList<>();
            for (int i = 0; i < 5_000; i++) {
              Segment seg = new Segment("churn-" + writer + "-" + random.nextInt(1 << 20), 0);
              if (table.putIfAbsent(seg) == null) {
                burst.add(seg);
              }
            }
            for (Segment seg : burst) {
              table.remove(seg);
            }
            operations += burst.size();
            if (bursts == 20) {
              enoughWork.countDown();
            }
          }
          return operations;
        }));
      }
      Future<Long> reader = threads.submit(() -> {
        long lookups = 0;
        for (int passes = 1; !stop.get(); passes++) {
          for (Segment seg : stable) {
            if (table.get(seg.name) != seg) {
              throw new AssertionError("lost " + seg.name + " after " + lookups + " lookups");
            }
            lookups++;
          }
          if (passes == 200) {
            enoughWork.countDown();
          }
        }
        return lookups;
      });
      Future<Long> iterator = threads.submit(() -> {
        long iterations = 0;
        while (!stop.get()) {
          Set<Segment> seen = new HashSet<>();
          for (Segment seg : table) {
            if (seg.name.startsWith("stable-") && !seen.add(seg)) {
              throw new AssertionError("listed twice: " + seg.name);
            }
          }
          if (seen.size() != stable.size()) {
            throw new AssertionError("listed " + seen.size() + " of " + stable.size() + " stable segments");
          }
          if (++iterations == 100) {
            enoughWork.countDown();
          }
        }
        return iterations;
      });
      // A thread that failed never counts down: its future's exception is what the get calls below report.
      boolean allDidTheirShare = enoughWork.await(60, TimeUnit.SECONDS);
      stop.set(true);
      assertThat(reader.get(30, TimeUnit.SECONDS)).isPositive();
      assertThat(iterator.get(30, TimeUnit.SECONDS)).isPositive();
      for (Future<Long> writer : writers) {
        assertThat(writer.get(30, TimeUnit.SECONDS)).isPositive();
      }
      assertThat(allDidTheirShare).as("every thread did its share within 60 s").isTrue();
    } finally {
      stop.set(true);
      threads.shutdownNow();
    }
    assertThat(table.size()).isEqualTo(stable.size());
  }
}
