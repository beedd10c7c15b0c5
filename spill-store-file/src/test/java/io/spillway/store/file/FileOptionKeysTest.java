package io.spillway.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link FileSpillStoreProvider#optionKeys()}, which configuration tools trust to refuse a misspelt key, is exactly
 * what the settings read: every {@code file.*} key constant, each of which a bad value shows is read.
 */
class FileOptionKeysTest {
  private static final Set<String> DECLARED = new FileSpillStoreProvider().optionKeys();

  private static Set<String> keyConstants() {
    return Arrays.stream(FileSpillStoreProvider.class.getFields())
        .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == String.class)
        .map(FileOptionKeysTest::value).filter(v -> v.startsWith("file.")).collect(Collectors.toSet());
  }

  private static String value(Field field) {
    try {
      return (String) field.get(null);
    } catch (IllegalAccessException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void optionKeys_equalTheKeyConstants() {
    assertThat(DECLARED).isNotEmpty().isEqualTo(keyConstants());
  }

  @Test
  void optionKeys_eachIsRead_aBadValueFailsNamingIt() {
    for (String key : DECLARED) {
      SpillConfig config = SpillConfig.builder().spillDir(Path.of("unused")).option(key, "bogus").build();
      assertThatThrownBy(() -> FileStoreSettings.from(config)).as(key)
          .isInstanceOf(SpillConfigurationException.class).hasMessageContaining(key);
    }
  }

  @Test
  void optionKeys_anUndeclaredFileKeyIsRefused() {
    SpillConfig config = SpillConfig.builder().option("file.logFileSiz", "1MiB").build();
    assertThatThrownBy(() -> FileStoreSettings.from(config)).isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining("file.logFileSiz");
  }
}
