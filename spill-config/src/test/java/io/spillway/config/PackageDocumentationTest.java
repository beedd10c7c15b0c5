package io.spillway.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.SpillConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The complete YAML file of the package documentation is a valid configuration, holding what it says. */
class PackageDocumentationTest {

  @Test
  void packageInfoExample_isValidYaml_andGivesItsSettings() throws IOException {
    String source = Files.readString(Path.of("src/main/java/io/spillway/config/package-info.java"));
    int section = source.indexOf("<h2>A complete YAML file</h2>");
    int start = source.indexOf("<pre>{@code", section) + "<pre>{@code".length();
    int end = source.indexOf("}</pre>", start);
    String yaml = source.substring(start, end).lines().map(l -> l.replaceFirst("^ \\* ?", ""))
        .collect(Collectors.joining("\n"));

    SpillConfig config = SpillConfigs.fromYaml(yaml).build();
    assertThat(config.maxMemory()).isEqualTo(2L << 30);
    assertThat(config.maxStoreBytes()).isEqualTo(50L << 30);
    assertThat(config.persistentSession()).hasValue("orders");
    assertThat(config.options()).containsEntry("file.appendFiles", "2").containsEntry("zstd.level", "3")
        .containsEntry("encryption.keyFile", "/etc/my-app/spill.key").hasSize(5);
  }
}
