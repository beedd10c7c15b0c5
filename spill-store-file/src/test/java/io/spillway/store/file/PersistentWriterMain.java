package io.spillway.store.file;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillStore;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Child process of {@link PersistentSessionKillIT}: takes persistent session {@code args[1]} in spill directory
 * {@code args[0]} and, on {@code args[3]} threads, writes and deletes keys until it is killed, logging each operation
 * on standard output before it starts ({@code B <key> W <version> .} or {@code B <key> D .}) and once it returned
 * ({@code A <key> .}). Each line ends with {@code " ."} so that the parent can tell a line the kill cut short.
 * Values are {@link #value(String, long)}, so the parent can check recovered bytes without being sent them.
 */
final class PersistentWriterMain {
  static final int KEYS_PER_THREAD = 40;
  static final String LOG_FILE_SIZE = "64KiB";

  private PersistentWriterMain() {}

  /** The bytes written under {@code key} as version {@code version}: 1 to 24,000 of them, seeded by both. */
  static byte[] value(String key, long version) {
    SplittableRandom random = new SplittableRandom(version * 31 + key.hashCode());
    byte[] value = new byte[1 + random.nextInt(24_000)];
    random.nextBytes(value);
    return value;
  }

  static SpillConfig config(Path spillDir, String session) {
    return SpillConfig.builder().spillDir(spillDir).persistentSession(session)
        .option(FileSpillStoreProvider.LOG_FILE_SIZE, LOG_FILE_SIZE).build();
  }

  public static void main(String[] args) throws Exception {
    Path spillDir = Path.of(args[0]);
    long seed = Long.parseLong(args[2]);
    int threads = Integer.parseInt(args[3]);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    SpillStore store = new FileSpillStoreProvider().create(config(spillDir, args[1]));
    out.println("ready .");
    Thread[] workers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      int thread = t;
      workers[t] = new Thread(() -> run(store, thread, new SplittableRandom(seed + thread), out));
      workers[t].start();
    }
    for (Thread worker : workers) {
      worker.join(); // never: the parent kills this process
    }
  }

  private static void run(SpillStore store, int thread, SplittableRandom random, PrintStream out) {
    try {
      while (true) {
        String key = "t" + thread + "-k" + random.nextInt(KEYS_PER_THREAD);
        if (random.nextInt(4) == 0) {
          log(out, "B " + key + " D .");
          store.delete(key);
        } else {
          long version = random.nextLong() >>> 1;
          log(out, "B " + key + " W " + version + " .");
          store.write(key, ByteBuffer.wrap(value(key, version)));
        }
        log(out, "A " + key + " .");
      }
    } catch (Exception e) {
      e.printStackTrace();
      System.exit(3);
    }
  }

  private static void log(PrintStream out, String line) {
    synchronized (out) {
      out.println(line);
    }
  }
}
