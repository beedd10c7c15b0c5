package io.spillway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spillway.api.SpillManager;
import io.spillway.config.SpillConfigs;
import io.spillway.core.Spillway;
import io.spillway.micrometer.SpillwayMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 19's end-to-end case: a manager configured from a YAML file reports through Micrometer and JFR. */
class ProductionSetupTest {
  @TempDir Path dir;

  @Test
  void aManagerConfiguredFromYaml_reportsItsSpillsThroughMicrometerAndFlightRecorder() throws Exception {
    Path yaml = Files.writeString(dir.resolve("spillway.yaml"), """
        maxMemory: 1MiB
        minSpillSize: 0
        spillDir: %s
        policy: lru
        store: file
        compression: lz4
        """.formatted(dir.resolve("spill")));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Path dump = dir.resolve("run.jfr");
    byte[] part = new byte[256 << 10];
    Arrays.fill(part, (byte) 7);
    try (Recording recording = new Recording()) {
      recording.enable("io.spillway.Spill").withoutThreshold();
      recording.enable("io.spillway.Reload").withoutThreshold();
      recording.start();
      try (SpillManager manager = Spillway.newManager(SpillConfigs.fromFile(yaml).build())) {
        new SpillwayMetrics(manager, "index").bindTo(registry);
        manager.registerSegment("part-0", part.length);
        manager.spill("part-0", part);
        assertThat(manager.reload("part-0")).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(part));

        assertThat(registry.get("spillway.spills").tags("name", "index", "store", "file", "policy", "lru",
            "result", "success").functionCounter().count()).isEqualTo(1.0);
        assertThat(registry.get("spillway.reloads").tag("result", "success").functionCounter().count())
            .isEqualTo(1.0);
        assertThat(registry.get("spillway.memory.max").gauge().value()).isEqualTo(1 << 20);
      }
      recording.stop();
      recording.dump(dump);
    }
    List<RecordedEvent> events = RecordingFile.readAllEvents(dump).stream()
        .filter(e -> e.getEventType().getName().startsWith("io.spillway.")).toList();
    assertThat(events).extracting(e -> e.getEventType().getName())
        .containsExactly("io.spillway.Spill", "io.spillway.Reload");
    assertThat(events).allSatisfy(e -> {
      assertThat(e.getString("segment")).isEqualTo("part-0");
      assertThat(e.getString("store")).isEqualTo("file");
    });
  }
}
