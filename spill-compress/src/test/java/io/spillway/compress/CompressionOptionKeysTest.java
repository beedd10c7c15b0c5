package io.spillway.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import org.junit.jupiter.api.Test;

/** The codecs' {@code optionKeys()}, which configuration tools trust to refuse a misspelt key, are what they read. */
class CompressionOptionKeysTest {

  @Test
  void zstd_declaresItsLevel_andReadsIt() {
    ZstdCodecProvider zstd = new ZstdCodecProvider();
    assertThat(zstd.optionKeys()).containsExactly(ZstdCodecProvider.LEVEL_OPTION);
    SpillConfig config = SpillConfig.builder().option(ZstdCodecProvider.LEVEL_OPTION, "bogus").build();
    assertThatThrownBy(() -> zstd.create(config)).isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining(ZstdCodecProvider.LEVEL_OPTION);
  }

  @Test
  void lz4_readsNoOption() {
    assertThat(new Lz4CodecProvider().optionKeys()).isEmpty();
  }
}
