package io.spillway.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.spillway.api.SpillConfig;
import io.spillway.api.SegmentHandle;
import io.spillway.api.SpillManager;
import io.spillway.core.SpillCodecs;
import io.spillway.core.Spillway;
import java.io.IOException;
import java.nio.file.Path;
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

/**
 * {@link SpillManager#access(String)} on resident segments against Caffeine's {@link Cache#getIfPresent(Object)}:
 * both see the same Zipf(s = {@value #ZIPF_EXPONENT}) stream over {@value #DEFAULT_KEYS} keys (another number with
 * the system property {@value #KEYS_PROPERTY}), precomputed, each thread walking it from its own offset, one key per
 * operation.
 *
 * <p>The Caffeine cache is bounded ({@code maximumSize} = the key count, every key present), so that it too records
 * each read for its eviction policy: the fair counterpart of a manager that records each access for its spill
 * policy. The manager uses the default configuration (the default policy, {@code adaptive}, unless the system
 * property {@value #POLICY_PROPERTY} names another, for example {@code -Dbench.policy=coldness}, which JMH's forks
 * inherit); its segments are registered small enough never to reach the spill threshold.
 *
 * <p>{@link #spillwayHandleGet} measures the managed API the same way: {@link SegmentHandle#get()} of resident
 * values, against the same Caffeine baseline.
 *
 * <p>Run by {@link BenchmarkRunner} with 1 and 2 threads; JMH creates and drives instances.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class AccessBenchmark {
  /** The system property that names a policy other than the default for both managers. */
  public static final String POLICY_PROPERTY = "bench.policy";
  /** Distinct keys (segment names) by default. */
  public static final int DEFAULT_KEYS = 100_000;
  /** The system property that sets another number of keys, for example {@code -Dbench.access.keys=1000}. */
  public static final String KEYS_PROPERTY = "bench.access.keys";
  /** Distinct keys in this run: {@value #DEFAULT_KEYS} unless {@value #KEYS_PROPERTY} says otherwise. */
  static final int KEYS = Integer.getInteger(KEYS_PROPERTY, DEFAULT_KEYS);
  /**
   * The system property that makes every name in the stream a string of its own, equal to the registered name but not
   * the same object ({@code -Dbench.access.distinctNames=true}), as when a caller builds the name for each call: the
   * lookups then compare characters, not references. Off by default: the stream reuses the registered strings.
   */
  public static final String DISTINCT_NAMES_PROPERTY = "bench.access.distinctNames";
  static final boolean DISTINCT_NAMES = Boolean.getBoolean(DISTINCT_NAMES_PROPERTY);
  /** Zipf exponent of the key stream. */
  public static final double ZIPF_EXPONENT = 0.99;
  /** Length of the precomputed stream; a power of two so the cursor wraps with a mask. */
  static final int STREAM_LENGTH = 1 << 20;
  static final int STREAM_MASK = STREAM_LENGTH - 1;
  private static final long SEGMENT_SIZE = 1024;
  private static final int VALUE_BYTES = 64;

  String[] stream = new String[0];
  private @Nullable SpillManager manager;
  private @Nullable Cache<String, Boolean> cache;
  private @Nullable Path spillDir;

  /** Creates the keys, the stream, the manager and the cache, with every key present in both. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    String[] names = new String[KEYS];
    for (int i = 0; i < KEYS; i++) {
      names[i] = "segment-" + i;
    }
    int[] ranks = Zipf.ranks(KEYS, ZIPF_EXPONENT, STREAM_LENGTH, 42);
    stream = new String[STREAM_LENGTH];
    for (int i = 0; i < STREAM_LENGTH; i++) {
      // The hash is computed here, once, as a caller's string would have it cached after its first use.
      stream[i] = DISTINCT_NAMES ? copyOf(names[ranks[i]]) : names[ranks[i]];
    }
    spillDir = BenchDirs.create("spill-bench-access-");
    SpillManager m = Spillway.newManager(config(spillDir));
    Cache<String, Boolean> c = Caffeine.newBuilder().maximumSize(KEYS).build();
    for (String name : names) {
      m.registerSegment(name, SEGMENT_SIZE);
      c.put(name, Boolean.TRUE);
    }
    manager = m;
    cache = c;
  }

  /** An equal string that is not {@code name}, its hash already computed. */
  private static String copyOf(String name) {
    String copy = new String(name.toCharArray());
    copy.hashCode();
    return copy;
  }

  /** The default configuration in {@code spillDir}, with the policy {@value #POLICY_PROPERTY} names, if any. */
  static SpillConfig config(Path spillDir) {
    SpillConfig.Builder builder = SpillConfig.builder().spillDir(spillDir);
    String policy = System.getProperty(POLICY_PROPERTY, "");
    if (!policy.isBlank()) {
      builder.policy(policy);
    }
    return builder.build();
  }

  /** Closes the manager and deletes its folder. */
  @TearDown(Level.Trial)
  public void tearDown() {
    if (manager != null) {
      manager.close();
    }
    if (spillDir != null) {
      BenchDirs.deleteTree(spillDir);
    }
  }

  /** One thread's position in the shared stream; threads start at different offsets. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    /** Picks a random start so that two threads do not read the same key at the same moment. */
    @Setup(Level.Trial)
    public void setUp() {
      next = new SplittableRandom(Thread.currentThread().getId()).nextInt(STREAM_LENGTH);
    }

    String advance(String[] stream) {
      String key = stream[next];
      next = (next + 1) & STREAM_MASK;
      return key;
    }
  }

  /**
   * Resident managed values for {@link #spillwayHandleGet}: a second manager holding {@link #KEYS} small byte
   * arrays put through {@link SpillManager#put}, and the same Zipf stream as handles. Made only for that benchmark.
   */
  @State(Scope.Benchmark)
  public static class Handles {
    SegmentHandle<?>[] stream = new SegmentHandle<?>[0];
    private @Nullable SpillManager manager;
    private @Nullable Path spillDir;

    /** Puts every value (far under the budget, so none is ever spilled) and builds the handle stream. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
      spillDir = BenchDirs.create("spill-bench-get-");
      SpillManager m = Spillway.newManager(config(spillDir));
      manager = m;
      SegmentHandle<?>[] handles = new SegmentHandle<?>[KEYS];
      for (int i = 0; i < KEYS; i++) {
        handles[i] = m.put("segment-" + i, new byte[VALUE_BYTES], SpillCodecs.bytes());
      }
      int[] ranks = Zipf.ranks(KEYS, ZIPF_EXPONENT, STREAM_LENGTH, 42);
      stream = new SegmentHandle<?>[STREAM_LENGTH];
      for (int i = 0; i < STREAM_LENGTH; i++) {
        stream[i] = handles[ranks[i]];
      }
    }

    /** Closes the manager and deletes its folder. */
    @TearDown(Level.Trial)
    public void tearDown() {
      if (manager != null) {
        manager.close();
      }
      if (spillDir != null) {
        BenchDirs.deleteTree(spillDir);
      }
    }
  }

  /** One {@link SegmentHandle#get()} of a resident managed value; the value is returned so the read stays. */
  @Benchmark
  public Object spillwayHandleGet(Handles handles, Cursor cursor) {
    SegmentHandle<?> handle = handles.stream[cursor.next];
    cursor.next = (cursor.next + 1) & STREAM_MASK;
    return handle.get();
  }

  /** One {@link SpillManager#access} of a resident segment. */
  @Benchmark
  public void spillwayAccess(Cursor cursor) {
    manager().access(cursor.advance(stream));
  }

  /** One {@link Cache#getIfPresent} hit; the value is returned so that the JIT cannot drop the read. */
  @Benchmark
  public @Nullable Boolean caffeineGetIfPresent(Cursor cursor) {
    return cache().getIfPresent(cursor.advance(stream));
  }

  private SpillManager manager() {
    SpillManager m = manager;
    if (m == null) {
      throw new IllegalStateException("not set up");
    }
    return m;
  }

  private Cache<String, Boolean> cache() {
    Cache<String, Boolean> c = cache;
    if (c == null) {
      throw new IllegalStateException("not set up");
    }
    return c;
  }
}
