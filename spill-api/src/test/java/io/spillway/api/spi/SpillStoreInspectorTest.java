package io.spillway.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillStoreInspector.Kind;
import io.spillway.api.spi.SpillStoreInspector.Owner;
import io.spillway.api.spi.SpillStoreInspector.Session;
import io.spillway.api.spi.SpillStoreInspector.Value;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The inspection SPI's defaults and records. */
class SpillStoreInspectorTest {

  @Test
  void inspect_byDefault_isUnsupportedAndNamesTheStore() {
    SpillStoreProvider provider = new SpillStoreProvider() {
      @Override
      public String name() {
        return "plain";
      }

      @Override
      public SpillStore create(SpillConfig config) {
        throw new AssertionError("not called");
      }
    };

    assertThatThrownBy(() -> provider.inspect(SpillConfig.defaults()))
        .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("'plain'")
        .hasMessageContaining("cannot be inspected");
  }

  @Test
  void session_copiesItsValuesAndSumsTheirStoredBytes() {
    List<Value> values = new ArrayList<>(List.of(new Value("a", true, 10), new Value("h-00", false, 5)));
    Session session = new Session("session-1", Kind.EPHEMERAL, "", Owner.DEAD, "pid 1", 100, values);
    values.clear();

    assertThat(session.values()).hasSize(2);
    assertThat(session.storedBytes()).isEqualTo(15);
  }

  @Test
  void value_negativeSize_isRefused() {
    assertThatThrownBy(() -> new Value("a", true, -1)).isInstanceOf(IllegalArgumentException.class);
  }
}
