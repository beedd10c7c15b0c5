package io.spillway.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillPolicy;
import io.spillway.api.spi.SpillPolicyProvider;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A policy's own work per request, with the manager left out: a Zipf(s = {@value #ZIPF_EXPONENT}) stream over
 * {@value #KEYS_PER_SEGMENT} × {@code capacity} keys of one byte, under a budget of {@code capacity} segments,
 * against Caffeine as a cache of the same size seeing the same stream. A request for a resident segment is
 * {@link SpillPolicy#onAccess(int)}; any other is {@link SpillPolicy#onAdmit} or {@link SpillPolicy#onReload},
 * then, over the budget, {@link SpillPolicy#selectVictims} and {@link SpillPolicy#onSpill} of each victim — what the
 * manager asks of a policy, minus its buffering. Caffeine's side is {@code getIfPresent}, and {@code put} on a miss,
 * its maintenance run on the calling thread ({@code executor(Runnable::run)}), so that both do their eviction work
 * within the request.
 *
 * <p>{@code side} is {@value #CAFFEINE} or a policy name; compare the average times of one capacity. Two
 * capacities show whether a policy's cost per request grows with the number of segments (the {@code adaptive}
 * policy samples every segment into its seven experts while the budget holds 1,024 segments or fewer, and about
 * 1,024 of them beyond). One thread: policies are single-threaded. JMH creates and drives instances.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class PolicyBenchmark {
  /** The {@code side} naming the baseline. */
  public static final String CAFFEINE = "caffeine";
  static final double ZIPF_EXPONENT = 0.99;
  static final int KEYS_PER_SEGMENT = 10;
  private static final int STREAM = 1 << 22;
  private static final byte UNKNOWN = 0;
  private static final byte RESIDENT = 1;
  private static final byte SPILLED = 2;
  private static final IntPredicate ANY = id -> true;

  /** Segments the budget holds. */
  @Param({"1000", "100000"})
  public int capacity;

  /** {@value #CAFFEINE} or the name of a policy provider. */
  @Param({CAFFEINE, "adaptive", "w-tinylfu", "lru"})
  public String side = CAFFEINE;

  private int[] stream = new int[0];
  private int position;
  private String[] names = new String[0];
  private byte[] states = new byte[0];
  private long resident;
  private @Nullable SpillPolicy policy;
  private @Nullable Cache<Integer, Boolean> cache;
  private Integer[] boxed = new Integer[0];

  /** Builds the stream and the side, then replays the stream once so that the measurement starts warm. */
  @Setup(Level.Trial)
  public void setUp() {
    int keys = KEYS_PER_SEGMENT * capacity;
    stream = Zipf.ranks(keys, ZIPF_EXPONENT, STREAM, 7);
    boxed = new Integer[keys];
    names = new String[keys];
    for (int k = 0; k < keys; k++) {
      boxed[k] = k;
      names[k] = "segment-" + k;
    }
    states = new byte[keys];
    if (side.equals(CAFFEINE)) {
      cache = Caffeine.newBuilder().maximumSize(capacity).executor(Runnable::run).build();
    } else {
      policy = create(side);
    }
    for (int i = 0; i < STREAM; i++) {
      request();
    }
  }

  /** One request of the stream; true for a hit. */
  @Benchmark
  public boolean request() {
    int key = stream[position];
    position = (position + 1) & (STREAM - 1);
    Cache<Integer, Boolean> c = cache;
    if (c != null) {
      Integer boxedKey = boxed[key];
      if (c.getIfPresent(boxedKey) != null) {
        return true;
      }
      c.put(boxedKey, Boolean.TRUE);
      return false;
    }
    SpillPolicy p = policy;
    if (p == null) {
      throw new IllegalStateException("not set up");
    }
    switch (states[key]) {
      case RESIDENT:
        p.onAccess(key);
        return true;
      case SPILLED:
        p.onReload(key);
        break;
      default:
        p.onAdmit(key, names[key], 1);
        break;
    }
    states[key] = RESIDENT;
    if (++resident > capacity) {
      for (int victim : p.selectVictims(resident - capacity, ANY)) {
        p.onSpill(victim);
        states[victim] = SPILLED;
        resident--;
      }
    }
    return false;
  }

  private static SpillPolicy create(String name) {
    for (SpillPolicyProvider provider : ServiceLoader.load(SpillPolicyProvider.class)) {
      if (provider.name().equals(name)) {
        return provider.create(SpillConfig.builder().build());
      }
    }
    throw new IllegalArgumentException("No policy provider named '" + name + "'");
  }
}
