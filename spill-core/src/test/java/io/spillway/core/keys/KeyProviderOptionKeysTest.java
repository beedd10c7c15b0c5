package io.spillway.core.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.api.spi.SpillKeyProvider;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key providers' {@code optionKeys()}, which configuration tools trust to refuse a misspelt key, are their
 * {@code encryption.*} key constants, and each is read.
 */
class KeyProviderOptionKeysTest {
  @TempDir Path dir;

  private static Set<String> keyConstants(Class<? extends SpillKeyProvider> type) {
    return Arrays.stream(type.getDeclaredFields())
        .filter(f -> java.lang.reflect.Modifier.isPublic(f.getModifiers()) && f.getType() == String.class)
        .map(f -> {
          try {
            return (String) f.get(null);
          } catch (IllegalAccessException e) {
            throw new AssertionError(e);
          }
        }).filter(v -> v.startsWith("encryption.")).collect(Collectors.toSet());
  }

  @Test
  void keyFile_declaresItsKeyConstants_andReadsThem() {
    KeyFileKeyProvider provider = new KeyFileKeyProvider();
    assertThat(provider.optionKeys()).isNotEmpty().isEqualTo(keyConstants(KeyFileKeyProvider.class));
    SpillConfig config = SpillConfig.builder().option(KeyFileKeyProvider.KEY_FILE, dir.resolve("none").toString())
        .build();
    assertThatThrownBy(() -> provider.key("s", config)).hasMessageContaining(dir.resolve("none").toString());
  }

  @Test
  void environment_declaresItsKeyConstants_andReadsThem() {
    EnvironmentKeyProvider provider = new EnvironmentKeyProvider(name -> null);
    assertThat(provider.optionKeys()).isNotEmpty().isEqualTo(keyConstants(EnvironmentKeyProvider.class));
    SpillConfig config = SpillConfig.builder().option(EnvironmentKeyProvider.KEY_VARIABLE, "MY_KEY").build();
    assertThatThrownBy(() -> provider.key("s", config)).isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining("MY_KEY");
  }
}
