package io.spillway.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SegmentIdsTest {

  @Test
  void add_givesDenseIdsFromZero_andFindAndSegmentAgreeWithThem() {
    SegmentIds ids = new SegmentIds();

    assertThat(ids.add("a")).isZero();
    assertThat(ids.add("b")).isEqualTo(1);
    assertThat(ids.add("c")).isEqualTo(2);

    assertThat(ids.find("b")).isEqualTo(1);
    assertThat(ids.find("d")).isEqualTo(SegmentIds.NONE);
    assertThat(ids.segment(2)).isEqualTo("c");
    assertThat(ids.size()).isEqualTo(3);
    assertThat(ids.limit()).isEqualTo(3);
  }

  @Test
  void remove_freesTheId_andTheMostRecentlyFreedIsReusedFirst() {
    SegmentIds ids = new SegmentIds();
    for (String name : new String[] {"a", "b", "c", "d"}) {
      ids.add(name);
    }

    assertThat(ids.remove("b")).isEqualTo(1);
    assertThat(ids.remove("d")).isEqualTo(3);
    assertThat(ids.remove("d")).isEqualTo(SegmentIds.NONE);

    assertThat(ids.segment(1)).isNull();
    assertThat(ids.find("b")).isEqualTo(SegmentIds.NONE);
    assertThat(ids.add("e")).isEqualTo(3);
    assertThat(ids.add("f")).isEqualTo(1);
    assertThat(ids.add("g")).isEqualTo(4);
    assertThat(ids.limit()).isEqualTo(5);
    assertThat(ids.size()).isEqualTo(5);
  }

  @Test
  void add_ofANameWithAnId_isRefusedAndChangesNothing() {
    SegmentIds ids = new SegmentIds();
    ids.add("a");

    assertThatThrownBy(() -> ids.add(new String("a"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a");
    assertThat(ids.size()).isEqualTo(1);
    assertThat(ids.find("a")).isZero();
  }

  @Test
  void segment_ofAnIdNeverGivenOrOutOfRange_isNull() {
    SegmentIds ids = new SegmentIds();
    ids.add("a");

    assertThat(ids.segment(-1)).isNull();
    assertThat(ids.segment(1)).isNull();
    assertThat(ids.segment(ids.capacity())).isNull();
    assertThat(ids.segment(Integer.MAX_VALUE)).isNull();
  }

  @Test
  void requireInUse_passesAnIdInUse_andRefusesAFreedOrUnknownOneByNumber() {
    SegmentIds ids = new SegmentIds();
    ids.add("a");
    int b = ids.add("b");
    ids.remove("a");

    assertThat(ids.requireInUse(b)).isEqualTo(b);
    assertThatThrownBy(() -> ids.requireInUse(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("handle 0");
    assertThatThrownBy(() -> ids.requireInUse(7)).isInstanceOf(IllegalArgumentException.class);
    assertThat(SegmentIds.NONE).isEqualTo(SpillPolicy.NO_HANDLE);
  }

  @Test
  void capacity_growsThroughArrayCapacity_andAlwaysCoversEveryIdGiven() {
    SegmentIds ids = new SegmentIds();
    int capacity = ids.capacity();
    assertThat(capacity).isEqualTo(ArrayCapacity.initial());

    for (int i = 0; i < 10_000; i++) {
      int id = ids.add("segment-" + i);
      assertThat(id).isLessThan(ids.capacity());
      if (ids.capacity() != capacity) {
        assertThat(ids.capacity()).isEqualTo(ArrayCapacity.grown(capacity));
        capacity = ids.capacity();
      }
    }
    assertThat(capacity).isLessThan(2 * 10_000 + 8);
  }

  /** A model check: random adds and removes over few names (long probe runs, many backward shifts). */
  @Test
  void randomOperations_matchAModelOfNamesIdsAndFreedIds() {
    SegmentIds ids = new SegmentIds();
    Map<String, Integer> model = new HashMap<>();
    Deque<Integer> freed = new ArrayDeque<>();
    int limit = 0;
    Random random = new Random(11);
    for (int step = 0; step < 300_000; step++) {
      // Numbered names whose hashes differ only in their last characters, the case the spreading is there for.
      String name = "segment-" + random.nextInt(3_000);
      if (random.nextBoolean()) {
        if (model.containsKey(name)) {
          continue;
        }
        int expected = freed.isEmpty() ? limit++ : freed.pop();
        assertThat(ids.add(name)).isEqualTo(expected);
        model.put(name, expected);
      } else {
        Integer expected = model.remove(name);
        assertThat(ids.remove(name)).isEqualTo(expected == null ? SegmentIds.NONE : expected);
        if (expected != null) {
          freed.push(expected);
        }
      }
    }
    assertThat(ids.size()).isEqualTo(model.size());
    assertThat(ids.limit()).isEqualTo(limit);
    Set<String> named = new HashSet<>();
    for (int id = 0; id < ids.limit(); id++) {
      String name = ids.segment(id);
      if (name != null) {
        assertThat(model.get(name)).isEqualTo(id);
        named.add(name);
      }
    }
    assertThat(named).isEqualTo(model.keySet());
    for (Map.Entry<String, Integer> entry : model.entrySet()) {
      assertThat(ids.find(entry.getKey())).isEqualTo(entry.getValue());
    }
  }
}
