package io.spillway.bench.sim;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A trace file and the capacities to replay it at, with how to label them. Internal, may change.
 *
 * @param file the gzip trace
 * @param unit bytes per capacity unit: 1 for count traces, 512 for the ARC block traces (a capacity of N blocks is
 *     N &times; 512 bytes, so that each block counts as one entry), 1 MiB for the sized trace
 * @param unitName how a capacity is labelled ("entries", "blocks", "MiB")
 * @param budgets capacities, in units
 * @param sized whether requests have real, differing sizes (byte hit ratio and the size-aware reference matter)
 */
record TraceSpec(Path file, long unit, String unitName, List<Long> budgets, boolean sized) {

  /** Where the shared traces live, relative to a checkout: {@code ../shared/traces} from the repository root. */
  static final String SHARED = "shared/traces";

  /** The five shared traces, with six budgets each including every capacity the MANIFEST gives figures for. */
  static List<TraceSpec> shared(Path dir) {
    return List.of(
        new TraceSpec(dir.resolve("lirs_sprite.trace.gz"), 1, "entries", List.of(100L, 250L, 500L, 1000L, 2000L,
            4000L), false),
        new TraceSpec(dir.resolve("cache2k_web12.trace.gz"), 1, "entries", List.of(256L, 512L, 1024L, 2048L, 4096L,
            8192L), false),
        new TraceSpec(dir.resolve("lirs_loop.trace.gz"), 1, "entries", List.of(128L, 256L, 512L, 768L, 896L, 1000L),
            false),
        new TraceSpec(dir.resolve("libcachesim_cloudPhysicsIO.trace.gz"), 1L << 20, "MiB", List.of(32L, 64L, 128L,
            256L, 512L, 1024L), true),
        new TraceSpec(dir.resolve("arc_OLTP.trace.gz"), 512, "blocks", List.of(1000L, 2000L, 5000L, 8192L, 10000L,
            15000L), false));
  }

  /**
   * Finds {@code shared/traces} beside the directory {@code start} or one of its ancestors (a checkout's
   * {@code ../shared/traces}, wherever the build runs from).
   */
  static Optional<Path> findShared(Path start) {
    for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
      Path parent = dir.getParent();
      if (parent != null && Files.isDirectory(parent.resolve(SHARED))) {
        return Optional.of(parent.resolve(SHARED));
      }
    }
    return Optional.empty();
  }

  /**
   * A spec for any trace: budgets of 1, 2, 5, 10, 20 and 50% of the bytes of its distinct keys (in entries when
   * every size is the same).
   */
  static TraceSpec forFile(Path file, Trace trace, List<Long> budgets) {
    boolean uniform = true;
    for (int size : trace.keySizes) {
      uniform &= size == trace.keySizes[0];
    }
    long unit = uniform && trace.distinctKeys() > 0 ? trace.keySizes[0] : 1;
    String unitName = uniform ? "entries" : "bytes";
    List<Long> chosen = budgets;
    if (chosen.isEmpty()) {
      long total = uniform ? trace.distinctKeys() : trace.distinctBytes();
      chosen = new ArrayList<>();
      for (int percent : new int[] {1, 2, 5, 10, 20, 50}) {
        chosen.add(Math.max(1, total * percent / 100));
      }
    }
    return new TraceSpec(file, unit, unitName, List.copyOf(chosen), !uniform);
  }

  /** The trace's name: its file name without {@code .trace.gz}. */
  String name() {
    String fileName = file.getFileName().toString();
    return fileName.endsWith(".trace.gz") ? fileName.substring(0, fileName.length() - 9) : fileName;
  }

  long capacity(long budget) {
    return Math.multiplyExact(budget, unit);
  }

  String label(long budget) {
    return String.format(Locale.ROOT, "%,d %s", budget, unitName);
  }
}
