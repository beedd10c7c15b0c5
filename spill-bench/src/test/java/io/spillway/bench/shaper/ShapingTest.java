package io.spillway.bench.shaper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ShapingTest {

  @Test
  void defaults_areTwentyMillisAndSixtyFourMiBPerSecond() {
    assertThat(Shaping.defaults()).isEqualTo(new Shaping(Duration.ofMillis(20), 64L << 20));
    assertThat(Shaping.defaults().describe()).isEqualTo("20 ms to first byte, 64 MiB/s per connection each way");
  }

  @Test
  void parse_acceptedForms() {
    assertThat(Shaping.parse("50ms", "512KiB/s")).isEqualTo(new Shaping(Duration.ofMillis(50), 512L << 10));
    assertThat(Shaping.parse("1s", "1GiB")).isEqualTo(new Shaping(Duration.ofSeconds(1), 1L << 30));
    assertThat(Shaping.parse("500us", "1048576")).isEqualTo(new Shaping(Duration.ofNanos(500_000), 1 << 20));
    assertThat(Shaping.parse("0", "8 MiB")).isEqualTo(new Shaping(Duration.ZERO, 8L << 20));
    assertThat(Shaping.parse("PT0.02S", "64mib")).isEqualTo(Shaping.defaults());
  }

  @Test
  void parse_unreadable_namesTheProperty() {
    assertThatThrownBy(() -> Shaping.parse("20", "64MiB")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Shaping.LATENCY_PROPERTY);
    assertThatThrownBy(() -> Shaping.parse("20ms", "fast")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Shaping.BANDWIDTH_PROPERTY);
  }

  @Test
  void new_outOfRange_fails() {
    assertThatThrownBy(() -> new Shaping(Duration.ofMillis(-1), 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Shaping.parse("20ms", "0")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void describe_oddValues_stayExact() {
    assertThat(new Shaping(Duration.ofNanos(1_500_000), 1000).describe())
        .isEqualTo("1.500 ms to first byte, 1000 B/s per connection each way");
  }
}
