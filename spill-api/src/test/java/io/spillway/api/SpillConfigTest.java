package io.spillway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SpillConfigTest {

  @Test
  void defaults_matchRedDb() {
    SpillConfig config = SpillConfig.defaults();

    assertThat(config.maxMemory()).isEqualTo(512L * 1024 * 1024);
    assertThat(config.spillThreshold()).isEqualTo(0.80);
    assertThat(config.targetAfterSpill()).isEqualTo(0.60);
    assertThat(config.minSpillSize()).isEqualTo(1024L * 1024);
    assertThat(config.accessDecay()).isEqualTo(0.95);
    assertThat(config.spillDir()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "spillway"));
    assertThat(config.policy()).isEmpty();
    assertThat(config.store()).isEmpty();
    assertThat(config.checksum()).isEqualTo("crc32c");
    assertThat(config.frameVersion()).isEqualTo(3);
    assertThat(config.fsync()).isFalse();
  }

  @Test
  void spillThreshold_isClampedLikeRedDb() {
    assertThat(SpillConfig.builder().spillThreshold(0.01).build().spillThreshold()).isEqualTo(0.10);
    assertThat(SpillConfig.builder().spillThreshold(0.0).build().spillThreshold()).isEqualTo(0.10);
    assertThat(SpillConfig.builder().spillThreshold(1.0).build().spillThreshold()).isEqualTo(0.99);
    assertThat(SpillConfig.builder().spillThreshold(0.5).build().spillThreshold()).isEqualTo(0.5);
  }

  @Test
  void fractions_outsideZeroToOne_areRefusedNamingTheSetting() {
    assertThatThrownBy(() -> SpillConfig.builder().spillThreshold(2.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spillThreshold").hasMessageContaining("between 0 and 1").hasMessageContaining("2.0");
    assertThatThrownBy(() -> SpillConfig.builder().spillThreshold(-3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("spillThreshold");
    assertThatThrownBy(() -> SpillConfig.builder().targetAfterSpill(1.0000001))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("targetAfterSpill");
    assertThatThrownBy(() -> SpillConfig.builder().targetAfterSpill(Double.NEGATIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("targetAfterSpill");
  }

  @Test
  void targetAfterSpill_isClampedLikeRedDb() {
    assertThat(SpillConfig.builder().targetAfterSpill(0.0).build().targetAfterSpill()).isEqualTo(0.10);
    assertThat(SpillConfig.builder().targetAfterSpill(0.95).build().targetAfterSpill()).isEqualTo(0.90);
    assertThat(SpillConfig.builder().targetAfterSpill(1.0).build().targetAfterSpill()).isEqualTo(0.90);
    assertThat(SpillConfig.builder().targetAfterSpill(0.3).build().targetAfterSpill()).isEqualTo(0.3);
  }

  @Test
  void fractions_rejectNaN() {
    assertThatThrownBy(() -> SpillConfig.builder().spillThreshold(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("spillThreshold");
    assertThatThrownBy(() -> SpillConfig.builder().targetAfterSpill(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("targetAfterSpill");
  }

  @Test
  void managedValues_haveTheirOwnDefaults_untilTheSettingsAreGiven() {
    SpillConfig defaults = SpillConfig.defaults();
    assertThat(defaults.managedSpillThreshold()).isEqualTo(0.95);
    assertThat(defaults.managedTargetAfterSpill()).isEqualTo(0.90);
    assertThat(defaults.managedMinSpillSize()).isZero();
    assertThat(defaults.ioThreads()).as("not set: the store provider's default").isZero();

    SpillConfig thresholdOnly = SpillConfig.builder().spillThreshold(0.7).build();
    assertThat(thresholdOnly.managedSpillThreshold()).isEqualTo(0.7);
    assertThat(thresholdOnly.managedTargetAfterSpill()).isEqualTo(0.60);
    assertThat(thresholdOnly.managedMinSpillSize()).isZero();

    SpillConfig targetOnly = SpillConfig.builder().targetAfterSpill(0.5).build();
    assertThat(targetOnly.managedSpillThreshold()).isEqualTo(0.80);
    assertThat(targetOnly.managedTargetAfterSpill()).isEqualTo(0.5);

    SpillConfig given = SpillConfig.builder().minSpillSize(4096).ioThreads(3).build();
    assertThat(given.managedMinSpillSize()).isEqualTo(4096);
    assertThat(given.managedSpillThreshold()).isEqualTo(0.95);
    assertThat(given.ioThreads()).isEqualTo(3);
  }

  @Test
  void numericSettings_rejectImpossibleValues() {
    assertThatThrownBy(() -> SpillConfig.builder().ioThreads(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SpillConfig.builder().maxMemory(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SpillConfig.builder().minSpillSize(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SpillConfig.builder().accessDecay(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SpillConfig.builder().accessDecay(1.01)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SpillConfig.builder().frameVersion(1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SpillConfig.builder().policy(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void maxStoreBytes_isUnlimitedByDefault_takesZeroAndUp_andRefusesNegatives() {
    assertThat(SpillConfig.defaults().maxStoreBytes()).isEqualTo(Long.MAX_VALUE)
        .isEqualTo(SpillConfig.DEFAULT_MAX_STORE_BYTES);
    assertThat(SpillConfig.defaults().toString()).contains("maxStoreBytes=unlimited");
    SpillConfig capped = SpillConfig.builder().maxStoreBytes(4096).build();
    assertThat(capped.maxStoreBytes()).isEqualTo(4096);
    assertThat(capped.toString()).contains("maxStoreBytes=4096");
    assertThat(SpillConfig.builder().maxStoreBytes(0).build().maxStoreBytes()).isZero();
    assertThatThrownBy(() -> SpillConfig.builder().maxStoreBytes(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxStoreBytes").hasMessageContaining("-1");
    SpillConfig.Builder builder = SpillConfig.builder().maxStoreBytes(1);
    assertThatThrownBy(() -> builder.maxStoreBytes(2)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void setting_twice_isRejected() {
    SpillConfig.Builder builder = SpillConfig.builder().maxMemory(10);
    assertThatThrownBy(() -> builder.maxMemory(20))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("maxMemory");
    builder.option("s3.bucket", "a");
    assertThatThrownBy(() -> builder.option("s3.bucket", "b")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void options_areCopiedAndUnmodifiable() {
    SpillConfig.Builder builder = SpillConfig.builder().option("k", "v");
    SpillConfig config = builder.build();
    builder.option("later", "x");

    assertThat(config.options()).containsExactly(java.util.Map.entry("k", "v"));
    assertThat(config.option("k")).contains("v");
    assertThatThrownBy(() -> config.options().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void spillDirs_firstIsSpillDir_andDefaultIsSpillDirAlone() {
    SpillConfig spread = SpillConfig.builder().spillDirs(Path.of("/d1"), Path.of("/d2")).build();
    assertThat(spread.spillDirs()).containsExactly(Path.of("/d1"), Path.of("/d2"));
    assertThat(spread.spillDir()).isEqualTo(Path.of("/d1"));
    SpillConfig one = SpillConfig.builder().spillDir(Path.of("/only")).build();
    assertThat(one.spillDirs()).containsExactly(Path.of("/only"));
    assertThat(SpillConfig.defaults().spillDirs()).containsExactly(SpillConfig.defaultSpillDir());
  }

  @Test
  void spillDirs_twiceTheSameOrWithSpillDir_isRefused() {
    assertThatThrownBy(() -> SpillConfig.builder().spillDirs(Path.of("/d1"), Path.of("/x/../d1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
    assertThatThrownBy(() -> SpillConfig.builder().spillDir(Path.of("/a")).spillDirs(Path.of("/b")))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> SpillConfig.builder().spillDirs(Path.of("/b")).spillDir(Path.of("/a")))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> SpillConfig.builder().spillDirs()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one");
  }

  @Test
  void persistentSession_nameRules() {
    assertThat(SpillConfig.defaults().persistentSession()).isEmpty();
    assertThat(SpillConfig.builder().persistentSession("graph-1.v2_x").build().persistentSession())
        .contains("graph-1.v2_x");
    for (String bad : new String[] {"", ".hidden", "a/b", "a b", "x".repeat(65), "..", "é"}) {
      assertThatThrownBy(() -> SpillConfig.builder().persistentSession(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
