package io.spillway.bench;

import io.spillway.api.SpillManager;
import io.spillway.core.Spillway;
import io.spillway.store.s3.S3SpillStores;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Spill and reload through the {@code s3} store against an S3 API server in the same JVM (S3Proxy over jclouds'
 * in-memory backend on 127.0.0.1), against the raw AWS SDK doing the same work on a client built from the same
 * settings (same HTTP client, timeouts, checksum modes):
 * <ul>
 *   <li><b>small</b>: {@value #SMALL_SEGMENTS} segments of 1 MiB spilled then reloaded, against {@code PutObject},
 *       {@code GetObject} and {@code DeleteObject} of the same payloads (a reload deletes the spilled copy too);</li>
 *   <li><b>large</b>: {@value #LARGE_SEGMENTS} segments of 256 MiB, which the store moves as 8 MiB parts, 8 at once,
 *       against a single-request {@code PutObject} and {@code GetObject} of each.</li>
 * </ul>
 * Each JMH fork starts its own server with the same settings, so both sides of a comparison meet the same server.
 * Run by {@link BenchmarkRunner}; JMH creates and drives instances.
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class S3SpillBenchmark {
  /** Segments per small round. */
  public static final int SMALL_SEGMENTS = 32;
  /** Bytes per small segment (1 MiB). */
  public static final int SMALL_BYTES = 1 << 20;
  /** Segments per large round. */
  public static final int LARGE_SEGMENTS = 2;
  /** Bytes per large segment (256 MiB). */
  public static final int LARGE_BYTES = 256 << 20;
  private static final String BUCKET = "bench";
  private static final String ACCESS_KEY = "bench-access";
  private static final String SECRET_KEY = "bench-secret";

  private final byte[][] small = new byte[SMALL_SEGMENTS][];
  private final byte[][] large = new byte[LARGE_SEGMENTS][];
  private @Nullable EmbeddedS3 server;
  private @Nullable SpillManager manager;
  private @Nullable S3Client raw;

  /** Starts the server, creates the bucket, the payloads, a manager with every segment resident and a raw client. */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < SMALL_SEGMENTS; i++) {
      small[i] = new byte[SMALL_BYTES];
      random.nextBytes(small[i]);
    }
    for (int i = 0; i < LARGE_SEGMENTS; i++) {
      large[i] = new byte[LARGE_BYTES];
      random.nextBytes(large[i]);
    }
    EmbeddedS3 started = EmbeddedS3.start(BUCKET, ACCESS_KEY, SECRET_KEY);
    server = started;

    SpillManager m = Spillway.newManager(started.managerConfig().build());
    for (int i = 0; i < SMALL_SEGMENTS; i++) {
      m.registerSegment("small-" + i, SMALL_BYTES);
    }
    for (int i = 0; i < LARGE_SEGMENTS; i++) {
      m.registerSegment("large-" + i, LARGE_BYTES);
    }
    manager = m;
    raw = S3SpillStores.newClient(started.storeSettings().build());
  }

  /** Closes the manager and the client and stops the server. */
  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    if (manager != null) {
      manager.close();
    }
    if (raw != null) {
      raw.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private SpillManager manager() {
    SpillManager m = manager;
    if (m == null) {
      throw new IllegalStateException("not set up");
    }
    return m;
  }

  private S3Client raw() {
    S3Client c = raw;
    if (c == null) {
      throw new IllegalStateException("not set up");
    }
    return c;
  }

  /** Spills every payload under {@code prefix + i}, then reloads each; returns a checksum for the blackhole. */
  static long spillAndReload(SpillManager m, String prefix, byte[][] payloads) {
    for (int i = 0; i < payloads.length; i++) {
      m.spill(prefix + i, payloads[i]);
    }
    long check = 0;
    for (int i = 0; i < payloads.length; i++) {
      byte[] back = m.reload(prefix + i).orElseThrow();
      check += back.length + back[back.length - 1];
    }
    return check;
  }

  /**
   * Puts every payload as {@code prefix + i} in {@code bucket}, one request each, then gets and deletes each, as a
   * spill and a reload do; returns a checksum for the blackhole.
   */
  static long putAndGet(S3Client c, String bucket, String prefix, byte[][] payloads) {
    for (int i = 0; i < payloads.length; i++) {
      String key = prefix + i;
      c.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(payloads[i]));
    }
    long check = 0;
    for (int i = 0; i < payloads.length; i++) {
      String key = prefix + i;
      byte[] back = c.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArrayUnsafe();
      c.deleteObject(b -> b.bucket(bucket).key(key));
      check += back.length + back[back.length - 1];
    }
    return check;
  }

  /** Spills, then reloads, the 1 MiB segments. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  public long smallSpillway() {
    return spillAndReload(manager(), "small-", small);
  }

  /** Puts, gets and deletes the same 1 MiB payloads with the raw SDK. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  public long smallRawSdk() {
    return putAndGet(raw(), BUCKET, "raw-small-", small);
  }

  /** Spills, then reloads, the 256 MiB segments: parallel parts up, parallel ranged GETs down. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  public long largeSpillway() {
    return spillAndReload(manager(), "large-", large);
  }

  /** Puts, gets and deletes the same 256 MiB payloads, one request each, with the raw SDK. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  public long largeRawSingleRequest() {
    return putAndGet(raw(), BUCKET, "raw-large-", large);
  }
}
