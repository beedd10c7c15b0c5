package io.spillway.compress;

import static io.spillway.compress.Frames.json;
import static io.spillway.compress.Frames.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.primitives.Bytes;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.api.SpillManager;
import io.spillway.api.StoreQuotaExceededException;
import io.spillway.core.Spillway;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A real manager on the {@code file} store, and on {@code tiered} over it, with each compression. */
class CompressedManagerTest {
  @TempDir Path dir;

  private SpillManager manager(String store, String compression) {
    SpillConfig.Builder builder = SpillConfig.builder().spillDir(dir).store(store).compression(compression)
        .maxMemory(256L << 20);
    if (store.equals("tiered")) {
      builder.option("tiered.primary", "file").option("tiered.secondary", "file")
          .option("tiered.primaryQuota", "1GiB");
    }
    return Spillway.newManager(builder.build());
  }

  @ParameterizedTest
  @ValueSource(strings = {"none", "lz4", "zstd", "auto"})
  void spillAndReload_fileStore_returnsSameBytesAndStoresCompressibleDataSmaller(String compression) {
    byte[] text = json(4 << 20, 1);
    byte[] noise = random(1 << 20, 2);
    try (SpillManager manager = manager("file", compression)) {
      manager.registerSegment("text", text.length);
      manager.registerSegment("noise", noise.length);
      manager.spill("text", text);
      long afterText = manager.stats().storeUsage();
      manager.spill("noise", noise);

      assertThat(manager.reload("text")).hasValueSatisfying(b -> assertThat(b).isEqualTo(text));
      assertThat(manager.reload("noise")).hasValueSatisfying(b -> assertThat(b).isEqualTo(noise));
      assertThat(manager.memoryUsage()).isEqualTo(text.length + (long) noise.length);
      if (compression.equals("none")) {
        assertThat(afterText).isGreaterThan(text.length);
      } else {
        assertThat(afterText).as("store usage after the text spill").isLessThan(text.length / 2);
      }
      // Memory is accounted by registered size, and bytesSpilled counts payload bytes, compressed or not.
      assertThat(manager.stats().bytesSpilled()).isEqualTo(text.length + (long) noise.length);
    }
  }

  @Test
  void spillAndReload_tieredStore_zstd_returnsSameBytes() {
    byte[] text = json(1 << 20, 3);
    try (SpillManager manager = manager("tiered", "zstd")) {
      manager.registerSegment("t", text.length);
      manager.spill("t", text);
      assertThat(manager.stats().storeUsage()).isLessThan(text.length / 2);
      assertThat(manager.reload("t")).hasValueSatisfying(b -> assertThat(b).isEqualTo(text));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "tiered"})
  void encryptedAndCompressed_roundTrips_andNoStoredFileHoldsThePlaintext(String store) throws IOException {
    byte[] text = json(2 << 20, 4);
    SpillConfig.Builder builder = SpillConfig.builder().spillDir(dir).store(store).compression("auto")
        .encryption("aes-gcm").maxMemory(256L << 20);
    if (store.equals("tiered")) {
      builder.option("tiered.primary", "file").option("tiered.secondary", "file")
          .option("tiered.primaryQuota", "1MiB");
    }
    try (SpillManager manager = Spillway.newManager(builder.build())) {
      manager.registerSegment("text", text.length);
      manager.spill("text", text);

      assertThat(manager.stats().storeUsage()).as("compressed before it was sealed").isLessThan(text.length / 2);
      byte[] probe = java.util.Arrays.copyOfRange(text, 1000, 1032);
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          byte[] bytes = Files.readAllBytes(file);
          assertThat(Bytes.indexOf(bytes, probe)).as("plaintext in %s", file).isNegative();
        }
      }
      assertThat(manager.reload("text")).hasValueSatisfying(b -> assertThat(b).isEqualTo(text));
    }
  }

  @Test
  void auto_aSpillTooLargeForTheQuotaAsFirstStored_isCompressedWhole_andFits() {
    // auto's sample reads only random bytes here and stores the payload as it is: 4 MiB, four times the quota.
    byte[] sly = Frames.sampledSlicesRandom(4 << 20, 3);
    byte[] noise = random(2 << 20, 4);
    SpillConfig config = SpillConfig.builder().spillDir(dir).compression("auto").maxStoreBytes(1 << 20).build();
    try (SpillManager manager = Spillway.newManager(config)) {
      manager.registerSegment("sly", sly.length);
      manager.registerSegment("noise", noise.length);

      manager.spill("sly", sly);
      assertThatThrownBy(() -> manager.spill("noise", noise)).isInstanceOf(StoreQuotaExceededException.class)
          .hasMessageContaining("'noise'");

      assertThat(manager.isSpilled("sly")).isTrue();
      assertThat(manager.isSpilled("noise")).isFalse();
      assertThat(manager.stats().storeUsage()).isPositive().isLessThan(64 << 10);
      assertThat(manager.reload("sly")).hasValueSatisfying(b -> assertThat(b).isEqualTo(sly));
    }
    // Without auto nothing is made smaller: the same spill is refused.
    SpillConfig none = SpillConfig.builder().spillDir(dir.resolve("none")).maxStoreBytes(1 << 20).build();
    try (SpillManager manager = Spillway.newManager(none)) {
      manager.registerSegment("sly", sly.length);
      assertThatThrownBy(() -> manager.spill("sly", sly)).isInstanceOf(StoreQuotaExceededException.class);
      assertThat(manager.isSpilled("sly")).isFalse();
    }
  }

  @Test
  void newManager_unknownCompression_failsListingTheAvailableOnes() {
    SpillConfig config = SpillConfig.builder().spillDir(dir).compression("snappy").build();

    assertThatThrownBy(() -> Spillway.newManager(config))
        .isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining("No compression codec named 'snappy'")
        .hasMessageContaining("none, auto, lz4, zstd");
  }
}
