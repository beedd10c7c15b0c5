package io.spillway.bench.tiered;

import io.spillway.api.SegmentHandle;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillMode;
import io.spillway.core.SpillCodecs;
import io.spillway.core.Spillway;
import java.nio.file.Path;

/**
 * Spillway's managed values, with the default settings but the budget and the spill folder: {@code put} of each
 * value, {@code SegmentHandle.get()} to read it (reloaded and verified by the frame checksum when spilled).
 */
final class SpillwaySide implements TieredSide {
  private final SpillManager manager;
  private final SegmentHandle<byte[]>[] handles;
  private final long budget;

  @SuppressWarnings("unchecked")
  SpillwaySide(int count, long budget, Path dir) {
    this.budget = budget;
    SpillConfig.Builder config = SpillConfig.builder().maxMemory(budget).spillDir(dir);
    // For experiments only; the comparison runs with the defaults.
    Integer ioThreads = Integer.getInteger("bench.spillway.ioThreads");
    if (ioThreads != null) {
      config.ioThreads(ioThreads);
    }
    String policy = System.getProperty("bench.spillway.policy");
    if (policy != null) {
      config.policy(policy);
    }
    String mode = System.getProperty("bench.spillway.spillMode");
    if (mode != null) {
      config.spillMode(SpillMode.valueOf(mode));
    }
    this.manager = Spillway.newManager(config.build());
    this.handles = (SegmentHandle<byte[]>[]) new SegmentHandle<?>[count];
  }

  @Override
  public void put(int key, byte[] value) {
    handles[key] = manager.put("v" + key, value, SpillCodecs.bytes());
  }

  @Override
  public byte[] get(int key) {
    return handles[key].get();
  }

  @Override
  public String describe() {
    return "Spillway managed put/get, file store, maxMemory " + (budget >> 20) + " MiB, defaults otherwise";
  }

  /** The manager's statistics, for the report. */
  String stats() {
    var s = manager.stats();
    return "spills=" + s.spillOperations() + " cleanEvictions=" + s.cleanEvictions() + " reloads="
        + s.reloadOperations() + " spillFailures="
        + s.spillFailures() + " storeUsage=" + s.storeUsage();
  }

  @Override
  public void close() {
    manager.close();
  }
}
