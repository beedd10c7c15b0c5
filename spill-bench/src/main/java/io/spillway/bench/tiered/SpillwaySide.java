package io.spillway.bench.tiered;

import io.spillway.api.SegmentHandle;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
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
    this.manager = Spillway.newManager(SpillConfig.builder().maxMemory(budget).spillDir(dir).build());
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
