package io.spillway.examples;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.api.SegmentHandle;
import io.spillway.api.SpillCodec;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillMode;
import io.spillway.api.SpillStats;
import io.spillway.codec.jackson.JacksonCodecs;
import io.spillway.core.Spillway;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Managed values of the application's own types, spilled as JSON (spill-codec-jackson): eight racks of hosts, about
 * 40 KiB each as JSON, handed to a manager with a 128 KiB budget, which spills the coldest racks by itself and
 * brings each back, decoded, on its next {@code get()}.
 *
 * <p>Run it with {@code mvn -q -pl examples -am compile exec:java -Dexec.mainClass=io.spillway.examples.JsonValues}.
 */
public final class JsonValues {
  private static final int RACKS = 8;
  private static final int HOSTS_PER_RACK = 500;

  /** One host, mapped by Jackson as a record. */
  public record Host(String name, int port, List<String> tags) {}

  private JsonValues() {}

  public static void main(String[] args) throws IOException {
    Path spillDir = Files.createTempDirectory("spillway-json");
    try {
      run(spillDir, System.out);
    } finally {
      QuickStart.deleteRecursively(spillDir);
    }
  }

  /**
   * Puts every rack into a manager with spill files under {@code spillDir}, reads each back, and prints each step
   * to {@code out}.
   *
   * @return the manager's counters just before it is closed
   * @throws IllegalStateException if a rack comes back different from what was put
   */
  public static SpillStats run(Path spillDir, PrintStream out) {
    SpillConfig config = SpillConfig.builder()
        .maxMemory(128L << 10)
        .minSpillSize(0)
        .spillMode(SpillMode.SYNCHRONOUS)
        .spillDir(spillDir)
        .build();
    SpillCodec<List<Host>> codec = JacksonCodecs.json(new ObjectMapper(), new TypeReference<List<Host>>() {});
    try (SpillManager manager = Spillway.newManager(config)) {
      List<SegmentHandle<List<Host>>> racks = new ArrayList<>();
      for (int r = 0; r < RACKS; r++) {
        racks.add(manager.put("rack-" + r, rack(r), codec));
      }
      long spilled = racks.stream().filter(SegmentHandle::isSpilled).count();
      out.printf("put %d racks of %d hosts under a budget of 128 KiB: %d spilled as JSON, usage %d KiB%n",
          RACKS, HOSTS_PER_RACK, spilled, manager.memoryUsage() >> 10);
      for (int r = 0; r < RACKS; r++) {
        if (!racks.get(r).get().equals(rack(r))) {
          throw new IllegalStateException("rack-" + r + " came back different");
        }
      }
      SpillStats stats = manager.stats();
      out.printf("read every rack back: %d reloaded from JSON, verified identical; %d spills in all%n",
          stats.reloadOperations(), stats.spillOperations());
      return stats;
    }
  }

  /** Deterministic contents, so that a reloaded rack can be checked against a fresh copy. */
  static List<Host> rack(int rack) {
    List<Host> hosts = new ArrayList<>(HOSTS_PER_RACK);
    for (int h = 0; h < HOSTS_PER_RACK; h++) {
      List<String> tags = List.of("rack-" + rack, h % 2 == 0 ? "even" : "odd");
      hosts.add(new Host("rack-" + rack + "-host-" + h, 8000 + h, tags));
    }
    return hosts;
  }
}
