package io.spillway.core.internal;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillEvent;
import io.spillway.api.SpillListener;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillMode;
import io.spillway.api.spi.SpillStore;
import io.spillway.core.SpillFrames;
import io.spillway.core.testing.BytesCodec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the store quota's tests share: FIFO managers over a given store whose listener keeps every failure, closed
 * after each test, and the lengths of the frames they write.
 */
abstract class StoreQuotaFixture {
  static final BytesCodec BYTES = BytesCodec.INSTANCE;
  /** Frames of equal names and payloads are of equal length. */
  static final SpillFrames FRAMES = SpillFrames.create(SpillConfig.defaults());
  static final long FRAME_300 = FRAMES.frameLength("a", 300);
  static final long FRAME_400 = FRAMES.frameLength("a", 400);
  /** The frame of a 300-byte value of a two-character name, such as {@code m0}. */
  static final long FRAME_M300 = FRAMES.frameLength("m0", 300);

  @TempDir Path tmp;
  final List<SpillEvent> failedEvents = new CopyOnWriteArrayList<>();
  final List<Throwable> failures = new CopyOnWriteArrayList<>();
  /** Run after the managers closed: the test's own executors shut down, say. */
  final List<Runnable> cleanups = new ArrayList<>();
  final List<SpillManager> managers = new ArrayList<>();

  @AfterEach
  void closeAll() {
    managers.forEach(SpillManager::close);
    cleanups.forEach(Runnable::run);
  }

  /** A builder with a 90% threshold, a 50% target, {@link #tmp} as the folder, and the failures kept. */
  SpillConfig.Builder config(long maxMemory, SpillMode mode) {
    return SpillConfig.builder().maxMemory(maxMemory).spillThreshold(0.9).targetAfterSpill(0.5).spillDir(tmp)
        .spillMode(mode).listener(new SpillListener() {
          @Override
          public void onFailure(SpillEvent event, Throwable cause) {
            failedEvents.add(event);
            failures.add(cause);
          }
        });
  }

  /** A manager over {@code store}, victims in FIFO order of residency (see {@link CleanCopiesTest.FifoPolicy}). */
  DefaultSpillManager manager(SpillStore store, SpillConfig config) {
    DefaultSpillManager manager = new DefaultSpillManager(config, new CleanCopiesTest.FifoPolicy(), store, "test",
        SpillFrames.create(config));
    managers.add(manager);
    return manager;
  }
}
