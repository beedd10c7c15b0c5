package io.spillway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SizesTest {
  @Test
  void format_usesBinaryUnitsWithOneDecimal() {
    assertThat(Sizes.format(0)).isEqualTo("0 B");
    assertThat(Sizes.format(1023)).isEqualTo("1023 B");
    assertThat(Sizes.format(1536)).isEqualTo("1.5 KiB");
    assertThat(Sizes.format(20L << 20)).isEqualTo("20.0 MiB");
    assertThat(Sizes.format(3L << 40)).isEqualTo("3.0 TiB");
    assertThat(Sizes.format(Long.MAX_VALUE)).isEqualTo("8.0 EiB");
  }
}
