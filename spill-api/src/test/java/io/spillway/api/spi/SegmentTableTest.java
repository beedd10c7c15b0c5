package io.spillway.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SegmentTableTest {
  private static final class Item extends SegmentTable.Entry {
    Item(String segment) {
      super(segment);
    }
  }

  @Test
  void addGetRemove_randomOperations_matchHashMap() {
    SegmentTable<Item> table = new SegmentTable<>();
    Map<String, Item> model = new HashMap<>();
    Random random = new Random(7);
    for (int step = 0; step < 200_000; step++) {
      String key = Integer.toString(random.nextInt(5_000));
      int op = random.nextInt(3);
      if (op == 0 && !model.containsKey(key)) {
        Item item = new Item(key);
        table.add(item);
        model.put(key, item);
      } else if (op == 1) {
        assertThat(table.remove(key)).isSameAs(model.remove(key));
      } else {
        assertThat(table.get(key)).isSameAs(model.get(key));
      }
      assertThat(table.size()).isEqualTo(model.size());
    }
    for (Map.Entry<String, Item> entry : model.entrySet()) {
      assertThat(table.get(entry.getKey())).isSameAs(entry.getValue());
    }
  }

  @Test
  void remove_collidingKeys_othersStillFound() {
    SegmentTable<Item> table = new SegmentTable<>();
    // "Aa" and "BB" have the same String hash, so they share a home slot and a probe run.
    Item aa = new Item("Aa");
    Item bb = new Item("BB");
    Item aaAa = new Item("AaAa");
    Item bbBb = new Item("BBBB");
    table.add(aa);
    table.add(bb);
    table.add(aaAa);
    table.add(bbBb);
    assertThat(table.remove("Aa")).isSameAs(aa);
    assertThat(table.get("BB")).isSameAs(bb);
    assertThat(table.get("Aa")).isNull();
    assertThat(table.remove("AaAa")).isSameAs(aaAa);
    assertThat(table.get("BBBB")).isSameAs(bbBb);
    assertThat(table.size()).isEqualTo(2);
  }

  @Test
  void add_segmentAlreadyPresent_throwsAndKeepsTheFirstNode() {
    SegmentTable<Item> table = new SegmentTable<>();
    Item first = new Item("seg");
    table.add(first);
    assertThatThrownBy(() -> table.add(new Item("seg")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("seg");
    assertThat(table.get("seg")).isSameAs(first);
    assertThat(table.size()).isEqualTo(1);
  }

  @Test
  void entry_nullSegment_isRefused() {
    assertThatThrownBy(() -> new Item(null)).isInstanceOf(NullPointerException.class);
  }
}
