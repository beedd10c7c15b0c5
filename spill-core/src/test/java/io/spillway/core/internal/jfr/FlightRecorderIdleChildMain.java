package io.spillway.core.internal.jfr;

import io.spillway.api.SegmentHandle;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillMode;
import io.spillway.core.SpillCodecs;
import io.spillway.core.Spillway;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A child JVM for {@link FlightRecorderIdleIT}: spills and reloads a manual segment and managed values twice the
 * budget through a real manager, then prints {@value #DONE}. Argument: the spill directory.
 */
public final class FlightRecorderIdleChildMain {
  static final String DONE = "done";

  private FlightRecorderIdleChildMain() {}

  public static void main(String[] args) {
    SpillConfig config = SpillConfig.builder().maxMemory(64 * 1024).spillDir(Path.of(args[0])).store("file")
        .spillMode(SpillMode.SYNCHRONOUS).maxBlock(Duration.ofSeconds(10)).build();
    try (SpillManager manager = Spillway.newManager(config)) {
      manager.registerSegment("manual", 3);
      manager.spill("manual", new byte[] {1, 2, 3});
      if (!Arrays.equals(manager.reload("manual").orElseThrow(), new byte[] {1, 2, 3})) {
        throw new AssertionError("manual segment read back wrong");
      }
      // Managed values twice the budget: puts spill the coldest, gets reload them.
      List<SegmentHandle<byte[]>> handles = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        byte[] value = new byte[4096];
        Arrays.fill(value, (byte) i);
        handles.add(manager.put("v" + i, value, SpillCodecs.bytes()));
      }
      for (int i = 0; i < handles.size(); i++) {
        if (handles.get(i).get()[100] != (byte) i) {
          throw new AssertionError("value " + i + " read back wrong");
        }
      }
      if (manager.stats().spillOperations() == 0 || manager.stats().reloadOperations() == 0) {
        throw new AssertionError("nothing spilled or reloaded: " + manager.stats());
      }
    }
    System.out.println(DONE);
  }
}
