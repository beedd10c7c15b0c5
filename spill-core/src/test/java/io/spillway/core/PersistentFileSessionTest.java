package io.spillway.core;

import static io.spillway.core.testing.BytesCodec.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.spillway.api.SegmentInfo;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillMode;
import io.spillway.api.SpillStoreException;
import io.spillway.core.testing.BytesCodec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The core's persistent sessions over the real {@code file} store, end to end through {@link Spillway#newManager}:
 * the store's recovery and {@code location}, the core's header reads and registered sizes. The store's own crash
 * guarantees are spill-store-file's tests.
 */
class PersistentFileSessionTest {
  @TempDir Path dir;

  private SpillConfig config() {
    return SpillConfig.builder().maxMemory(1000).spillThreshold(0.9).targetAfterSpill(0.5).minSpillSize(0)
        .policy(ColdnessPolicyProvider.NAME).store("file").spillDir(dir).spillMode(SpillMode.SYNCHRONOUS)
        .persistentSession("graph").build();
  }

  @Test
  void spilledSegments_surviveClose_andComeBackVerified() {
    byte[] manual = value("manual", 2000);
    byte[] managed = value("managed", 900);
    try (SpillManager first = Spillway.newManager(config())) {
      first.registerSegment("part/../0", 250);
      first.spill("part/../0", manual);
      first.put("ids", managed, BytesCodec.INSTANCE, v -> 600);
      first.put("other", value("other", 10), BytesCodec.INSTANCE, v -> 500); // spills "ids"
      assertThat(first.isSpilled("ids")).isTrue();
      assertThatThrownBy(() -> Spillway.newManager(config())).as("one live owner")
          .isInstanceOf(SpillStoreException.class).hasMessageContaining("graph");
    }

    try (SpillManager second = Spillway.newManager(config())) {
      assertThat(second.listSegments()).extracting(SegmentInfo::name, SegmentInfo::size, SegmentInfo::spilled)
          .containsExactly(tuple("ids", 600L, true), tuple("part/../0", 250L, true));
      assertThat(second.memoryUsage()).isZero();
      assertThat(second.stats().recoveryFailures()).isZero();
      assertThat(second.listSegments().get(1).location()).isNotNull();
      assertThat(second.reload("part/../0")).hasValue(manual);
      assertThat(second.reattach("ids", BytesCodec.INSTANCE).get()).isEqualTo(managed);
      assertThat(second.memoryUsage()).isEqualTo(850);
      second.discard();
    }

    try (SpillManager third = Spillway.newManager(config())) {
      assertThat(third.listSegments()).as("discarded, clean copy of 'ids' included").isEmpty();
      third.discard();
    }
  }

  @Test
  void encryptedSession_comesBackWithTheProvidersKey_andNotWithAnother() throws java.io.IOException {
    Path key = dir.resolve("spill.key");
    byte[] first = new byte[32];
    new java.util.SplittableRandom(1).nextBytes(first);
    java.nio.file.Files.write(key, first);
    java.nio.file.Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString(
        "rw-------"));
    java.util.function.Supplier<SpillConfig> encrypted = () -> SpillConfig.builder().maxMemory(1 << 20)
        .store("file").spillDir(dir.resolve("spill")).persistentSession("secret").encryption("aes-gcm")
        .option("encryption.keyProvider", "key-file").option("encryption.keyFile", key.toString()).build();
    byte[] data = value("data", 5000);
    try (SpillManager writer = Spillway.newManager(encrypted.get())) {
      writer.registerSegment("s", 5000);
      writer.spill("s", data);
    }

    try (SpillManager reader = Spillway.newManager(encrypted.get())) {
      assertThat(reader.isSpilled("s")).isTrue();
      assertThat(reader.reload("s")).hasValue(data);
      reader.spill("s", data);
    }

    byte[] other = first.clone();
    other[0] ^= 1;
    java.nio.file.Files.write(key, other);
    try (SpillManager wrongKey = Spillway.newManager(encrypted.get())) {
      assertThat(wrongKey.isSpilled("s")).as("recovered from its header, which is not secret").isTrue();
      assertThatThrownBy(() -> wrongKey.reload("s")).isInstanceOf(io.spillway.api.CorruptSegmentException.class)
          .hasMessageContaining("authentication failed");
      assertThat(wrongKey.isSpilled("s")).isTrue();
      wrongKey.discard();
    }
  }
}
