package io.spillway.core.internal;

import static org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt.forClasses;

import io.spillway.api.SegmentNames;
import io.spillway.api.SpillConfig;
import io.spillway.core.SpillFrames;
import io.spillway.core.testing.InMemorySpillStore;
import io.spillway.core.testing.InMemorySpillStoreProvider;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import kotlin.Unit;
import kotlin.reflect.jvm.ReflectJvmMapping;
import org.jetbrains.lincheck.datastructures.DSLThreadScenario;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Lincheck runs small random scenarios of the manual API (two segment names, sizes 1 to 3, two threads of three
 * calls between a few calls before and after) and checks that every outcome is one the manager itself gives when the
 * same calls run one after another: the calls are linearizable. Stress mode runs the scenarios on real threads;
 * model checking explores their thread switches systematically, at every shared memory access and lock.
 *
 * <p>Two groups of calls are checked apart, because the manager promises atomicity per segment, not one snapshot
 * across the registry and the usage counter: {@link Registry} observes segments through {@code isSpilled},
 * {@link Accounting} through {@code memoryUsage}. A spill marks its segment spilled before it subtracts the size, so a
 * thread may see the segment spilled and still counted (model checking finds {@code register(a, 1)}, then
 * {@code spill(a)} alongside {@code isSpilled(a) = true; memoryUsage() = 1}); that mix is weakly consistent by design
 * and is left out.
 *
 * <p>{@code reload} runs in stress mode only: it reads the stored copy through a {@code SeekableByteChannel}, and
 * Lincheck's model checker (3.7) refuses every call on a {@code java.nio.channels} type ("Nio.Channels are not
 * supported yet"), even on the in-memory store's channel.
 */
class DefaultSpillManagerLincheckTest {
  private static final String[] NAMES = {"a", "b"};
  private static final SpillConfig CONFIG = SpillConfig.builder().maxMemory(1_000).minSpillSize(0)
      .store(InMemorySpillStoreProvider.NAME).build();
  private static final SpillFrames FRAMES = SpillFrames.create(CONFIG);

  @Test
  void modelChecking_registryCallsAreLinearizable() {
    modelChecking().check(Registry.class);
  }

  @Test
  void modelChecking_usageIsLinearizableWithTheCallsThatChangeIt() {
    // The first scenario failed before registerSegment folded the replaced segment's size into one update: a reader
    // could see the usage with neither the old nor the new segment counted (0 here, where only 1 or 2 are right).
    modelChecking().addCustomScenario(scenario -> {
      scenario.initial(init -> call(init, "register", 0, 1));
      scenario.parallel(threads -> {
        threads.thread(t -> call(t, "register", 0, 2));
        threads.thread(t -> call(t, "memoryUsage"));
        return Unit.INSTANCE;
      });
      return Unit.INSTANCE;
    }).check(Accounting.class);
  }

  @Test
  void stress_registryCallsWithReloadAreLinearizable() {
    stress().check(RegistryWithReload.class);
  }

  @Test
  void stress_usageWithReloadIsLinearizable() {
    stress().check(AccountingWithReload.class);
  }

  private static ModelCheckingOptions modelChecking() {
    // Many short scenarios rather than many runs of a few: a bad interleaving needs the right calls first, and model
    // checking finds its thread switch within a few runs. Single-threaded code (frame encoding, the policy, which
    // runs under the policy lock, logging) is run without thread switches inside, which keeps each run cheap.
    return new ModelCheckingOptions().iterations(20).invocationsPerIteration(20).threads(2).actorsPerThread(3)
        .actorsBefore(2).actorsAfter(2)
        .addGuarantee(forClasses(SpillFrames.class.getName(), ColdnessPolicy.class.getName(),
            SegmentNames.class.getName()).allMethods().treatAsAtomic())
        .addGuarantee(forClasses(name -> name.startsWith("org.slf4j.") || name.startsWith("ch.qos.logback."))
            .allMethods().treatAsAtomic());
  }

  private static StressOptions stress() {
    return new StressOptions().iterations(5).invocationsPerIteration(300).threads(2).actorsPerThread(3)
        .actorsBefore(2).actorsAfter(2);
  }

  /**
   * A fresh manager per scenario, over the in-memory store and the coldness policy, and the calls that change
   * segments. Each call returns its result or the simple name of the exception it threw, so that failures compare as
   * outcomes too; spill returns its location and each name spills a payload of its own length, so that a mix-up
   * shows.
   */
  @Param(name = "segment", gen = IntGen.class, conf = "0:1")
  @Param(name = "size", gen = IntGen.class, conf = "1:3")
  public abstract static class Calls {
    // A fixed store session id: a random one would grow the session map with every scenario and differ between
    // model checking's replays.
    final DefaultSpillManager manager = new DefaultSpillManager(CONFIG, new ColdnessPolicy(0.5),
        new InMemorySpillStore("lincheck"), InMemorySpillStoreProvider.NAME, FRAMES);

    @Operation
    public Object register(@Param(name = "segment") int segment, @Param(name = "size") int size) {
      return outcome(() -> {
        manager.registerSegment(NAMES[segment], size);
        return "ok";
      });
    }

    @Operation
    public Object unregister(@Param(name = "segment") int segment) {
      return outcome(() -> manager.unregisterSegment(NAMES[segment]));
    }

    @Operation
    public Object updateSize(@Param(name = "segment") int segment, @Param(name = "size") int size) {
      return outcome(() -> {
        manager.updateSize(NAMES[segment], size);
        return "ok";
      });
    }

    @Operation
    public Object spill(@Param(name = "segment") int segment) {
      return outcome(() -> manager.spill(NAMES[segment], new byte[3 + 2 * segment]).toString());
    }

    /** The payload's length, or "resident". */
    Object reloadSegment(int segment) {
      return outcome(() -> {
        Optional<byte[]> bytes = manager.reload(NAMES[segment]);
        return bytes.<Object>map(b -> b.length).orElse("resident");
      });
    }
  }

  /**
   * The calls that change segments, observed through {@code isSpilled}; with {@code access}, whose only effect (on
   * the policy) no call here observes, but which drains the access buffer concurrently with the others.
   */
  public static class Registry extends Calls {
    @Operation
    public Object access(@Param(name = "segment") int segment) {
      return outcome(() -> {
        manager.access(NAMES[segment]);
        return "ok";
      });
    }

    @Operation
    public Object isSpilled(@Param(name = "segment") int segment) {
      return outcome(() -> manager.isSpilled(NAMES[segment]));
    }
  }

  /** {@link Registry} with {@code reload}. */
  public static class RegistryWithReload extends Registry {
    @Operation
    public Object reload(@Param(name = "segment") int segment) {
      return reloadSegment(segment);
    }
  }

  /** The calls that change segments, observed through {@code memoryUsage}. */
  public static class Accounting extends Calls {
    @Operation
    public Object memoryUsage() {
      return outcome(manager::memoryUsage);
    }
  }

  /** {@link Accounting} with {@code reload}. */
  public static class AccountingWithReload extends Accounting {
    @Operation
    public Object reload(@Param(name = "segment") int segment) {
      return reloadSegment(segment);
    }
  }

  /** Adds a call of the {@link Accounting} operation {@code name} to a custom scenario. */
  private static Unit call(DSLThreadScenario thread, String name, Object... args) {
    Class<?>[] types = new Class<?>[args.length];
    Arrays.fill(types, int.class);
    try {
      thread.actor(Objects.requireNonNull(ReflectJvmMapping.getKotlinFunction(Accounting.class.getMethod(name, types))),
          args);
    } catch (NoSuchMethodException e) {
      throw new AssertionError(e);
    }
    return Unit.INSTANCE;
  }

  private static Object outcome(Supplier<Object> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return e.getClass().getSimpleName();
    }
  }
}
