package io.spillway.store.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link S3SpillStoreProvider#optionKeys()}, which configuration tools trust to refuse a misspelt key, is exactly
 * the {@code s3.*} key constants of {@link S3StoreSettings}, and each is read.
 */
class S3OptionKeysTest {
  private static final Set<String> DECLARED = new S3SpillStoreProvider().optionKeys();
  /** Keys whose value is free text, checked by the server (the bucket is read: without it, reading fails). */
  private static final Set<String> FREE_TEXT =
      Set.of(S3StoreSettings.BUCKET, S3StoreSettings.PREFIX, S3StoreSettings.REGION);

  private static Set<String> keyConstants() {
    return Arrays.stream(S3StoreSettings.class.getFields())
        .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == String.class)
        .map(S3OptionKeysTest::value).filter(v -> v.startsWith("s3.")).collect(Collectors.toSet());
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
    assertThat(new TreeSet<>(DECLARED)).isNotEmpty().isEqualTo(new TreeSet<>(keyConstants()));
  }

  @Test
  void optionKeys_eachIsRead_aBadValueFailsNamingIt() {
    Set<String> notRead = new TreeSet<>();
    for (String key : DECLARED) {
      SpillConfig.Builder builder = SpillConfig.builder().store("s3");
      if (!key.equals(S3StoreSettings.BUCKET)) {
        builder.option(S3StoreSettings.BUCKET, "b");
      }
      SpillConfig config = builder.option(key, "not valid!").build();
      try {
        S3StoreSettings.from(config);
        notRead.add(key);
      } catch (SpillConfigurationException e) {
        assertThat(e).as(key).hasMessageContaining(key);
      }
    }
    assertThat(notRead).as("keys a bad value of which goes unnoticed: free text only").isEqualTo(FREE_TEXT);
    SpillConfig noBucket = SpillConfig.builder().store("s3").build();
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> S3StoreSettings.from(noBucket)))
        .isInstanceOf(SpillConfigurationException.class).hasMessageContaining(S3StoreSettings.BUCKET);
  }
}
