package io.spillway.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.core.Spillway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A manager configured from a YAML file alone, end to end: the file's small budget makes it spill, its directory
 * receives the frames, its codec compresses them, its key encrypts them, and a second manager from the same file
 * takes the persistent session over and reloads every segment byte for byte.
 */
class YamlConfiguredManagerTest {
  @TempDir Path dir;

  private Path configFile() throws IOException {
    Path key = dir.resolve("spill.key");
    byte[] bytes = new byte[32];
    new SplittableRandom(7).nextBytes(bytes);
    Files.write(key, bytes);
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    String yaml = String.join("\n",
        "# A small budget, so that four 256 KiB segments must spill",
        "maxMemory: 1MiB",
        "spillThreshold: 0.5",
        "targetAfterSpill: 0.25",
        "minSpillSize: 0",
        "policy: lru",
        "store: file",
        "spillDir: " + dir.resolve("spill"),
        "spillMode: synchronous",
        "fsync: true",
        "persistentSession: yaml-e2e",
        "compression: zstd",
        "zstd.level: 9",
        "encryption: aes-gcm",
        "encryption.keyProvider: key-file",
        "encryption.keyFile: " + key,
        "file:",
        "  logFileSize: 64KiB",
        "  appendFiles: 1",
        "");
    return Files.writeString(dir.resolve("spillway.yaml"), yaml);
  }

  private static byte[] text(int index) {
    StringBuilder s = new StringBuilder();
    while (s.length() < 256 * 1024) {
      s.append("{\"segment\": ").append(index).append(", \"row\": ").append(s.length()).append("}\n");
    }
    return s.substring(0, 256 * 1024).getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void managerFromYaml_spillsUnderTheFilesBudget_andReloadsInANewManager() throws IOException {
    SpillConfig config = SpillConfigs.fromFile(configFile()).build();
    Map<String, byte[]> spilled = new HashMap<>();
    try (SpillManager manager = Spillway.newManager(config)) {
      for (int i = 0; i < 4; i++) {
        manager.registerSegment("s" + i, 256 * 1024);
      }
      List<String> victims = manager.needsSpill();
      assertThat(victims).as("1 MiB used of a 1 MiB budget, over the file's threshold of 0.5").isNotEmpty();
      for (String victim : victims) {
        byte[] bytes = text(Integer.parseInt(victim.substring(1)));
        manager.spill(victim, bytes);
        spilled.put(victim, bytes);
      }
      assertThat(manager.memoryUsage()).as("down to the file's target of 0.25").isLessThanOrEqualTo(256 * 1024);
      assertThat(manager.stats().storeUsage()).as("zstd frames of repetitive text")
          .isLessThan(spilled.size() * 256L * 1024 / 4);
    }
    try (Stream<Path> files = Files.walk(dir.resolve("spill"))) {
      List<Path> logs = files.filter(p -> p.toString().endsWith(".log")).toList();
      assertThat(logs).as("log files in the file's spill directory, its persistent session").isNotEmpty()
          .allSatisfy(p -> assertThat(p.getParent().getFileName().toString()).isEqualTo("persistent-yaml-e2e"));
      for (Path log : logs) {
        assertThat(new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1)).as("encrypted")
            .doesNotContain("\"segment\"");
      }
    }

    try (SpillManager again = Spillway.newManager(SpillConfigs.fromFile(dir.resolve("spillway.yaml")).build())) {
      for (Map.Entry<String, byte[]> e : spilled.entrySet()) {
        assertThat(again.isSpilled(e.getKey())).as(e.getKey()).isTrue();
        assertThat(again.reload(e.getKey())).as(e.getKey()).hasValue(e.getValue());
      }
      again.discard();
    }
  }
}
