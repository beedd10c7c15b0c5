package io.spillway.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NodeMapperTest {

  @Test
  void longs_isTheIdentityAndRefusesTheReservedId() {
    NodeMapper<Long> m = NodeMapper.longs();
    assertThat(m.toId(-5L, true)).isEqualTo(-5);
    assertThat(m.fromId(42)).isEqualTo(42L);
    assertThat(m.toId("x", true)).isEqualTo(NodeMapper.NO_ID);
    assertThatThrownBy(() -> m.toId(Long.MIN_VALUE, true)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void integers_isTheIdentity() {
    NodeMapper<Integer> m = NodeMapper.integers();
    assertThat(m.toId(-7, false)).isEqualTo(-7);
    assertThat(m.fromId(-7)).isEqualTo(-7);
    assertThat(m.toId(7L, false)).isEqualTo(NodeMapper.NO_ID);
  }

  @Test
  void interning_assignsOnlyWhenAskedAndMapsBack() {
    NodeMapper<String> m = NodeMapper.interning();
    assertThat(m.toId("a", false)).isEqualTo(NodeMapper.NO_ID);
    long a = m.toId("a", true);
    long b = m.toId("b", true);
    assertThat(a).isNotEqualTo(b);
    assertThat(m.toId("a", true)).isEqualTo(a);
    assertThat(m.toId("a", false)).isEqualTo(a);
    assertThat(m.fromId(b)).isEqualTo("b");
    assertThatThrownBy(() -> m.fromId(99)).isInstanceOf(IllegalArgumentException.class);
  }
}
