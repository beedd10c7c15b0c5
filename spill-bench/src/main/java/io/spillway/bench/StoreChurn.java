package io.spillway.bench;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillStore;
import io.spillway.store.file.FileSpillStoreProvider;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The {@code file} store under churn: a steady live set of values, randomly overwritten, or deleted and another key
 * written, with compaction running in the background as in production. Reports the store's write amplification
 * (bytes the process handed to {@code write} system calls ÷ value bytes written by the caller, from
 * {@code /proc/self/io}), the disk space of the session's files ÷ the live value bytes in steady state (sampled after
 * the live set has been rewritten twice), and the throughput.
 *
 * <p>Usage: {@code java -cp spill-bench/target/benchmarks.jar io.spillway.bench.StoreChurn [keys] [valueBytes]
 * [rewrites] [file.option=value ...]}; defaults 3,072 keys of 64 KiB (192 MiB live, what 4,096 values under a budget
 * of a quarter of them leave spilled) and 10 rewrites of the live set. {@code -Dbench.dir=PATH} chooses the scratch
 * folder. Linux only (it reads {@code /proc/self/io}). Not thread-safe; a program.
 */
public final class StoreChurn {
  private StoreChurn() {}

  /** Runs the churn and prints one line of figures. */
  public static void main(String[] args) throws IOException {
    int keys = args.length > 0 ? Integer.parseInt(args[0]) : 3_072;
    int valueBytes = args.length > 1 ? Integer.parseInt(args[1]) : 64 * 1024;
    int rewrites = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    Path dir = BenchDirs.create("spill-bench-churn-");
    SpillConfig.Builder builder = SpillConfig.builder().spillDir(dir);
    StringBuilder options = new StringBuilder();
    for (int i = 3; i < args.length; i++) {
      String[] pair = args[i].split("=", 2);
      builder.option(pair[0], pair[1]);
      options.append(' ').append(args[i]);
    }
    byte[][] payloads = new byte[16][];
    SplittableRandom random = new SplittableRandom(17);
    for (int i = 0; i < payloads.length; i++) {
      payloads[i] = new byte[valueBytes];
      random.nextBytes(payloads[i]);
    }
    try (SpillStore store = new FileSpillStoreProvider().create(builder.build())) {
      String[] present = new String[keys];
      for (int i = 0; i < keys; i++) {
        present[i] = "segment-" + i;
        store.write(present[i], ByteBuffer.wrap(payloads[i % payloads.length]));
      }
      int nextKey = keys;
      long operations = (long) keys * rewrites;
      long steadyFrom = 2L * keys;
      long callerBytes = 0;
      long written = 0;
      double spaceSum = 0;
      double spaceMax = 0;
      int samples = 0;
      long startWchar = wchar();
      long start = System.nanoTime();
      long steadyStartWchar = 0;
      long steadyCallerBytes = 0;
      long pauseNanos = Long.getLong("churn.pauseMicros", 0) * 1000;
      for (long op = 0; op < operations; op++) {
        if (pauseNanos > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(pauseNanos);
        }
        int slot = random.nextInt(keys);
        if (random.nextInt(4) == 0) {
          // A delete and a new key: the live set keeps its size, and dead bytes come from deletes too.
          store.delete(present[slot]);
          present[slot] = "segment-" + nextKey++;
        }
        store.write(present[slot], ByteBuffer.wrap(payloads[(int) (op % payloads.length)]));
        callerBytes += valueBytes;
        if (op == steadyFrom) {
          steadyStartWchar = wchar();
          steadyCallerBytes = callerBytes;
        }
        if (op > steadyFrom && op % 64 == 0) {
          double space = diskBytes(dir) / (double) store.usage();
          spaceSum += space;
          spaceMax = Math.max(spaceMax, space);
          samples++;
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      written = wchar() - startWchar;
      long steadyWritten = wchar() - steadyStartWchar;
      System.out.printf(Locale.ROOT, "churn keys=%d valueBytes=%d rewrites=%d%s: %.0f writes/s, %.1f MiB/s;"
          + " write amplification %.3f overall, %.3f in steady state; space %.3f x live (max %.3f) over %d samples%n",
          keys, valueBytes, rewrites, options, operations / seconds, callerBytes / seconds / (1 << 20),
          written / (double) callerBytes, steadyWritten / (double) (callerBytes - steadyCallerBytes),
          spaceSum / samples, spaceMax, samples);
    } finally {
      BenchDirs.deleteTree(dir);
    }
  }

  /** Bytes in the files of the session folders in {@code dir}; a file deleted while it is looked at counts 0. */
  static long diskBytes(Path dir) throws IOException {
    long total = 0;
    try (DirectoryStream<Path> sessions = Files.newDirectoryStream(dir)) {
      for (Path session : sessions) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(session)) {
          for (Path file : files) {
            try {
              total += Files.size(file);
            } catch (NoSuchFileException e) {
              // deleted while we looked: compaction let it go
            }
          }
        }
      }
    }
    return total;
  }

  /** Bytes this process has passed to write system calls so far ({@code wchar} of {@code /proc/self/io}). */
  static long wchar() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/io"), StandardCharsets.US_ASCII)) {
      if (line.startsWith("wchar:")) {
        return Long.parseLong(line.substring("wchar:".length()).trim());
      }
    }
    throw new IOException("/proc/self/io has no wchar line");
  }
}
