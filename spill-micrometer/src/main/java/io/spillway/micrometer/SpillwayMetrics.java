package io.spillway.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.spillway.api.LatencySummary;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillStats;
import java.lang.ref.WeakReference;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * A Micrometer {@link MeterBinder} that publishes a {@link SpillManager}'s statistics ({@link SpillManager#stats()})
 * as meters named {@code spillway.*}, in the manner of Micrometer's {@code CaffeineCacheMetrics}.
 *
 * <pre>{@code
 * SpillManager manager = Spillway.newManager(config);
 * new SpillwayMetrics(manager, "index").bindTo(registry);
 * // or: SpillwayMetrics.monitor(registry, manager, "index");
 * }</pre>
 *
 * <h2>Meters</h2>
 * Every meter carries the tags {@code name} (given to the constructor), {@code store}
 * ({@link SpillManager#storeName()}, such as {@code file} or {@code s3}) and {@code policy}
 * ({@link SpillManager#policyName()}, such as {@code adaptive}), plus any extra tags given to the constructor.
 * Sizes are in bytes and times in seconds, Micrometer's base units; a registry may rename them to its own
 * conventions (Prometheus, for example, writes {@code spillway.spills} as {@code spillway_spills_total} and
 * {@code spillway.memory.used} as {@code spillway_memory_used_bytes}).
 * <table>
 *   <caption>Meters of {@code SpillwayMetrics}</caption>
 *   <tr><th>name</th><th>type</th><th>extra tag</th><th>unit</th><th>value ({@link SpillStats} component)</th></tr>
 *   <tr><td>{@code spillway.memory.used}</td><td>gauge</td><td></td><td>bytes</td>
 *       <td>registered bytes of the resident segments ({@code memoryUsage})</td></tr>
 *   <tr><td>{@code spillway.memory.max}</td><td>gauge</td><td></td><td>bytes</td>
 *       <td>the memory budget ({@code maxMemory})</td></tr>
 *   <tr><td>{@code spillway.store.used}</td><td>gauge</td><td></td><td>bytes</td>
 *       <td>bytes the store holds for the manager, frames included ({@code storeUsage}); NaN when the store cannot
 *       tell</td></tr>
 *   <tr><td>{@code spillway.segments}</td><td>gauge</td><td>{@code state}: {@code resident}, {@code spilled}</td>
 *       <td>segments</td><td>registered segments in memory ({@code segmentCount - spilledCount}) and spilled
 *       ({@code spilledCount})</td></tr>
 *   <tr><td>{@code spillway.spills}</td><td>function counter</td><td>{@code result}: {@code success},
 *       {@code failure}</td><td>spills</td><td>completed spills, each a write to the store
 *       ({@code spillOperations}), and failed ones ({@code spillFailures}; the segment stayed resident)</td></tr>
 *   <tr><td>{@code spillway.reloads}</td><td>function counter</td><td>{@code result}: {@code success},
 *       {@code failure}</td><td>reloads</td><td>completed reloads ({@code reloadOperations}) and failed ones, corrupt
 *       frames included ({@code reloadFailures}; the segment stayed spilled)</td></tr>
 *   <tr><td>{@code spillway.spilled.bytes}</td><td>function counter</td><td></td><td>bytes</td>
 *       <td>payload bytes written to the store ({@code bytesSpilled})</td></tr>
 *   <tr><td>{@code spillway.reloaded.bytes}</td><td>function counter</td><td></td><td>bytes</td>
 *       <td>payload bytes read back and verified ({@code bytesReloaded})</td></tr>
 *   <tr><td>{@code spillway.spill.duration}</td><td>function timer</td><td></td><td>seconds</td>
 *       <td>count and total time of the completed spills ({@code spillLatency})</td></tr>
 *   <tr><td>{@code spillway.reload.duration}</td><td>function timer</td><td></td><td>seconds</td>
 *       <td>count and total time of the completed reloads ({@code reloadLatency})</td></tr>
 *   <tr><td>{@code spillway.budget.wait.duration}</td><td>function timer</td><td></td><td>seconds</td>
 *       <td>callers that found no room in the memory budget and blocked ({@code put}, {@code get}, {@code set},
 *       {@code pin}), and how long they waited in all, whatever the wait ended with ({@code budgetWaits})</td></tr>
 *   <tr><td>{@code spillway.budget.exceeded}</td><td>function counter</td><td></td><td>(callers)</td>
 *       <td>callers that gave up with {@code SpillBudgetExceededException} ({@code budgetExceeded})</td></tr>
 *   <tr><td>{@code spillway.corrupt.frames}</td><td>function counter</td><td></td><td>frames</td>
 *       <td>stored frames that failed verification, on reload or when a persistent session was taken over
 *       ({@code corruptFrames})</td></tr>
 * </table>
 * The latency percentiles of {@link SpillStats} are not published: a registry's own histograms cannot be fed from
 * them. For the individual operations (which segment, how many bytes, how long), record the manager's Flight
 * Recorder events ({@code io.spillway.Spill}, {@code io.spillway.Reload}, {@code io.spillway.CorruptFrame},
 * {@code io.spillway.BudgetWait}; see {@code io.spillway.core.Spillway}).
 *
 * <h2>Lifecycle</h2>
 * The meters read {@link SpillManager#stats()} whenever the registry publishes, and hold the manager weakly, as
 * Micrometer's function meters do: they do not keep a manager the application dropped from being collected (its
 * meters then read NaN). Once the manager is closed, its gauges read NaN and its counters and timers keep the last
 * values they read, so that a rate never goes negative; remove the meters from the registry when they are no longer
 * wanted ({@code registry.getMeters()} filtered by the {@code name} tag). Binding again to a registry that has the
 * meters, with this binder or another of the same name, tags and manager, registers nothing twice: Micrometer
 * returns the meters it has. Two managers bound under one name, store and policy would share meters (the first
 * one's); give each its own name.
 *
 * <p>Thread-safe; {@link #bindTo} may be called for several registries. Each publication takes one statistics
 * snapshot per meter, which reads the manager's counters and asks the store for its usage.
 */
public final class SpillwayMetrics implements MeterBinder {
  /** Weak, as the meters hold it: the binder, which their functions reach, must not keep the manager alive. */
  private final WeakReference<SpillManager> manager;
  private final Tags tags;
  /** The snapshot the counters and timers fall back on once the manager is closed. */
  private volatile SpillStats last;

  /**
   * A binder for {@code manager}'s meters, tagged {@code name}, {@code store} and {@code policy}.
   *
   * @param name the {@code name} tag, which tells this manager's meters from another's
   * @throws IllegalStateException if {@code manager} is closed
   */
  public SpillwayMetrics(SpillManager manager, String name) {
    this(manager, name, Tags.empty());
  }

  /**
   * A binder for {@code manager}'s meters, tagged {@code name}, {@code store}, {@code policy} and {@code tags}.
   *
   * @param name the {@code name} tag, which tells this manager's meters from another's
   * @param tags further tags for every meter
   * @throws IllegalStateException if {@code manager} is closed
   */
  public SpillwayMetrics(SpillManager manager, String name, Iterable<Tag> tags) {
    Objects.requireNonNull(manager, "manager");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(tags, "tags");
    this.tags = Tags.concat(tags, "name", name, "store", manager.storeName(), "policy", manager.policyName());
    this.last = manager.stats();
    this.manager = new WeakReference<>(manager);
  }

  /**
   * Binds {@code manager}'s meters to {@code registry} and returns the manager, for use in an expression.
   *
   * @param tags further tags, as key-value pairs
   * @throws IllegalStateException if {@code manager} is closed
   */
  public static <M extends SpillManager> M monitor(MeterRegistry registry, M manager, String name, String... tags) {
    return monitor(registry, manager, name, Tags.of(tags));
  }

  /**
   * Binds {@code manager}'s meters to {@code registry} and returns the manager, for use in an expression.
   *
   * @param tags further tags
   * @throws IllegalStateException if {@code manager} is closed
   */
  public static <M extends SpillManager> M monitor(MeterRegistry registry, M manager, String name,
      Iterable<Tag> tags) {
    new SpillwayMetrics(manager, name, tags).bindTo(registry);
    return manager;
  }

  /** Registers the meters in {@code registry}; none if the manager was collected meanwhile. */
  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    SpillManager manager = this.manager.get();
    if (manager == null) {
      return;
    }
    gauge(registry, manager, "spillway.memory.used", "Registered bytes of the resident segments",
        SpillStats::memoryUsage);
    gauge(registry, manager, "spillway.memory.max", "The memory budget", SpillStats::maxMemory);
    gauge(registry, manager, "spillway.store.used", "Bytes the store holds for the manager, frames included",
        s -> s.storeUsage() < 0 ? Double.NaN : s.storeUsage());
    Gauge.builder("spillway.segments", manager, live(s -> (double) s.segmentCount() - s.spilledCount()))
        .tags(tags).tag("state", "resident").description("Registered segments in memory").baseUnit("segments")
        .register(registry);
    Gauge.builder("spillway.segments", manager, live(SpillStats::spilledCount))
        .tags(tags).tag("state", "spilled").description("Registered segments spilled to the store")
        .baseUnit("segments").register(registry);

    counter(registry, manager, "spillway.spills", "success", "Completed spills, each a write to the store",
        "spills", SpillStats::spillOperations);
    counter(registry, manager, "spillway.spills", "failure", "Spills that failed; the segment stayed resident",
        "spills", SpillStats::spillFailures);
    counter(registry, manager, "spillway.reloads", "success", "Completed reloads", "reloads",
        SpillStats::reloadOperations);
    counter(registry, manager, "spillway.reloads", "failure",
        "Reloads that failed, corrupt frames included; the segment stayed spilled", "reloads",
        SpillStats::reloadFailures);
    counter(registry, manager, "spillway.spilled.bytes", null, "Payload bytes written to the store",
        BaseUnits.BYTES, SpillStats::bytesSpilled);
    counter(registry, manager, "spillway.reloaded.bytes", null, "Payload bytes read back and verified",
        BaseUnits.BYTES, SpillStats::bytesReloaded);
    counter(registry, manager, "spillway.budget.exceeded", null,
        "Callers that gave up waiting for room in the memory budget (SpillBudgetExceededException)", null,
        SpillStats::budgetExceeded);
    counter(registry, manager, "spillway.corrupt.frames", null, "Stored frames that failed verification",
        "frames", SpillStats::corruptFrames);

    timer(registry, manager, "spillway.spill.duration", "Completed spills: framing and the store's write",
        SpillStats::spillLatency);
    timer(registry, manager, "spillway.reload.duration", "Completed reloads: the store's read and verification",
        SpillStats::reloadLatency);
    timer(registry, manager, "spillway.budget.wait.duration",
        "Callers that blocked for room in the memory budget, and how long", SpillStats::budgetWaits);
  }

  private void gauge(MeterRegistry registry, SpillManager manager, String name, String description,
      ToDoubleFunction<SpillStats> value) {
    Gauge.builder(name, manager, live(value)).tags(tags).description(description).baseUnit(BaseUnits.BYTES)
        .register(registry);
  }

  private void counter(MeterRegistry registry, SpillManager manager, String name, @Nullable String result,
      String description, @Nullable String unit, ToLongFunction<SpillStats> value) {
    FunctionCounter.Builder<SpillManager> builder = FunctionCounter.builder(name, manager,
        m -> (double) value.applyAsLong(read(m))).tags(tags).description(description).baseUnit(unit);
    if (result != null) {
      builder.tag("result", result);
    }
    builder.register(registry);
  }

  private void timer(MeterRegistry registry, SpillManager manager, String name, String description,
      Function<SpillStats, LatencySummary> latency) {
    FunctionTimer.builder(name, manager, m -> latency.apply(read(m)).count(),
        m -> latency.apply(read(m)).total().toNanos(), TimeUnit.NANOSECONDS)
        .tags(tags).description(description).register(registry);
  }

  /** A gauge's value: from a fresh snapshot, or NaN once the manager is closed. */
  private static ToDoubleFunction<SpillManager> live(ToDoubleFunction<SpillStats> value) {
    return m -> {
      SpillStats stats;
      try {
        stats = m.stats();
      } catch (IllegalStateException closed) {
        return Double.NaN;
      }
      return value.applyAsDouble(stats);
    };
  }

  /** A fresh snapshot, or the last one read once the manager is closed: counters never go back. */
  private SpillStats read(SpillManager m) {
    try {
      SpillStats stats = m.stats();
      last = stats;
      return stats;
    } catch (IllegalStateException closed) {
      return last;
    }
  }
}
