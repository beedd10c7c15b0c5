package io.spillway.bench.tiered;

import io.spillway.bench.Zipf;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One side of the tiered-cache comparison in a JVM of its own: loads the values, then reads them for a fixed time
 * per phase — Zipf(0.99) on one thread, on two threads, uniform on one thread — checking every value read. Prints
 * one line per phase: operations, milliseconds, bytes the process passed to write calls ({@code wchar} of
 * {@code /proc/self/io}), bytes it dirtied in the page cache ({@code write_bytes}: what the kernel must write to the
 * device, writes through a memory map included, which {@code wchar} misses; a page dirtied twice before it is flushed
 * counts once), disk space of the side's folder ({@code du}), the heap in use after a full collection, and the
 * process's minor page faults and CPU time (see {@link ProcessCounters}).
 *
 * <p>Arguments: {@code spillway|ehcache valueBytes count budgetBytes phaseMillis folder seed}. Run by
 * {@link TieredComparison}; not thread-safe.
 */
public final class TieredWorkload {
  /** The Zipf exponent of the skewed phases. */
  static final double ZIPF_EXPONENT = 0.99;

  private final TieredSide side;
  private final TieredValues values;
  private final int count;
  private final long phaseMillis;
  private final Path folder;
  private final int[] permutation;

  private TieredWorkload(TieredSide side, TieredValues values, int count, long phaseMillis, Path folder, long seed) {
    this.side = side;
    this.values = values;
    this.count = count;
    this.phaseMillis = phaseMillis;
    this.folder = folder;
    // Zipf rank r reads key permutation[r], so that the hot keys are spread over the load order.
    this.permutation = new int[count];
    for (int i = 0; i < count; i++) {
      permutation[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = count - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = permutation[i];
      permutation[i] = permutation[j];
      permutation[j] = t;
    }
  }

  /** Runs one side; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    if (args.length != 7) {
      throw new IllegalArgumentException(
          "usage: spillway|ehcache valueBytes count budgetBytes phaseMillis folder seed");
    }
    String which = args[0];
    int valueBytes = Integer.parseInt(args[1]);
    int count = Integer.parseInt(args[2]);
    long budget = Long.parseLong(args[3]);
    long phaseMillis = Long.parseLong(args[4]);
    Path folder = Files.createDirectories(Path.of(args[5]));
    long seed = Long.parseLong(args[6]);
    TieredValues values = new TieredValues(valueBytes, seed);
    TieredSide side = which.equals("spillway") ? new SpillwaySide(count, budget, folder)
        : which.equals("ehcache") ? new EhcacheSide(budget, (long) valueBytes * count, folder)
        : null;
    if (side == null) {
      throw new IllegalArgumentException("side must be spillway or ehcache, was " + which);
    }
    try (side) {
      System.out.println("side " + side.describe());
      new TieredWorkload(side, values, count, phaseMillis, folder, seed).run(seed);
      if (side instanceof SpillwaySide spillway) {
        System.out.println("stats " + spillway.stats());
      }
    }
  }

  private void run(long seed) throws Exception {
    Meter meter = new Meter();
    for (int key = 0; key < count; key++) {
      side.put(key, values.value(key));
    }
    meter.report("load", count);
    int[] zipf = Zipf.ranks(count, ZIPF_EXPONENT, 1 << 20, seed + 1);
    meter.report("zipf-1-thread", readFor(1, zipf, seed + 2));
    meter.report("zipf-2-threads", readFor(2, zipf, seed + 3));
    int[] uniform = Zipf.ranks(count, 0, 1 << 20, seed + 4);
    meter.report("uniform-1-thread", readFor(1, uniform, seed + 5));
  }

  /** Reads keys of the rank stream on {@code threads} threads for {@link #phaseMillis}; returns the reads done. */
  private long readFor(int threads, int[] ranks, long seed) throws InterruptedException {
    AtomicLong reads = new AtomicLong();
    List<Thread> started = new ArrayList<>();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(phaseMillis);
    for (int t = 0; t < threads; t++) {
      int offset = new SplittableRandom(seed + t).nextInt(ranks.length);
      Thread thread = new Thread(() -> {
        long done = 0;
        try {
          for (int at = offset; System.nanoTime() < deadline; at = (at + 1) % ranks.length) {
            int key = permutation[ranks[at]];
            byte[] value = side.get(key);
            if (!values.matches(key, value)) {
              throw new IllegalStateException("value " + key + " read back wrong");
            }
            done++;
          }
        } catch (RuntimeException | Error e) {
          failures.add(e);
        }
        reads.addAndGet(done);
      }, "reader-" + t);
      thread.start();
      started.add(thread);
    }
    for (Thread thread : started) {
      thread.join();
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("a reader failed", failures.get(0));
    }
    return reads.get();
  }

  /** Times consecutive phases and reads the process's written bytes, the folder's size and the heap. */
  private final class Meter {
    private long start = System.nanoTime();
    private long written = writtenBytes();
    private long dirtied = dirtiedBytes();
    private long faults = ProcessCounters.minorFaults();
    private long cpuNanos = ProcessCounters.cpuNanos();

    void report(String phase, long operations) throws IOException, InterruptedException {
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      long nowWritten = writtenBytes();
      long nowDirtied = dirtiedBytes();
      long nowFaults = ProcessCounters.minorFaults();
      long nowCpu = ProcessCounters.cpuNanos();
      System.out.printf(Locale.ROOT, "phase %s ops %d millis %d written %d dirtied %d disk %d heapAfterGc %d"
          + " minorFaults %d cpuMillis %d%n", phase, operations, Math.max(1, millis), nowWritten - written,
          nowDirtied - dirtied, diskBytes(), heapAfterGc(), nowFaults - faults,
          TimeUnit.NANOSECONDS.toMillis(nowCpu - cpuNanos));
      written = writtenBytes();
      dirtied = dirtiedBytes();
      faults = ProcessCounters.minorFaults();
      cpuNanos = ProcessCounters.cpuNanos();
      start = System.nanoTime();
    }
  }

  /** Bytes this process passed to write calls so far ({@code wchar}), or -1 where {@code /proc} has no such line. */
  static long writtenBytes() {
    return ioCounter("wchar:");
  }

  /**
   * Bytes this process dirtied in the page cache so far ({@code write_bytes}), or -1 where {@code /proc} has no such
   * line. 0 on a file system without writeback (tmpfs).
   */
  static long dirtiedBytes() {
    return ioCounter("write_bytes:");
  }

  private static long ioCounter(String label) {
    Path io = Path.of("/proc/self/io");
    try {
      for (String line : Files.readAllLines(io, StandardCharsets.US_ASCII)) {
        if (line.startsWith(label)) {
          return Long.parseLong(line.substring(label.length()).trim());
        }
      }
    } catch (IOException e) {
      // Not Linux, or /proc not mounted: the report says -1.
    }
    return -1;
  }

  /** Disk space the folder takes, as {@code du -sk} reports it, in bytes; -1 if it cannot be read. */
  private long diskBytes() throws IOException, InterruptedException {
    Process du = new ProcessBuilder("du", "-sk", folder.toString()).redirectErrorStream(true).start();
    String out = new String(du.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (du.waitFor() != 0 || out.isEmpty()) {
      return -1;
    }
    return Long.parseLong(out.split("\\s+")[0]) * 1024;
  }

  private static long heapAfterGc() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
