package io.spillway.store.s3;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillStore;
import java.io.PrintStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Child process of {@link S3PersistentSessionKillIT}: takes persistent session {@code args[3]} under prefix
 * {@code args[2]} of bucket {@code args[1]} on the S3Proxy at {@code args[0]} through the {@code s3} provider and, on
 * {@code args[5]} threads, writes and deletes keys until it is killed, logging each operation on standard output
 * before it starts ({@code B <key> W <version> .} or {@code B <key> D .}) and once it returned ({@code A <key> .}).
 * Each line ends with {@code " ."} so that the parent can tell a line the kill cut short. Values are
 * {@link #value(String, long)}, so the parent can check recovered bytes without being sent them.
 */
final class S3PersistentWriterMain {
  static final int KEYS_PER_THREAD = 6;
  static final int MiB = 1024 * 1024;

  private S3PersistentWriterMain() {}

  /**
   * The bytes written under {@code key} as version {@code version}, seeded by both: one in eight is 6 to 8 MiB, so
   * goes up as a multipart upload, the others 1 to 30,000 bytes.
   */
  static byte[] value(String key, long version) {
    SplittableRandom random = new SplittableRandom(version * 31 + key.hashCode());
    byte[] value = new byte[length(random)];
    random.nextBytes(value);
    return value;
  }

  /** The length of {@link #value(String, long)}, without making the bytes. */
  static int length(String key, long version) {
    return length(new SplittableRandom(version * 31 + key.hashCode()));
  }

  private static int length(SplittableRandom random) {
    return random.nextInt(8) == 0 ? 6 * MiB + random.nextInt(2 * MiB) : 1 + random.nextInt(30_000);
  }

  /** The key of thread {@code thread} numbered {@code n}; odd numbers are long enough to be hashed. */
  static String key(int thread, int n) {
    return "t" + thread + "-k" + n + (n % 2 == 1 ? "/long".repeat(50) : "");
  }

  /** The store's configuration: a short lease, so that the parent takes over soon after a kill. */
  static SpillConfig config(URI endpoint, String bucket, String prefix, String session) {
    return SpillConfig.builder()
        .store("s3")
        .persistentSession(session)
        .option(S3StoreSettings.BUCKET, bucket)
        .option(S3StoreSettings.PREFIX, prefix)
        .option(S3StoreSettings.ENDPOINT, endpoint.toString())
        .option(S3StoreSettings.REGION, "us-east-1")
        .option(S3StoreSettings.ACCESS_KEY_ID, S3ProxyServer.ACCESS_KEY)
        .option(S3StoreSettings.SECRET_ACCESS_KEY, S3ProxyServer.SECRET_KEY)
        .option(S3StoreSettings.MULTIPART_THRESHOLD, "6MiB")
        .option(S3StoreSettings.PART_SIZE, "5MiB")
        .option(S3StoreSettings.LEASE_REFRESH, "250ms")
        .option(S3StoreSettings.LEASE_TIMEOUT, "3s")
        .build();
  }

  public static void main(String[] args) throws Exception {
    SpillConfig config = config(URI.create(args[0]), args[1], args[2], args[3]);
    long seed = Long.parseLong(args[4]);
    int threads = Integer.parseInt(args[5]);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    SpillStore store = new S3SpillStoreProvider().create(config);
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
        String key = key(thread, random.nextInt(KEYS_PER_THREAD));
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
