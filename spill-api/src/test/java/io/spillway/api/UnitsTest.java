package io.spillway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class UnitsTest {
  @Test
  void bytes_useTheLargestBinaryUnitReached() {
    assertThat(Units.bytes(0)).isEqualTo("0 B");
    assertThat(Units.bytes(1023)).isEqualTo("1023 B");
    assertThat(Units.bytes(1024)).isEqualTo("1.0 KiB");
    assertThat(Units.bytes(1536)).isEqualTo("1.5 KiB");
    assertThat(Units.bytes(40L << 20)).isEqualTo("40.0 MiB");
    assertThat(Units.bytes(512L << 20)).isEqualTo("512 MiB");
    assertThat(Units.bytes((3L << 30) + (1L << 29))).isEqualTo("3.5 GiB");
    assertThat(Units.bytes(Long.MAX_VALUE)).isEqualTo("8.0 EiB");
    assertThat(Units.bytes(-1)).isEqualTo("unknown");
  }

  @Test
  void bytes_neverPrintAHundredWithADecimal() {
    assertThat(Units.bytes(102_348)).isEqualTo("99.9 KiB");
    assertThat(Units.bytes(102_380)).isEqualTo("100 KiB");
  }

  @Test
  void durations_useNsUsMsOrSeconds() {
    assertThat(Units.duration(Duration.ZERO)).isEqualTo("0 ns");
    assertThat(Units.duration(Duration.ofNanos(850))).isEqualTo("850 ns");
    assertThat(Units.duration(Duration.ofNanos(12_340))).isEqualTo("12.3 us");
    assertThat(Units.duration(Duration.ofNanos(31_850_496))).isEqualTo("31.9 ms");
    assertThat(Units.duration(Duration.ofMillis(250))).isEqualTo("250 ms");
    assertThat(Units.duration(Duration.ofMillis(2500))).isEqualTo("2.50 s");
  }

  @Test
  void numbers_useADotWhateverTheDefaultLocale() {
    Locale before = Locale.getDefault();
    Locale.setDefault(Locale.GERMANY);
    try {
      assertThat(Units.bytes(1536)).isEqualTo("1.5 KiB");
      assertThat(Units.percent(0.078)).isEqualTo("7.8%");
    } finally {
      Locale.setDefault(before);
    }
  }
}
