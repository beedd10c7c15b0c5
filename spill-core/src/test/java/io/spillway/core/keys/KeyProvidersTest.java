package io.spillway.core.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.api.spi.SpillKeyProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyProvidersTest {
  private static final byte[] KEY = new byte[32];

  static {
    new SplittableRandom(7).nextBytes(KEY);
    KEY[0] = (byte) 0x80; // not printable: raw bytes are never taken for text
  }

  @TempDir
  Path temp;

  private static SpillConfig options(String... keysAndValues) {
    SpillConfig.Builder builder = SpillConfig.builder();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      builder.option(keysAndValues[i], keysAndValues[i + 1]);
    }
    return builder.build();
  }

  private Path keyFile(byte[] content) throws IOException {
    Path file = temp.resolve("spill.key");
    Files.write(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  @Test
  void serviceLoader_findsBothBundledProviders() {
    List<String> names = ServiceLoader.load(SpillKeyProvider.class).stream().map(p -> p.get().name()).toList();

    assertThat(names).contains("key-file", "env");
  }

  @Test
  void keyFile_readsRawHexAndBase64Keys() throws IOException {
    KeyFileKeyProvider provider = new KeyFileKeyProvider();
    for (byte[] content : List.of(KEY, HexFormat.of().formatHex(KEY).getBytes(StandardCharsets.US_ASCII),
        (Base64.getEncoder().encodeToString(KEY) + "\n").getBytes(StandardCharsets.US_ASCII),
        Base64.getUrlEncoder().encodeToString(KEY).getBytes(StandardCharsets.US_ASCII))) {
      Path file = keyFile(content);

      var key = provider.key("session", options(KeyFileKeyProvider.KEY_FILE, file.toString()));

      assertThat(key.getAlgorithm()).isEqualTo("AES");
      assertThat(key.getEncoded()).isEqualTo(KEY);
    }
  }

  @Test
  void keyFile_readableByOthers_isRefusedNamingThePermissions() throws IOException {
    Path file = keyFile(KEY);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(() -> new KeyFileKeyProvider().key("s", options(KeyFileKeyProvider.KEY_FILE,
        file.toString()))).isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining("GROUP_READ").hasMessageContaining("chmod 600");
  }

  @Test
  void keyFile_missingOptionShortKeyOrGarbage_failsNamingTheOptionNeverTheBytes() throws IOException {
    KeyFileKeyProvider provider = new KeyFileKeyProvider();
    assertThatThrownBy(() -> provider.key("s", options())).isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining(KeyFileKeyProvider.KEY_FILE);

    String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
    Path file = keyFile(shortKey.getBytes(StandardCharsets.US_ASCII));
    assertThatThrownBy(() -> provider.key("s", options(KeyFileKeyProvider.KEY_FILE, file.toString())))
        .isInstanceOf(SpillConfigurationException.class).hasMessageContaining("16 bytes")
        .hasMessageNotContaining(shortKey);

    Path garbage = keyFile("not a key at all!".getBytes(StandardCharsets.US_ASCII));
    assertThatThrownBy(() -> provider.key("s", options(KeyFileKeyProvider.KEY_FILE, garbage.toString())))
        .isInstanceOf(SpillConfigurationException.class).hasMessageContaining(KeyFileKeyProvider.KEY_FILE)
        .hasMessageNotContaining("not a key");

    assertThatThrownBy(() -> provider.key("s", options(KeyFileKeyProvider.KEY_FILE,
        temp.resolve("absent").toString()))).isInstanceOf(IOException.class);
  }

  @Test
  void env_readsTheDefaultOrTheNamedVariable() {
    String hex = HexFormat.of().formatHex(KEY);
    Map<String, String> environment = Map.of(EnvironmentKeyProvider.DEFAULT_VARIABLE, hex,
        "APP_KEY", Base64.getEncoder().encodeToString(KEY));
    EnvironmentKeyProvider provider = new EnvironmentKeyProvider(environment::get);

    assertThat(provider.key("s", options()).getEncoded()).isEqualTo(KEY);
    assertThat(provider.key("s", options(EnvironmentKeyProvider.KEY_VARIABLE, "APP_KEY")).getEncoded())
        .isEqualTo(KEY);
  }

  @Test
  void env_unsetOrMalformed_failsNamingTheVariable() {
    EnvironmentKeyProvider unset = new EnvironmentKeyProvider(name -> null);
    assertThatThrownBy(() -> unset.key("s", options())).isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining(EnvironmentKeyProvider.DEFAULT_VARIABLE);

    EnvironmentKeyProvider wrong = new EnvironmentKeyProvider(name -> "0123456789abcdef");
    assertThatThrownBy(() -> wrong.key("s", options())).isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining(EnvironmentKeyProvider.DEFAULT_VARIABLE).hasMessageNotContaining("0123456789abcdef");
  }
}
