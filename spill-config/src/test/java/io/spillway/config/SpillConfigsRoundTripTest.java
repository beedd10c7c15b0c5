package io.spillway.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillMode;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every setting the builder takes as text, given by each source, builds the configuration the builder makes from
 * the same values: compared by {@link SpillConfig#toString()} (every setting) and {@link SpillConfig#options()}
 * (which {@code toString} shows by key only).
 */
class SpillConfigsRoundTripTest {
  @TempDir Path dir;

  /** Two configurations, since spillDir excludes spillDirs, and frame version 2 compression and encryption. */
  static SpillConfig expectedA() {
    return SpillConfig.builder().maxMemory(64L << 20).spillThreshold(0.7).targetAfterSpill(0.5).minSpillSize(4096)
        .accessDecay(0.9).ioThreads(3).spillDirs(Path.of("/tmp/a"), Path.of("/tmp/b")).policy("lru").store("file")
        .checksum("crc32").frameVersion(3).encryption("aes-gcm").compression("zstd").fsync(true)
        .persistentSession("orders-1").maxStoreBytes(10L << 30).spillMode(SpillMode.SYNCHRONOUS)
        .maxBlock(Duration.ofMillis(250))
        .option("file.appendFiles", "2").option("file.logFileSize", "64MiB").option("zstd.level", "5")
        .option("s3.bucket", "b").option("encryption.keyProvider", "key-file")
        .option("encryption.keyFile", "/etc/k").option("tiered.primaryQuota", "1GiB")
        .option("undeclared.anything", "x")
        .build();
  }

  static SpillConfig expectedB() {
    return SpillConfig.builder().maxMemory(3L << 30).spillThreshold(0.9).targetAfterSpill(0.2).minSpillSize(0)
        .accessDecay(1.0).ioThreads(1).spillDir(Path.of("/var/tmp/spill")).policy("w-tinylfu").store("tiered")
        .checksum("crc32c").frameVersion(2).encryption("none").compression("none").fsync(false)
        .persistentSession("s").maxStoreBytes(Long.MAX_VALUE).spillMode(SpillMode.BACKGROUND)
        .maxBlock(Duration.ofSeconds(30)).option("tiered.secondary", "s3").build();
  }

  static final String YAML_A = String.join("\n",
      "# every setting",
      "maxMemory: 64MiB",
      "spillThreshold: 0.7",
      "targetAfterSpill: 0.5",
      "minSpillSize: 4k",
      "accessDecay: 0.9",
      "ioThreads: 3",
      "spillDirs: [/tmp/a, /tmp/b]",
      "policy: lru",
      "store: file",
      "checksum: crc32",
      "frameVersion: 3",
      "encryption: aes-gcm",
      "encryption.keyProvider: key-file",
      "encryption.keyFile: /etc/k",
      "compression: zstd",
      "fsync: true",
      "persistentSession: orders-1",
      "maxStoreBytes: 10GiB",
      "spillMode: synchronous",
      "maxBlock: 250ms",
      "file:",
      "  appendFiles: 2",
      "  logFileSize: 64MiB",
      "zstd.level: 5",
      "s3: {bucket: b}",
      "tiered:",
      "  primaryQuota: 1GiB",
      "undeclared.anything: x",
      "");

  static final String YAML_B = String.join("\n",
      "maxMemory: 3g",
      "spillThreshold: 0.9",
      "targetAfterSpill: 0.2",
      "minSpillSize: 0",
      "accessDecay: 1",
      "ioThreads: 1",
      "spillDir: /var/tmp/spill",
      "policy: w-tinylfu",
      "store: tiered",
      "tiered.secondary: s3",
      "checksum: crc32c",
      "frameVersion: 2",
      "encryption: none",
      "compression: none",
      "fsync: false",
      "persistentSession: s",
      "maxStoreBytes: unlimited",
      "spillMode: BACKGROUND",
      "maxBlock: PT30S",
      "");

  static final String JSON_A = "{\"maxMemory\": \"64MiB\", \"spillThreshold\": 0.7, \"targetAfterSpill\": 0.5,"
      + " \"minSpillSize\": 4096, \"accessDecay\": 0.9, \"ioThreads\": 3, \"spillDirs\": [\"/tmp/a\", \"/tmp/b\"],"
      + " \"policy\": \"lru\", \"store\": \"file\", \"checksum\": \"crc32\", \"frameVersion\": 3,"
      + " \"encryption\": \"aes-gcm\", \"encryption.keyProvider\": \"key-file\", \"encryption.keyFile\": \"/etc/k\","
      + " \"compression\": \"zstd\", \"fsync\": true, \"persistentSession\": \"orders-1\","
      + " \"maxStoreBytes\": \"10GiB\", \"spillMode\": \"synchronous\", \"maxBlock\": \"250ms\","
      + " \"file\": {\"appendFiles\": 2, \"logFileSize\": \"64MiB\"}, \"zstd\": {\"level\": 5},"
      + " \"s3.bucket\": \"b\", \"tiered.primaryQuota\": \"1GiB\", \"undeclared\": {\"anything\": \"x\"}}";

  /** Config A as flat keys and texts: the properties file, the system properties, the environment. */
  static Map<String, String> flatA() {
    Map<String, String> flat = new LinkedHashMap<>();
    flat.put("maxMemory", "64MiB");
    flat.put("spillThreshold", "0.7");
    flat.put("targetAfterSpill", "0.5");
    flat.put("minSpillSize", "4KiB");
    flat.put("accessDecay", "0.9");
    flat.put("ioThreads", "3");
    flat.put("spillDirs", "/tmp/a, /tmp/b");
    flat.put("policy", "lru");
    flat.put("store", "file");
    flat.put("checksum", "crc32");
    flat.put("frameVersion", "3");
    flat.put("encryption", "aes-gcm");
    flat.put("encryption.keyProvider", "key-file");
    flat.put("encryption.keyFile", "/etc/k");
    flat.put("compression", "zstd");
    flat.put("fsync", "TRUE");
    flat.put("persistentSession", "orders-1");
    flat.put("maxStoreBytes", "10g");
    flat.put("spillMode", "synchronous");
    flat.put("maxBlock", "PT0.25S");
    flat.put("file.appendFiles", "2");
    flat.put("file.logFileSize", "64MiB");
    flat.put("zstd.level", "5");
    flat.put("s3.bucket", "b");
    flat.put("tiered.primaryQuota", "1GiB");
    return flat;
  }

  private static void assertSame(SpillConfig.Builder actual, SpillConfig expected) {
    SpillConfig built = actual.build();
    // toString lists the option keys in the order given; the options map compares them and their values.
    assertThat(built.toString().replaceAll("options=\\[[^]]*]", ""))
        .isEqualTo(expected.toString().replaceAll("options=\\[[^]]*]", ""));
    assertThat(built.options()).isEqualTo(expected.options());
    assertThat(built.spillDirs()).isEqualTo(expected.spillDirs());
  }

  private static SpillConfig withoutUndeclared(SpillConfig config) {
    // The environment reaches declared keys only, so config A without its undeclared plugin's option.
    SpillConfig.Builder b = SpillConfig.builder().maxMemory(config.maxMemory()).spillThreshold(config.spillThreshold())
        .targetAfterSpill(config.targetAfterSpill()).minSpillSize(config.minSpillSize())
        .accessDecay(config.accessDecay()).ioThreads(config.ioThreads())
        .spillDirs(config.spillDirs().toArray(new Path[0])).policy(config.policy().orElseThrow())
        .store(config.store().orElseThrow()).checksum(config.checksum()).frameVersion(config.frameVersion())
        .encryption(config.encryption()).compression(config.compression()).fsync(config.fsync())
        .persistentSession(config.persistentSession().orElseThrow()).maxStoreBytes(config.maxStoreBytes())
        .spillMode(config.spillMode()).maxBlock(config.maxBlock());
    config.options().forEach((k, v) -> {
      if (!k.startsWith("undeclared.")) {
        b.option(k, v);
      }
    });
    return b.build();
  }

  @Test
  void fromYaml_everySetting_buildsWhatTheBuilderBuilds() {
    assertSame(SpillConfigs.fromYaml(YAML_A), expectedA());
    assertSame(SpillConfigs.fromYaml(YAML_B), expectedB());
  }

  @Test
  void fromFile_yamlJsonProperties_buildWhatTheBuilderBuilds() throws IOException {
    Path yaml = Files.writeString(dir.resolve("spillway.yaml"), YAML_A);
    Path yml = Files.writeString(dir.resolve("spillway.YML"), YAML_B);
    Path json = Files.writeString(dir.resolve("spillway.json"), JSON_A);
    StringBuilder properties = new StringBuilder("# config A\n");
    flatA().forEach((k, v) -> properties.append(k).append(" = ").append(v).append('\n'));
    properties.append("undeclared.anything=x\n");
    Path props = Files.writeString(dir.resolve("spillway.properties"), properties);

    assertSame(SpillConfigs.fromFile(yaml), expectedA());
    assertSame(SpillConfigs.fromFile(yml), expectedB());
    assertSame(SpillConfigs.fromFile(json), expectedA());
    assertSame(SpillConfigs.fromFile(props), expectedA());
  }

  @Test
  void fromJsonAndFromProperties_text_buildWhatTheBuilderBuilds() {
    assertSame(SpillConfigs.fromJson(JSON_A), expectedA());
    String properties = flatA().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining("\n")) + "\nundeclared.anything: x\n";
    assertSame(SpillConfigs.fromProperties(properties), expectedA());
  }

  @Test
  void fromSystemProperties_spillwayPrefixed_buildWhatTheBuilderBuilds() {
    Properties properties = new Properties();
    flatA().forEach((k, v) -> properties.setProperty("spillway." + k, v));
    properties.setProperty("spillway.undeclared.anything", "x");
    properties.setProperty("java.io.tmpdir", "/tmp");
    properties.setProperty("spillwayish", "not ours");
    properties.setProperty(SpillConfigs.CONFIG_FILE_PROPERTY, "/not/read/by/this/method.yaml");
    assertSame(SpillConfigs.fromSystemProperties(properties), expectedA());
  }

  @Test
  void fromEnvironment_upperSnakeNames_buildWhatTheBuilderBuilds() {
    Map<String, String> environment = new HashMap<>();
    flatA().forEach((k, v) -> environment.put(KnownKeys.environmentName(k), v));
    environment.put("PATH", "/usr/bin");
    environment.put("SPILLWAY_ENCRYPTION_KEY", "00".repeat(32));
    environment.put(SpillConfigs.CONFIG_FILE_VARIABLE, "/not/read/by/this/method.yaml");
    assertThat(environment).containsEntry("SPILLWAY_MAX_MEMORY", "64MiB")
        .containsEntry("SPILLWAY_FILE_LOG_FILE_SIZE", "64MiB").containsEntry("SPILLWAY_FILE_APPEND_FILES", "2")
        .containsEntry("SPILLWAY_S3_BUCKET", "b").containsEntry("SPILLWAY_ENCRYPTION_KEY_PROVIDER", "key-file")
        .containsEntry("SPILLWAY_SPILL_DIRS", "/tmp/a, /tmp/b").containsEntry("SPILLWAY_ZSTD_LEVEL", "5");
    assertSame(SpillConfigs.fromEnvironment(environment), withoutUndeclared(expectedA()));
  }

  @Test
  void fromSources_nothingGiven_holdsTheDefaults() {
    assertSame(SpillConfigs.fromYaml("{}"), SpillConfig.defaults());
    assertSame(SpillConfigs.fromEnvironment(Map.of("HOME", "/root")), SpillConfig.defaults());
    assertSame(SpillConfigs.fromSystemProperties(new Properties()), SpillConfig.defaults());
  }

  @Test
  void fromYaml_builderStillTakesObjectsAndUnsetSettings() {
    SpillConfig config = SpillConfigs.fromYaml("maxMemory: 1g").listener(new io.spillway.api.SpillListener() {})
        .spillExecutor(Runnable::run).ioThreads(2).build();
    assertThat(config.maxMemory()).isEqualTo(1L << 30);
    assertThat(config.listeners()).hasSize(1);
    assertThat(config.spillExecutor()).isPresent();
    assertThat(config.ioThreads()).isEqualTo(2);
  }

  /** Fails when the builder gains a setting this module does not read: add it to {@code Settings}. */
  @Test
  void settings_coverEveryBuilderSettingButObjects() {
    Set<String> builderSettings = Arrays.stream(SpillConfig.Builder.class.getDeclaredMethods())
        .filter(m -> Modifier.isPublic(m.getModifiers()) && m.getReturnType() == SpillConfig.Builder.class)
        .map(Method::getName).collect(Collectors.toCollection(TreeSet::new));
    builderSettings.removeAll(Set.of("option", "listener", "spillExecutor"));
    assertThat(Settings.ALL.keySet()).containsExactlyInAnyOrderElementsOf(builderSettings);
    Set<String> inYaml = YAML_A.lines().filter(l -> !l.startsWith(" ") && !l.startsWith("#") && l.contains(":"))
        .map(l -> l.substring(0, l.indexOf(':'))).filter(Settings.ALL::containsKey)
        .collect(Collectors.toCollection(TreeSet::new));
    inYaml.add("spillDir");
    assertThat(inYaml).as("config A (and B's spillDir) give every setting").isEqualTo(Settings.ALL.keySet());
  }
}
