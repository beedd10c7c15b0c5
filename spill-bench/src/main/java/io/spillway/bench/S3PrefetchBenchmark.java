package io.spillway.bench;

import io.spillway.api.SegmentHandle;
import io.spillway.api.SpillManager;
import io.spillway.bench.shaper.ShapedProxy;
import io.spillway.bench.shaper.Shaping;
import io.spillway.core.SpillCodecs;
import io.spillway.core.Spillway;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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

/**
 * How much of the reload latency {@link SpillManager#prefetch} hides, on the {@code s3} store behind a
 * {@link ShapedProxy} (the shaping of {@link Shaping#fromSystemProperties()}, by default 20 ms to first byte and
 * 64 MiB/s per connection), where a reload costs a GET and a DELETE: some 56 ms for 1 MiB.
 *
 * <p>The workload: {@value #VALUES} managed values of 1 MiB in a budget of {@value #BUDGET_VALUES} values under the
 * {@code lru} policy, spilling in the background from half the budget down to 40%, read in a cycle, so that the
 * value read next was spilled long ago and the background spiller never makes a {@code get()} wait for room. Each
 * step is: [{@code prefetch(next)}], then the caller's <em>work</em>, then {@code next.get()}. JMH times only the
 * {@code get()}: the prefetch and the work run in an invocation-level setup. The work is a wait of
 * {@value #WORK_FACTOR} times the reload's modelled cost (see {@link #workNanos}): a wait rather than computation so
 * that the window is the same on every machine and the work does not compete with the reload for the two
 * processors.
 *
 * <p>The rule: prefetching one value ahead, with that much work between the prefetch and the {@code get()}, should
 * leave almost nothing of the reload to wait for: {@code getAfterPrefetch} at most a tenth of
 * {@code getWithoutPrefetch}, which in turn must cost at least 20 ms for the figure to mean anything (without it the
 * latency was not there to hide). Run by {@link BenchmarkRunner}; JMH creates and drives instances.
 */
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class S3PrefetchBenchmark {
  /** Managed values read in a cycle. */
  public static final int VALUES = 16;
  /** Bytes of each value (1 MiB). */
  public static final int VALUE_BYTES = 1 << 20;
  /** The budget, in values. */
  public static final int BUDGET_VALUES = 12;
  /** The work between a prefetch and its {@code get()}, in modelled reloads. */
  public static final int WORK_FACTOR = 2;
  private static final String BUCKET = "prefetch-bench";

  /**
   * The work of one step under {@code shaping}: {@value #WORK_FACTOR} times a reload's modelled cost, a GET (its
   * latency and one value's transfer) and a DELETE (its latency): 111 ms with the default shaping.
   */
  public static long workNanos(Shaping shaping) {
    long reload = 2 * shaping.latency().toNanos() + VALUE_BYTES * 1_000_000_000L / shaping.bytesPerSecond();
    return WORK_FACTOR * reload;
  }

  /** The values and the manager; the subclasses add what happens before each {@code get()}. */
  @State(Scope.Benchmark)
  public abstract static class Values {
    private final List<SegmentHandle<byte[]>> handles = new ArrayList<>();
    private @Nullable ShapedS3 s3;
    private @Nullable SpillManager manager;
    private long workNanos;
    private int position;
    private long gets;
    private long spilledAtGet;

    /** Starts the server and the proxy, puts the values (most get spilled) and reads them once in order. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
      Shaping shaping = Shaping.fromSystemProperties();
      workNanos = workNanos(shaping);
      ShapedS3 started = ShapedS3.start(BUCKET, "bench-access", "bench-secret", shaping);
      s3 = started;
      System.out.println("shaped S3: " + started.proxy() + "; work " + workNanos / 1_000_000 + " ms per step");
      long valueSize = SpillCodecs.bytes().sizeOf(new byte[VALUE_BYTES]);
      SpillManager m = Spillway.newManager(started.storeConfig()
          .maxMemory(BUDGET_VALUES * valueSize)
          .spillThreshold(0.5)
          .targetAfterSpill(0.4)
          .policy("lru")
          .build());
      manager = m;
      SplittableRandom random = new SplittableRandom(23);
      for (int i = 0; i < VALUES; i++) {
        byte[] value = new byte[VALUE_BYTES];
        random.nextBytes(value);
        handles.add(m.put("value-" + i, value, SpillCodecs.bytes()));
      }
      // One pass in reading order, so that the policy's recency is the cycle's from the first measured step.
      for (SegmentHandle<byte[]> handle : handles) {
        handle.get();
      }
    }

    /** Reports how many measured {@code get()}s found their value spilled, then closes everything. */
    @TearDown(Level.Trial)
    public void tearDown() {
      System.out.println("get()s that found the value spilled: " + spilledAtGet + " of " + gets);
      if (manager != null) {
        manager.close();
      }
      if (s3 != null) {
        System.out.println("shaped S3 at the end: " + s3.proxy());
        s3.close();
      }
    }

    SpillManager manager() {
      SpillManager m = manager;
      if (m == null) {
        throw new IllegalStateException("not set up");
      }
      return m;
    }

    String nextName() {
      return handles.get(position).name();
    }

    /** The caller's work: a wait of {@link #workNanos}. */
    void work() {
      long deadline = System.nanoTime() + workNanos;
      for (long left = workNanos; left > 0; left = deadline - System.nanoTime()) {
        LockSupport.parkNanos(left);
      }
      gets++;
      if (handles.get(position).isSpilled()) {
        spilledAtGet++;
      }
    }

    long getNext() {
      SegmentHandle<byte[]> handle = handles.get(position);
      position = (position + 1) % VALUES;
      byte[] value = handle.get();
      return value.length + value[value.length - 1];
    }
  }

  /** Prefetches the value about to be read, then works. */
  @State(Scope.Benchmark)
  public static class Prefetching extends Values {
    /** Untimed: {@code prefetch(next)}, then the work. */
    @Setup(Level.Invocation)
    public void prefetchThenWork() {
      manager().prefetch(nextName());
      work();
    }
  }

  /** Works, then reads, with no prefetch. */
  @State(Scope.Benchmark)
  public static class NotPrefetching extends Values {
    /** Untimed: the work. */
    @Setup(Level.Invocation)
    public void justWork() {
      work();
    }
  }

  /** The {@code get()} of a value prefetched one step ahead. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  public long getAfterPrefetch(Prefetching values) {
    return values.getNext();
  }

  /** The {@code get()} of a spilled value, with no prefetch: the whole reload. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  public long getWithoutPrefetch(NotPrefetching values) {
    return values.getNext();
  }
}
