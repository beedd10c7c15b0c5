package io.spillway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The layered {@link SpillConfigs#load(Path, Properties, Map)}: file, then environment, then system properties. */
class SpillConfigsLoadTest {
  @TempDir Path dir;

  private static Properties properties(String... keysAndValues) {
    Properties properties = new Properties();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      properties.setProperty(keysAndValues[i], keysAndValues[i + 1]);
    }
    return properties;
  }

  private Path yaml(String text) throws IOException {
    return Files.writeString(dir.resolve("spillway.yaml"), text);
  }

  @Test
  void load_keyInSeveralSources_takesTheHighest() throws IOException {
    Path file = yaml("maxMemory: 1g\nspillThreshold: 0.5\nminSpillSize: 1k\nfile.appendFiles: 1\npolicy: lru\n");
    SpillConfig config = SpillConfigs.load(file,
        properties("spillway.maxMemory", "3g", "spillway.file.appendFiles", "3"),
        Map.of("SPILLWAY_MAX_MEMORY", "2g", "SPILLWAY_SPILL_THRESHOLD", "0.6", "SPILLWAY_FILE_APPEND_FILES", "2"))
        .build();
    assertThat(config.maxMemory()).as("system property over environment over file").isEqualTo(3L << 30);
    assertThat(config.spillThreshold()).as("environment over file").isEqualTo(0.6);
    assertThat(config.minSpillSize()).as("file only").isEqualTo(1024);
    assertThat(config.policy()).hasValue("lru");
    assertThat(config.options()).containsExactly(Map.entry("file.appendFiles", "3"));
  }

  @Test
  void load_spillDirAndSpillDirs_theHigherSourceReplacesEither() throws IOException {
    Path file = yaml("spillDirs: [/a, /b]\n");
    SpillConfig fromEnvironment = SpillConfigs.load(file, new Properties(), Map.of("SPILLWAY_SPILL_DIR", "/c"))
        .build();
    assertThat(fromEnvironment.spillDirs()).containsExactly(Path.of("/c"));
    SpillConfig fromFile = SpillConfigs.load(file, new Properties(), Map.of()).build();
    assertThat(fromFile.spillDirs()).containsExactly(Path.of("/a"), Path.of("/b"));
    SpillConfig fromProperty = SpillConfigs.load(null, properties("spillway.spillDirs", "/d,/e"),
        Map.of("SPILLWAY_SPILL_DIR", "/c")).build();
    assertThat(fromProperty.spillDirs()).isEqualTo(List.of(Path.of("/d"), Path.of("/e")));
  }

  @Test
  void load_eachSourceIsCheckedWhole_evenWhereAHigherOneOverrides() throws IOException {
    Path file = yaml("maxMemory: lots\n");
    assertThatThrownBy(() -> SpillConfigs.load(file, properties("spillway.maxMemory", "1g"), Map.of()))
        .isInstanceOf(SpillConfigurationException.class)
        .hasMessageStartingWith(file + ": key 'maxMemory': expected a size");
  }

  @Test
  void load_settingsThatClashAcrossSources_nameTheSources() throws IOException {
    Path file = yaml("frameVersion: 2\n");
    assertThatThrownBy(() -> SpillConfigs.load(file, new Properties(), Map.of("SPILLWAY_COMPRESSION", "lz4")))
        .isInstanceOf(SpillConfigurationException.class)
        .hasMessage(file + ", environment: the settings do not go together: compression 'lz4' needs frame version 3;"
            + " v2 frames carry none");
  }

  @Test
  void load_keyVariableNamedInTheFile_isNotReadFromTheEnvironmentAsASetting() throws IOException {
    Path file = yaml("encryption.keyVariable: SPILLWAY_ORDERS_KEY\n");
    SpillConfig config = SpillConfigs.load(file, new Properties(), Map.of("SPILLWAY_ORDERS_KEY", "22".repeat(32)))
        .build();
    assertThat(config.options()).containsExactly(Map.entry("encryption.keyVariable", "SPILLWAY_ORDERS_KEY"));
  }

  @Test
  void load_noFile_readsPropertiesAndEnvironmentOnly() {
    SpillConfig config = SpillConfigs.load(null, properties("spillway.store", "file", "user.home", "/root"),
        Map.of("SPILLWAY_POLICY", "lru", "HOME", "/root")).build();
    assertThat(config.store()).hasValue("file");
    assertThat(config.policy()).hasValue("lru");
  }

  @Test
  void load_missingFile_failsNamingIt() {
    Path missing = dir.resolve("nope.yml");
    assertThatThrownBy(() -> SpillConfigs.load(missing, new Properties(), Map.of()))
        .hasMessageStartingWith(missing + ": no such config file");
  }
}
