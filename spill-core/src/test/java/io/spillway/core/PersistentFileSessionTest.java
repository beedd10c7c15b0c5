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
}
