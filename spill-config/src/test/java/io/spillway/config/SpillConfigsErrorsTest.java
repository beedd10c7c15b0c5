package io.spillway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.core.keys.EnvironmentKeyProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each way a source can be wrong fails with a message that names the source, the key and what was expected. */
class SpillConfigsErrorsTest {
  @TempDir Path dir;

  private static AbstractThrowableAssert<?, ? extends Throwable> assertYaml(String yaml) {
    return assertThatThrownBy(() -> SpillConfigs.fromYaml(yaml)).isInstanceOf(SpillConfigurationException.class);
  }

  @Test
  void fromFile_unknownKey_namesFileKeyNearestKeyAndLine() throws IOException {
    Path file = Files.writeString(dir.resolve("spillway.yaml"), "maxMemory: 1g\nmaxMemroy: 2g\n");
    assertThatThrownBy(() -> SpillConfigs.fromFile(file)).isInstanceOf(SpillConfigurationException.class)
        .hasMessage(file + ": unknown key 'maxMemroy' (did you mean 'maxMemory'?) (line 2)");
  }

  @ParameterizedTest
  @CsvSource({
      "spilThreshold, spillThreshold",
      "max-memory, maxMemory",
      "MAXMEMORY, maxMemory",
      "file.logFileSiz, file.logFileSize",
      "file.appendfiles, file.appendFiles",
      "s3.bukket, s3.bucket",
      "zstd.levle, zstd.level",
      "encryption.keyFiel, encryption.keyFile",
      "encryption.keyProvder, encryption.keyProvider",
      "tiered.primaryQuote, tiered.primaryQuota",
      "policy.reloadLatncyNanos, policy.reloadLatencyNanos",
  })
  void fromYaml_unknownKeyOrOptionKey_namesTheNearestValidKey(String wrong, String nearest) {
    assertYaml(wrong + ": 1").hasMessage("YAML text: unknown key '" + wrong + "' (did you mean '" + nearest
        + "'?) (line 1)");
  }

  @Test
  void fromYaml_optionOfAPluginNotOnTheClassPath_saysSo() {
    assertYaml("s4.bucket: b").hasMessage("YAML text: unknown key 's4.bucket' (did you mean 's3.bucket'?) (line 1);"
        + " no plugin on the class path reads options under 's4.'");
  }

  @Test
  void fromYaml_policyReloadCost_isAnOptionOfTheAdaptivePolicy() {
    SpillConfig config = SpillConfigs.fromYaml("policy: adaptive\npolicy.reloadLatencyNanos: 20000000\n"
        + "policy.reloadBytesPerSecond: 67108864").build();

    assertThat(config.policy()).hasValue("adaptive");
    assertThat(config.options()).containsEntry("policy.reloadLatencyNanos", "20000000")
        .containsEntry("policy.reloadBytesPerSecond", "67108864");
  }

  @Test
  void load_policyReloadCostFromTheEnvironment_mapsOntoTheOption() {
    SpillConfig config = SpillConfigs.load(null, new Properties(),
        Map.of("SPILLWAY_POLICY_RELOAD_LATENCY_NANOS", "5000000")).build();

    assertThat(config.options()).containsEntry("policy.reloadLatencyNanos", "5000000");
  }

  @Test
  void fromYaml_keyUnderAnUndeclaredPluginsNamespace_passesThrough() {
    assertThat(SpillConfigs.fromYaml("undeclared: {whatever: 1, deep.er: two}").build().options())
        .containsEntry("undeclared.whatever", "1").containsEntry("undeclared.deep.er", "two");
  }

  @Test
  void fromYaml_namespaceNobodyOwns_isUnknown() {
    assertYaml("nosuchplugin.key: 1").hasMessageStartingWith("YAML text: unknown key 'nosuchplugin.key'");
    assertYaml("colour: red").hasMessageStartingWith("YAML text: unknown key 'colour' (did you mean");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "spillThreshold: high | key 'spillThreshold': expected a number between 0 and 1, got 'high' (line 1)",
      "spillThreshold: 1.5 | key 'spillThreshold': expected a number between 0 and 1, got '1.5'",
      "spillThreshold: NaN | key 'spillThreshold': expected a number between 0 and 1, got 'NaN'",
      "targetAfterSpill: -0.1 | key 'targetAfterSpill': expected a number between 0 and 1, got '-0.1'",
      "accessDecay: 0 | key 'accessDecay': expected a number above 0 and at most 1, got '0'",
      "maxMemory: 5 bananas | key 'maxMemory': expected a size such as 536870912, 512MiB or 2g",
      "maxMemory: 512MB | key 'maxMemory': expected a size",
      "maxMemory: 1.5g | key 'maxMemory': expected a size",
      "maxMemory: -1 | key 'maxMemory': expected a size",
      "maxMemory: 0 | key 'maxMemory': maxMemory must be positive, was 0",
      "maxMemory: 99999999999t | key 'maxMemory': expected a size",
      "minSpillSize: true | key 'minSpillSize': expected a size",
      "ioThreads: 0 | key 'ioThreads': expected a whole number of 1 or more, got '0'",
      "ioThreads: 2.5 | key 'ioThreads': expected a whole number of 1 or more, got '2.5'",
      "frameVersion: 4 | key 'frameVersion': expected 2 or 3, got '4'",
      "encryption: aes | key 'encryption': expected none or aes-gcm, got 'aes'",
      "fsync: yes | key 'fsync': expected true or false, got 'yes'",
      "spillMode: async | key 'spillMode': expected background or synchronous, got 'async'",
      "maxBlock: 30 | key 'maxBlock': expected a duration such as 30s, 250ms, 5m, 1h, 1d or PT30S, got '30'",
      "maxBlock: 30 sec | key 'maxBlock': expected a duration",
      "maxBlock: PT-5S | key 'maxBlock': maxBlock must not be negative, was PT-5S",
      "maxStoreBytes: lots | key 'maxStoreBytes': expected a size such as 536870912, 512MiB or 2g",
      "persistentSession: a/b | key 'persistentSession': persistentSession must be 1 to 64 characters",
      "policy: '  ' | key 'policy': expected a name, got '  '",
  })
  void fromYaml_badValue_namesItsKeyAndWhatWasExpected(String yaml, String message) {
    assertYaml(yaml).hasMessageStartingWith("YAML text: " + message);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "spillThreshold: [1, 2] | key 'spillThreshold': expected a number between 0 and 1, got a list (line 1)",
      "maxMemory: | key 'maxMemory': expected a size such as 536870912",
      "maxMemory: ~ | key 'maxMemory': expected a size such as 536870912",
      "maxMemory: {value: 1} | key 'maxMemory': expected a size such as 536870912, 512MiB or 2g (B, KiB, MiB, GiB,"
          + " TiB or k, m, g, t: powers of 1024), got a mapping (line 1)",
      "file.appendFiles: [1] | key 'file.appendFiles': expected a single value, got a list (line 1)",
      "s3: {bucket: ~} | key 's3.bucket': expected a single value, got no value (line 1)",
      "spillDirs: [[/a]] | key 'spillDirs': expected a list of single values, got a list in it",
      "spillDirs: [] | key 'spillDirs': expected a list of directory paths",
  })
  void fromYaml_valueOfTheWrongShape_namesItsKey(String yaml, String message) {
    assertYaml(yaml).hasMessageStartingWith("YAML text: " + message);
  }

  @Test
  void fromYaml_builderRefusals_nameTheKey() {
    assertYaml("spillDirs: [/a, /a]").hasMessage("YAML text: key 'spillDirs': spillDirs names /a twice (line 1)");
    assertYaml("spillDir: /a\nspillDirs: [/b]").hasMessageStartingWith("YAML text: key 'spillDirs': spillDir was"
        + " already set; give spillDir or spillDirs, not both");
    assertYaml("frameVersion: 2\ncompression: lz4").hasMessage("YAML text: the settings do not go together:"
        + " compression 'lz4' needs frame version 3; v2 frames carry none");
  }

  @Test
  void fromYaml_keyGivenTwice_flatOrNested_failsNamingBothLines() {
    assertYaml("maxMemory: 1g\nmaxMemory: 2g").hasMessage("YAML text: key 'maxMemory' given twice (lines 1 and 2)");
    assertYaml("s3.bucket: a\ns3:\n  bucket: b").hasMessage("YAML text: key 's3.bucket' given twice (lines 1 and 3)");
    assertThatThrownBy(() -> SpillConfigs.fromProperties("maxMemory=1g\nmaxMemory=2g"))
        .hasMessage("properties text: key 'maxMemory' given twice");
  }

  @Test
  void fromFile_emptyMissingOrUnknownFormat_failsNamingThePath() throws IOException {
    for (String name : new String[] {"empty.yaml", "empty.json", "empty.properties"}) {
      Path empty = Files.writeString(dir.resolve(name), name.endsWith(".json") ? " \n" : "# nothing yet\n");
      assertThatThrownBy(() -> SpillConfigs.fromFile(empty)).isInstanceOf(SpillConfigurationException.class)
          .hasMessageStartingWith(empty + ": empty; expected");
    }
    Path missing = dir.resolve("missing.yaml");
    assertThatThrownBy(() -> SpillConfigs.fromFile(missing)).isInstanceOf(SpillConfigurationException.class)
        .hasMessageStartingWith(missing + ": no such config file");
    Path toml = Files.writeString(dir.resolve("spillway.toml"), "maxMemory = '1g'");
    assertThatThrownBy(() -> SpillConfigs.fromFile(toml)).isInstanceOf(SpillConfigurationException.class)
        .hasMessage(toml + ": unknown format; name the file *.yaml, *.yml, *.json or *.properties");
    Path folder = Files.createDirectory(dir.resolve("folder.yaml"));
    assertThatThrownBy(() -> SpillConfigs.fromFile(folder)).hasMessageContaining("a directory");
    Path latin1 = Files.write(dir.resolve("latin1.yaml"), "policy: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> SpillConfigs.fromFile(latin1)).hasMessageStartingWith(latin1 + ": not UTF-8 text");
  }

  @Test
  void fromFile_malformedYamlOrJson_namesTheLine() throws IOException {
    Path yaml = Files.writeString(dir.resolve("bad.yaml"), "maxMemory: 1g\nstore: [file\npolicy: lru\n");
    assertThatThrownBy(() -> SpillConfigs.fromFile(yaml)).isInstanceOf(SpillConfigurationException.class)
        .hasMessageStartingWith(yaml + ": malformed YAML at line ");
    Path tabs = Files.writeString(dir.resolve("tabs.yaml"), "maxMemory: 1g\n  store: file\n");
    assertThatThrownBy(() -> SpillConfigs.fromFile(tabs)).hasMessageStartingWith(tabs + ": malformed YAML at line 2");
    Path json = Files.writeString(dir.resolve("bad.json"), "{\n  \"maxMemory\": \"1g\",\n  \"store\" \"file\"\n}");
    assertThatThrownBy(() -> SpillConfigs.fromFile(json)).isInstanceOf(SpillConfigurationException.class)
        .hasMessageStartingWith(json + ": malformed JSON at line 3");
  }

  @Test
  void fromYaml_notAMappingOrSeveralDocuments_fails() {
    assertYaml("- maxMemory: 1g").hasMessageStartingWith("YAML text: expected a mapping of settings");
    assertYaml("just text").hasMessageStartingWith("YAML text: expected a mapping of settings");
    assertYaml("maxMemory: 1g\n---\nstore: file\n").hasMessageStartingWith("YAML text: more than one document");
  }

  @Test
  void fromSystemProperties_unknownKey_namesThePropertyAndTheNearest() {
    Properties properties = new Properties();
    properties.setProperty("spillway.maxMemroy", "1g");
    assertThatThrownBy(() -> SpillConfigs.fromSystemProperties(properties))
        .isInstanceOf(SpillConfigurationException.class)
        .hasMessage("system properties: unknown key 'spillway.maxMemroy' (did you mean 'spillway.maxMemory'?)");
    properties.clear();
    properties.setProperty("spillway.spillThreshold", "high");
    assertThatThrownBy(() -> SpillConfigs.fromSystemProperties(properties)).hasMessage("system properties: key "
        + "'spillway.spillThreshold': expected a number between 0 and 1, got 'high'");
  }

  @Test
  void fromEnvironment_unknownVariableOrBadValue_namesTheVariable() {
    assertThatThrownBy(() -> SpillConfigs.fromEnvironment(Map.of("SPILLWAY_MAX_MEMROY", "1g")))
        .isInstanceOf(SpillConfigurationException.class)
        .hasMessage("environment: unknown key 'SPILLWAY_MAX_MEMROY' (did you mean 'SPILLWAY_MAX_MEMORY'?)");
    assertThatThrownBy(() -> SpillConfigs.fromEnvironment(Map.of("SPILLWAY_FILE_LOG_FILE_SIZ", "1g")))
        .hasMessage("environment: unknown key 'SPILLWAY_FILE_LOG_FILE_SIZ' (did you mean "
            + "'SPILLWAY_FILE_LOG_FILE_SIZE'?)");
    assertThatThrownBy(() -> SpillConfigs.fromEnvironment(Map.of("SPILLWAY_MAX_MEMORY", "lots")))
        .hasMessageStartingWith("environment: key 'SPILLWAY_MAX_MEMORY': expected a size");
  }

  @Test
  void fromEnvironment_keyVariables_areNeverReadAsSettings() {
    assertThat(SpillConfigs.ENCRYPTION_KEY_VARIABLE).isEqualTo(EnvironmentKeyProvider.DEFAULT_VARIABLE);
    Map<String, String> environment = Map.of("SPILLWAY_ENCRYPTION_KEY", "00".repeat(32),
        "SPILLWAY_ENCRYPTION_KEY_VARIABLE", "SPILLWAY_ORDERS_KEY", "SPILLWAY_ORDERS_KEY", "11".repeat(32));
    assertThat(SpillConfigs.fromEnvironment(environment).build().options())
        .containsExactly(Map.entry("encryption.keyVariable", "SPILLWAY_ORDERS_KEY"));
  }

  @Test
  void errors_neverShowAnOptionsValue() {
    // Option values may be secrets (s3.secretAccessKey); only keys and the settings' own values are shown.
    assertYaml("s3.secretAccessKy: hunter2").satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    assertYaml("s3.secretAccessKey: [hunter2]").satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
  }
}
