package io.spillway.examples;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillStats;
import io.spillway.core.Spillway;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The manual API end to end: an application holds six 10 MiB partitions under a 64 MiB budget, tells the manager
 * about them, keeps two of them hot, spills what the manager chooses, and later reloads a spilled partition,
 * verified, when it needs it again.
 *
 * <p>Run it with {@code mvn -q -pl examples -am compile exec:java -Dexec.mainClass=io.spillway.examples.QuickStart}.
 */
public final class QuickStart {
  private static final int PARTITION_BYTES = 10 << 20;
  private static final int PARTITIONS = 6;

  private QuickStart() {}

  public static void main(String[] args) throws IOException {
    Path spillDir = Files.createTempDirectory("spillway-quickstart");
    try {
      run(spillDir, System.out);
    } finally {
      deleteRecursively(spillDir);
    }
  }

  /**
   * Runs the walk-through with spill files under {@code spillDir}, printing each step to {@code out}.
   *
   * @return the manager's counters just before it is closed
   */
  public static SpillStats run(Path spillDir, PrintStream out) {
    SpillConfig config = SpillConfig.builder()
        .maxMemory(64L << 20)
        .spillThreshold(0.80)
        .targetAfterSpill(0.50)
        .minSpillSize(1L << 20)
        .spillDir(spillDir)
        .build();
    out.println("Spillway QuickStart: " + PARTITIONS + " partitions of " + mib(PARTITION_BYTES)
        + " under a budget of " + mib(config.maxMemory()));

    // The application's own data: the manager tracks sizes, the application owns the bytes.
    Map<String, byte[]> heap = new LinkedHashMap<>();
    try (SpillManager manager = Spillway.newManager(config)) {
      for (int i = 0; i < PARTITIONS; i++) {
        String name = "partition-" + i;
        byte[] data = partition(i);
        heap.put(name, data);
        manager.registerSegment(name, data.length);
      }
      out.printf("registered %d segments, usage %s (%.0f%% of budget)%n",
          PARTITIONS, mib(manager.memoryUsage()), manager.utilization() * 100);

      for (int round = 0; round < 20; round++) {
        manager.access("partition-0");
        manager.access("partition-1");
      }
      out.println("partition-0 and partition-1 are hot (20 accesses each)");

      List<String> victims = manager.needsSpill();
      out.println("needsSpill() chose " + victims);
      for (String victim : victims) {
        // needsSpill() names registered segments only, and each has its bytes in the heap map.
        URI where = manager.spill(victim, Objects.requireNonNull(heap.remove(victim)));
        out.println("  spilled " + victim + " to " + where);
      }
      out.printf("usage after spilling: %s (%.0f%% of budget)%n",
          mib(manager.memoryUsage()), manager.utilization() * 100);

      String wanted = victims.isEmpty() ? "partition-5" : victims.get(0);
      Optional<byte[]> reloaded = manager.reload(wanted);
      byte[] bytes = reloaded.orElseGet(() -> heap.get(wanted));
      if (!Arrays.equals(bytes, partition(Integer.parseInt(wanted.substring("partition-".length()))))) {
        throw new IllegalStateException("reloaded bytes of " + wanted + " differ from what was spilled");
      }
      heap.put(wanted, bytes);
      out.println("reloaded " + wanted + ": " + mib(bytes.length) + ", verified identical");

      manager.listSegments().forEach(segment -> out.printf("  %-12s %8s  %s%n",
          segment.name(), mib(segment.size()), segment.spilled() ? "spilled" : "resident"));
      SpillStats stats = manager.stats();
      out.println("stats: " + stats);
      return stats;
    }
  }

  /** Deterministic contents, so that a reload can be checked against a fresh copy. */
  static byte[] partition(int index) {
    return partition(index, PARTITION_BYTES);
  }

  /** Deterministic contents of {@code length} bytes for partition {@code index}. */
  static byte[] partition(int index, int length) {
    byte[] data = new byte[length];
    long state = 0x9E3779B97F4A7C15L * (index + 1);
    for (int i = 0; i < data.length; i++) {
      state ^= state << 13;
      state ^= state >>> 7;
      state ^= state << 17;
      data[i] = (byte) state;
    }
    return data;
  }

  private static String mib(long bytes) {
    return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
  }

  static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
