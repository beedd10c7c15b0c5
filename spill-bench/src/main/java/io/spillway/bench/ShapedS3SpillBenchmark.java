package io.spillway.bench;

import com.sun.management.OperatingSystemMXBean;
import io.spillway.api.SpillManager;
import io.spillway.bench.shaper.ShapedProxy;
import io.spillway.bench.shaper.Shaping;
import io.spillway.core.Spillway;
import io.spillway.store.s3.S3SpillStores;
import java.lang.management.ManagementFactory;
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
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@link S3SpillBenchmark}'s two comparisons with every connection going through a {@link ShapedProxy} in front of
 * the in-process S3 server, so that one connection is as slow as one to AWS S3 (the shaping of
 * {@link Shaping#fromSystemProperties()}: by default 20 ms to the first byte of each response and 64 MiB/s per
 * connection and direction):
 * <ul>
 *   <li><b>small</b>: {@value #SMALL_SEGMENTS} segments of 1 MiB spilled then reloaded, against {@code PutObject},
 *       {@code GetObject} and {@code DeleteObject} of the same payloads, as in {@link S3SpillBenchmark};</li>
 *   <li><b>large</b>: {@value #LARGE_SEGMENTS} segment of 256 MiB (one, not two: a single-request put and get of
 *       256 MiB at 64 MiB/s already take some 8 s), which the store moves as 8 MiB parts, 8 at once, against a
 *       single-request {@code PutObject} and {@code GetObject}.</li>
 * </ul>
 * Both sides use clients built from the same settings and reach the server through the same kind of proxy with the
 * same shaping; each JMH fork starts its own server and proxy. Forks inherit this JVM's {@code -D} options, so
 * {@code -Dbench.s3.latency} and {@code -Dbench.s3.bandwidth} given to the runner reach them. Run by
 * {@link BenchmarkRunner}; JMH creates and drives instances.
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class ShapedS3SpillBenchmark {
  /** Segments per small round. */
  public static final int SMALL_SEGMENTS = S3SpillBenchmark.SMALL_SEGMENTS;
  /** Bytes per small segment (1 MiB). */
  public static final int SMALL_BYTES = S3SpillBenchmark.SMALL_BYTES;
  /** Segments per large round. */
  public static final int LARGE_SEGMENTS = 1;
  /** Bytes per large segment (256 MiB). */
  public static final int LARGE_BYTES = S3SpillBenchmark.LARGE_BYTES;
  private static final String BUCKET = "shaped-bench";
  private static final String ACCESS_KEY = "bench-access";
  private static final String SECRET_KEY = "bench-secret";

  private final byte[][] small = new byte[SMALL_SEGMENTS][];
  private final byte[][] large = new byte[LARGE_SEGMENTS][];
  private @Nullable ShapedS3 s3;
  private @Nullable SpillManager manager;
  private @Nullable S3Client raw;
  private long requestsAtStart;
  private long cpuAtStart;
  private int rounds;

  /** Starts the server and the proxy, creates the payloads, a manager with every segment resident and a raw client. */
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
    Shaping shaping = Shaping.fromSystemProperties();
    ShapedS3 started = ShapedS3.start(BUCKET, ACCESS_KEY, SECRET_KEY, shaping);
    s3 = started;
    System.out.println("shaped S3: " + started.proxy());

    SpillManager m = Spillway.newManager(started.storeConfig().maxMemory(8L << 30).build());
    for (int i = 0; i < SMALL_SEGMENTS; i++) {
      m.registerSegment("small-" + i, SMALL_BYTES);
    }
    for (int i = 0; i < LARGE_SEGMENTS; i++) {
      m.registerSegment("large-" + i, LARGE_BYTES);
    }
    manager = m;
    raw = S3SpillStores.newClient(started.storeSettings().build());
    requestsAtStart = started.proxy().requests();
    cpuAtStart = processCpuNanos();
  }

  private static long processCpuNanos() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /**
   * Reports the requests per round that the proxy saw (each paid the latency once) and the process CPU time per round
   * (client, proxy and server together: the two processors are what the parallel side runs out of first), then
   * closes the manager and the client, the proxy and the server.
   */
  @TearDown(Level.Trial)
  public void tearDown() {
    if (s3 != null && rounds > 0) {
      System.out.printf("shaped S3: %.1f requests and %d ms of process CPU per round over %d rounds%n",
          (s3.proxy().requests() - requestsAtStart) / (double) rounds,
          (processCpuNanos() - cpuAtStart) / rounds / 1_000_000, rounds);
    }
    if (manager != null) {
      manager.close();
    }
    if (raw != null) {
      raw.close();
    }
    if (s3 != null) {
      System.out.println("shaped S3 at the end: " + s3.proxy());
      s3.close();
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

  /** Spills, then reloads, the 1 MiB segments. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  public long smallSpillway() {
    rounds++;
    return S3SpillBenchmark.spillAndReload(manager(), "small-", small);
  }

  /** Puts, gets and deletes the same 1 MiB payloads with the raw SDK. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  public long smallRawSdk() {
    rounds++;
    return S3SpillBenchmark.putAndGet(raw(), BUCKET, "raw-small-", small);
  }

  /** Spills, then reloads, the 256 MiB segment: parallel parts up, parallel ranged GETs down. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  public long largeSpillway() {
    rounds++;
    return S3SpillBenchmark.spillAndReload(manager(), "large-", large);
  }

  /** Puts, gets and deletes the same 256 MiB payload, one request each, with the raw SDK. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  public long largeRawSingleRequest() {
    rounds++;
    return S3SpillBenchmark.putAndGet(raw(), BUCKET, "raw-large-", large);
  }
}
