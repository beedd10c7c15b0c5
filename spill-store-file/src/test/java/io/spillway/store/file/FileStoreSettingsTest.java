package io.spillway.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FileStoreSettingsTest {
  private static final long MIB = 1024 * 1024;

  private static FileStoreSettings from(String... keysAndValues) {
    SpillConfig.Builder builder = SpillConfig.builder().spillDir(Path.of("unused"));
    for (int i = 0; i < keysAndValues.length; i += 2) {
      builder.option(keysAndValues[i], keysAndValues[i + 1]);
    }
    return FileStoreSettings.from(builder.build());
  }

  @Test
  void from_noOptions_givesTheDocumentedDefaults() {
    FileStoreSettings settings = from();

    assertThat(settings.logFileSize()).isEqualTo(FileStoreSettings.AUTO);
    assertThat(settings.ownFileThreshold()).isEqualTo(FileStoreSettings.DEFAULT_OWN_FILE_THRESHOLD);
    assertThat(settings.compactBelow()).isEqualTo(0.5);
    assertThat(settings.fsync()).isFalse();
    assertThat(FileStoreSettings.from(SpillConfig.builder().fsync(true).build()).fsync()).isTrue();
  }

  @Test
  void from_sizesWithUnits_areBytes() {
    FileStoreSettings settings = from(FileSpillStoreProvider.LOG_FILE_SIZE, "64 MiB",
        FileSpillStoreProvider.OWN_FILE_THRESHOLD, "512KiB", FileSpillStoreProvider.COMPACT_BELOW, " 0.7 ");

    assertThat(settings.logFileSize()).isEqualTo(64 * MIB);
    assertThat(settings.ownFileThreshold()).isEqualTo(512 * 1024);
    assertThat(settings.compactBelow()).isEqualTo(0.7);
    assertThat(from(FileSpillStoreProvider.LOG_FILE_SIZE, "1GiB").logFileSize()).isEqualTo(1024 * MIB);
    assertThat(from(FileSpillStoreProvider.LOG_FILE_SIZE, "65536").logFileSize()).isEqualTo(65_536);
    assertThat(from(FileSpillStoreProvider.LOG_FILE_SIZE, "AUTO").logFileSize()).isEqualTo(FileStoreSettings.AUTO);
    assertThat(from(FileSpillStoreProvider.OWN_FILE_THRESHOLD, "0").ownFileThreshold()).isZero();
  }

  @Test
  void appendFiles_defaultsToTheProcessorsUpToFour_andOutOfRangeValuesFailNamingTheOption() {
    int processors = Runtime.getRuntime().availableProcessors();
    assertThat(from().appendFiles()).isEqualTo(Math.min(4, processors));
    assertThat(from(FileSpillStoreProvider.APPEND_FILES, " 3 ").appendFiles()).isEqualTo(3);
    for (String bad : new String[] {"0", "65", "two"}) {
      assertThatThrownBy(() -> from(FileSpillStoreProvider.APPEND_FILES, bad)).as(bad)
          .isInstanceOf(SpillConfigurationException.class)
          .hasMessageContaining(FileSpillStoreProvider.APPEND_FILES)
          .hasMessageContaining(bad);
    }
  }

  @Test
  void from_sizeThatOverflows_failsNamingTheOption() {
    assertThatThrownBy(() -> from(FileSpillStoreProvider.OWN_FILE_THRESHOLD, "9999999999999GiB"))
        .isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining(FileSpillStoreProvider.OWN_FILE_THRESHOLD);
  }

  @Test
  void targetFileSize_auto_isAThirtySecondOfTheLiveBytesBetweenTheBounds() {
    FileStoreSettings auto = from();

    assertThat(auto.targetFileSize(0)).isEqualTo(8 * MIB);
    assertThat(auto.targetFileSize(100 * MIB)).isEqualTo(8 * MIB);
    assertThat(auto.targetFileSize(1024 * MIB)).isEqualTo(32 * MIB);
    assertThat(auto.targetFileSize(1024 * MIB + 32)).as("rounded up to whole MiB").isEqualTo(33 * MIB);
    assertThat(auto.targetFileSize(1L << 40)).isEqualTo(256 * MIB);
    assertThat(from(FileSpillStoreProvider.LOG_FILE_SIZE, "4MiB").targetFileSize(1L << 40)).isEqualTo(4 * MIB);
  }
}
