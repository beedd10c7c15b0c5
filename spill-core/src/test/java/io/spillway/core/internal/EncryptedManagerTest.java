package io.spillway.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.common.primitives.Bytes;
import io.spillway.api.CorruptSegmentException;
import io.spillway.api.SegmentHandle;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillMode;
import io.spillway.core.SpillCodecs;
import io.spillway.core.Spillway;
import io.spillway.core.testing.InMemorySpillStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A manager with {@code encryption("aes-gcm")}: the store holds ciphertext only, and a replayed frame is refused. */
class EncryptedManagerTest {
  @TempDir
  Path tmp;

  private static byte[] value(int length, long seed) {
    byte[] bytes = new byte[length];
    new SplittableRandom(seed).nextBytes(bytes);
    return bytes;
  }

  private SpillManager manager(InMemorySpillStore store, long budget) {
    return Spillway.newManager(SpillConfig.builder().maxMemory(budget).spillDir(tmp).encryption("aes-gcm")
        .spillMode(SpillMode.SYNCHRONOUS).build(), store);
  }

  @Test
  void managedValues_roundTrip_andTheStoreHoldsNoPlaintext() {
    InMemorySpillStore store = new InMemorySpillStore();
    try (SpillManager manager = manager(store, 64 * 1024)) {
      List<SegmentHandle<byte[]>> handles = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        handles.add(manager.put("v" + i, value(16 * 1024, i), SpillCodecs.bytes()));
      }
      assertThat(store.keys()).isNotEmpty();
      for (String key : store.keys()) {
        int i = Integer.parseInt(key.substring(1));
        assertThat(Bytes.indexOf(store.raw(key), Arrays.copyOfRange(value(16 * 1024, i), 100, 132)) >= 0)
            .as("plaintext of %s in its frame", key).isFalse();
      }
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 16; i++) {
          assertThat(handles.get(i).get()).isEqualTo(value(16 * 1024, i));
        }
      }
    }
  }

  @Test
  void anOlderFramePutBackInTheStore_isRefusedAndTheSegmentStaysSpilled() {
    InMemorySpillStore store = new InMemorySpillStore();
    try (SpillManager manager = manager(store, 1 << 20)) {
      manager.registerSegment("s", 4096);
      manager.spill("s", value(4096, 1));
      byte[] older = store.raw("s");
      assertThat(manager.reload("s")).hasValue(value(4096, 1));
      manager.spill("s", value(4096, 2));
      store.corrupt("s", current -> older.clone());

      CorruptSegmentException refused = catchThrowableOfType(CorruptSegmentException.class,
          () -> manager.reload("s"));

      assertThat(refused.reason()).isEqualTo(CorruptSegmentException.Reason.AUTHENTICATION_FAILED);
      assertThat(refused.segment()).isEqualTo("s");
      assertThat(manager.isSpilled("s")).isTrue();
      assertThat(store.keys()).contains("s");
    }
  }

  @Test
  void aFrameFromAnotherSegmentsPlace_isRefused() {
    InMemorySpillStore store = new InMemorySpillStore();
    try (SpillManager manager = manager(store, 1 << 20)) {
      manager.registerSegment("a", 100);
      manager.registerSegment("b", 100);
      manager.spill("a", value(100, 3));
      manager.spill("b", value(100, 4));
      byte[] ofA = store.raw("a");
      store.corrupt("b", current -> ofA.clone());

      CorruptSegmentException refused = catchThrowableOfType(CorruptSegmentException.class,
          () -> manager.reload("b"));

      assertThat(refused.reason()).isIn(CorruptSegmentException.Reason.WRONG_SEGMENT,
          CorruptSegmentException.Reason.AUTHENTICATION_FAILED);
      assertThat(manager.reload("a")).hasValue(value(100, 3));
    }
  }
}
