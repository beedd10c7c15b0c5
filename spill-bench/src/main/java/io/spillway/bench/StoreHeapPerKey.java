package io.spillway.bench;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillStore;
import io.spillway.store.file.FileSpillStoreProvider;
import java.io.IOException;
import java.lang.ref.Reference;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Measures the heap the {@code file} store retains per stored key: the used heap after full collections, before and
 * after writing {@code count} empty values into a fresh store, divided by {@code count}. The key strings are made,
 * and kept reachable, before the first reading: they are the caller's (the core's segment names), not the store's.
 * The URIs that {@code write} returns are kept too, as the core keeps them; they are shared per log file, so they
 * cost nothing per key. For comparison it also measures what a URI of its own per value
 * ({@code file:/.../log-0000000003.log#<offset>}) would cost.
 *
 * <p>Usage: {@code java -cp spill-bench/target/benchmarks.jar io.spillway.bench.StoreHeapPerKey [count...]};
 * default counts 100,000, 300,000, 1,000,000 and 2,000,000. Run it in a JVM doing nothing else; the figures are only
 * as good as {@link java.lang.management.MemoryMXBean} after {@link System#gc()} (see {@link HeapPerSegment}). Not
 * thread-safe; a program.
 */
public final class StoreHeapPerKey {
  private StoreHeapPerKey() {}

  /** Prints bytes per key for each count. */
  public static void main(String[] args) throws IOException {
    int[] counts = args.length == 0 ? new int[] {100_000, 300_000, 1_000_000, 2_000_000} : new int[args.length];
    for (int i = 0; i < args.length; i++) {
      counts[i] = Integer.parseInt(args[i]);
    }
    Path dir = BenchDirs.create("spill-bench-store-heap-");
    try {
      for (int count : counts) {
        System.out.printf(Locale.ROOT, "file store, %,d keys: %.1f bytes of heap per key%n", count,
            bytesPerKey(count, dir));
      }
      System.out.printf(Locale.ROOT, "a URI of its own per value would cost %.1f bytes more per key%n",
          bytesPerUri(1_000_000, dir));
    } finally {
      BenchDirs.deleteTree(dir);
    }
  }

  static double bytesPerKey(int count, Path dir) throws IOException {
    String[] keys = new String[count];
    for (int i = 0; i < count; i++) {
      keys[i] = "segment-" + i;
    }
    URI[] locations = new URI[count];
    try (SpillStore store = new FileSpillStoreProvider().create(SpillConfig.builder().spillDir(dir).build())) {
      store.write("warm-up", ByteBuffer.allocate(0));
      store.delete("warm-up");
      long before = HeapPerSegment.usedHeapAfterGc();
      for (int i = 0; i < count; i++) {
        locations[i] = store.write(keys[i], ByteBuffer.allocate(0));
      }
      long after = HeapPerSegment.usedHeapAfterGc();
      Reference.reachabilityFence(store);
      Reference.reachabilityFence(keys);
      Reference.reachabilityFence(locations);
      return (after - before) / (double) count;
    }
  }

  static double bytesPerUri(int count, Path dir) {
    String base = dir.resolve("session-12345-1700000000000-0123456789abcdef").resolve("log-0000000003.log").toUri()
        .toString();
    URI[] uris = new URI[count];
    long before = HeapPerSegment.usedHeapAfterGc();
    for (int i = 0; i < count; i++) {
      uris[i] = URI.create(base + "#" + (i * 65_597L));
    }
    long after = HeapPerSegment.usedHeapAfterGc();
    Reference.reachabilityFence(uris);
    return (after - before) / (double) count - 4; // the array slot is the caller's either way
  }
}
