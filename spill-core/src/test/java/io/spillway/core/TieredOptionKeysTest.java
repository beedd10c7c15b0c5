package io.spillway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link TieredSpillStoreProvider#optionKeys()}, which configuration tools trust to refuse a misspelt key, is its
 * {@code tiered.*} key constants, and each is read.
 */
class TieredOptionKeysTest {

  @Test
  void optionKeys_equalTheKeyConstants() {
    Set<String> constants = Arrays.stream(TieredSpillStoreProvider.class.getFields())
        .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == String.class)
        .map(f -> {
          try {
            return (String) f.get(null);
          } catch (IllegalAccessException e) {
            throw new AssertionError(e);
          }
        }).filter(v -> v.startsWith("tiered.")).collect(Collectors.toSet());
    assertThat(new TieredSpillStoreProvider().optionKeys()).isNotEmpty().isEqualTo(constants);
  }

  @Test
  void optionKeys_eachIsRead() {
    TieredSpillStoreProvider provider = new TieredSpillStoreProvider();
    assertThatThrownBy(() -> provider.create(SpillConfig.builder().option(TieredSpillStoreProvider.PRIMARY_QUOTA,
        "1GiB").build())).isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining(TieredSpillStoreProvider.SECONDARY);
    assertThatThrownBy(() -> provider.create(SpillConfig.builder().option(TieredSpillStoreProvider.SECONDARY, "file")
        .option(TieredSpillStoreProvider.PRIMARY_QUOTA, "bogus").build()))
        .isInstanceOf(SpillConfigurationException.class).hasMessageContaining(TieredSpillStoreProvider.PRIMARY_QUOTA);
    assertThatThrownBy(() -> provider.create(SpillConfig.builder().option(TieredSpillStoreProvider.SECONDARY, "file")
        .option(TieredSpillStoreProvider.PRIMARY_QUOTA, "1GiB").option(TieredSpillStoreProvider.PRIMARY, "nosuch")
        .build())).isInstanceOf(SpillConfigurationException.class).hasMessageContaining("nosuch");
  }
}
