package io.spillway.core.internal;

import static io.spillway.core.testing.BytesCodec.matches;
import static io.spillway.core.testing.BytesCodec.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spillway.api.SegmentHandle;
import io.spillway.api.SpillConfig;
import io.spillway.core.SpillFrames;
import io.spillway.core.testing.BytesCodec;
import io.spillway.core.testing.GatedSpillStore;
import io.spillway.core.testing.InMemorySpillStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Spills of one round run on up to {@link SpillConfig#ioThreads()} threads at once (issue 16, parallel I/O). */
class SpillBatchTest {
  @TempDir Path tmp;

  @ParameterizedTest(name = "ioThreads={0}")
  @ValueSource(ints = {1, 2, 4})
  void aRoundOfVictims_isWrittenOnUpToIoThreadsAtOnce(int ioThreads) throws Exception {
    GatedSpillStore store = new GatedSpillStore(new InMemorySpillStore());
    // Values of 100 bytes in a budget of 1,000 from 90% down to 50%: the ninth reaches the threshold and needs four
    // victims in one round.
    SpillConfig config = SpillConfig.builder().maxMemory(1000).spillThreshold(0.9).targetAfterSpill(0.5)
        .ioThreads(ioThreads).spillDir(tmp).build();
    try (DefaultSpillManager manager = new DefaultSpillManager(config, new CleanCopiesTest.FifoPolicy(), store,
        "test", SpillFrames.create(config))) {
      List<SegmentHandle<byte[]>> handles = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        handles.add(manager.put("v" + i, value("v" + i, 100), BytesCodec.INSTANCE));
      }
      store.holdWrites();

      handles.add(manager.put("v8", value("v8", 100), BytesCodec.INSTANCE));

      assertThat(store.writeStarted().await(10, TimeUnit.SECONDS)).isTrue();
      await().atMost(Duration.ofSeconds(10)).until(() -> store.writes() == Math.min(ioThreads, 4));
      // No more than ioThreads at once: the others wait for a thread to come free.
      await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(10))
          .until(() -> store.writes() == Math.min(ioThreads, 4));
      assertThat(manager.stats().bytesInFlight()).isEqualTo(100L * Math.min(ioThreads, 4));
      // Bytes being spilled still count in the budget until their write is committed.
      assertThat(manager.memoryUsage()).isEqualTo(900);

      store.releaseWrites();

      await().atMost(Duration.ofSeconds(10)).until(() -> manager.stats().spillOperations() == 4);
      assertThat(manager.memoryUsage()).isEqualTo(500);
      assertThat(manager.stats().bytesInFlight()).isZero();
      for (int i = 0; i < handles.size(); i++) {
        assertThat(matches(handles.get(i).get(), "v" + i, 100)).isTrue();
      }
    }
  }
}
