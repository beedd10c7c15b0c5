package io.spillway.bench;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.core.Spillway;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Measures the heap a {@link SpillManager} retains per registered segment: the used heap after full collections,
 * before and after registering {@code count} segments in a fresh manager, divided by {@code count}. The names are
 * created, and kept reachable, before the first reading, so they are not counted; the manager's fixed cost (store
 * session, access buffer, policy) is paid before the first reading too.
 *
 * <p>Not a JMH benchmark: a heap reading is not a timing. The result is only as good as
 * {@link MemoryMXBean#getHeapMemoryUsage()} after {@link System#gc()}: run it in a JVM doing nothing else (as
 * {@link BenchmarkRunner} does, before starting JMH) and with a count large enough (a million) to drown the noise.
 * Not thread-safe: one measurement at a time per JVM.
 */
public final class HeapPerSegment {
  /** The policies measured by {@link #main}: the default first, then RedDB's and the other bundled array policies. */
  public static final List<String> POLICIES = List.of("adaptive", "w-tinylfu", "coldness", "lru", "lfu");
  /**
   * The key of {@link #main}'s line for spilled segments ({@link #bytesPerSpilledSegment}): the default policy and
   * the default store, each segment's value in the store's index.
   */
  public static final String SPILLED = "spilled";
  /** The segments registered by a full measurement. */
  public static final int DEFAULT_COUNT = 1_000_000;
  private static final long SEGMENT_SIZE = 4096;
  private static final int MAX_GCS = 20;

  private HeapPerSegment() {}

  /**
   * Bytes of heap retained per segment by a manager with the named policy.
   *
   * @param policy the policy provider's name, for example {@code coldness}
   * @param count how many segments to register
   * @param spillDir the manager's spill directory (nothing is spilled; the store session folder is made there)
   * @throws IllegalArgumentException if {@code count} is not positive
   */
  public static double bytesPerSegment(String policy, int count, Path spillDir) {
    // The budget only has to exceed what is registered; nothing asks the manager to spill.
    SpillConfig config = SpillConfig.builder().maxMemory(Long.MAX_VALUE / 2).policy(policy).spillDir(spillDir).build();
    return measure(config, count, (manager, name) -> manager.registerSegment(name, SEGMENT_SIZE));
  }

  /**
   * Bytes of heap retained per segment registered and then spilled (a 1-byte value each) with the default policy
   * and the default {@code file} store: the segment as the manager keeps a spilled one, what the policy keeps, and
   * the store's index entry, the heap a segment costs once its memory is freed.
   *
   * @throws IllegalArgumentException if {@code count} is not positive
   */
  public static double bytesPerSpilledSegment(int count, Path spillDir) {
    byte[] value = {1};
    SpillConfig config = SpillConfig.builder().maxMemory(Long.MAX_VALUE / 2).spillDir(spillDir).build();
    return measure(config, count, (manager, name) -> {
      manager.registerSegment(name, SEGMENT_SIZE);
      manager.spill(name, value);
    });
  }

  /**
   * The heap retained per segment that {@code add} makes, over {@code count} names made and kept beforehand, in a
   * manager of {@code config} that has made one segment and removed it first, so that its lazily made parts exist.
   */
  private static double measure(SpillConfig config, int count, BiConsumer<SpillManager, String> add) {
    if (count <= 0) {
      throw new IllegalArgumentException("count must be positive, was " + count);
    }
    String[] names = new String[count];
    for (int i = 0; i < count; i++) {
      names[i] = "segment-" + i;
    }
    try (SpillManager manager = Spillway.newManager(config)) {
      add.accept(manager, "warm-up");
      manager.unregisterSegment("warm-up");
      long before = usedHeapAfterGc();
      for (String name : names) {
        add.accept(manager, name);
      }
      long after = usedHeapAfterGc();
      Reference.reachabilityFence(manager);
      Reference.reachabilityFence(names);
      return (after - before) / (double) count;
    }
  }

  /** Used heap once repeated full collections stop changing it (or after {@value #MAX_GCS} of them). */
  static long usedHeapAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long previous = Long.MAX_VALUE;
    for (int i = 0; i < MAX_GCS; i++) {
      System.gc();
      long used = memory.getHeapMemoryUsage().getUsed();
      if (i >= 2 && Math.abs(previous - used) < 4096) {
        return used;
      }
      previous = used;
    }
    return previous;
  }

  /** Reads the lines {@link #main} prints back into bytes per segment by policy name. */
  static Map<String, Double> parse(String output) {
    Map<String, Double> bytes = new LinkedHashMap<>();
    output.lines().map(String::trim).filter(line -> line.endsWith(" bytes/segment")).forEach(line -> {
      String[] parts = line.split("\\s+");
      bytes.put(parts[0], Double.parseDouble(parts[1]));
    });
    return bytes;
  }

  /**
   * Prints bytes per segment for each of {@link #POLICIES}.
   *
   * @param args optional: the segment count (default {@value #DEFAULT_COUNT})
   */
  public static void main(String[] args) throws IOException {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_COUNT;
    Path dir = BenchDirs.create("spill-bench-heap-");
    try {
      for (String policy : POLICIES) {
        System.out.printf(Locale.ROOT, "%s %.3f bytes/segment%n", policy, bytesPerSegment(policy, count, dir));
      }
      System.out.printf(Locale.ROOT, "%s %.3f bytes/segment%n", SPILLED, bytesPerSpilledSegment(count, dir));
    } finally {
      BenchDirs.deleteTree(dir);
    }
  }
}
