package io.spillway.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillPolicy;
import io.spillway.api.spi.SpillPolicyProvider;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every {@link SpillPolicy} and its {@link SpillPolicyProvider} must honour, as a JUnit 5 test
 * class to extend. Every policy bundled with Spillway passes it, and so should yours.
 *
 * <p><b>How a plugin author uses it.</b> Add the test kit as a test dependency (it brings JUnit 5's API and
 * AssertJ; the JUnit engine comes from your own build):
 *
 * <pre>{@code
 * <dependency>
 *   <groupId>io.spillway</groupId>
 *   <artifactId>spill-testkit</artifactId>
 *   <scope>test</scope>
 * </dependency>
 * }</pre>
 *
 * then extend this class in your test sources and say which provider and policy to test:
 *
 * <pre>{@code
 * class MyPolicyTest extends SpillPolicyContractTest {
 *   @Override
 *   protected SpillPolicyProvider provider() {
 *     return new MyPolicyProvider();
 *   }
 *
 *   @Override
 *   protected SpillPolicy newPolicy(SpillConfig config) {
 *     return provider().create(config);
 *   }
 *
 *   // Ranking tests of your own: the contract says nothing about which victims come first.
 *   @Test
 *   void selectVictims_prefersTheLargestSegment() {
 *     CheckedSpillPolicy policy = checkedPolicy();
 *     policy.admit(10, "small");
 *     policy.admit(1_000, "large");
 *     assertThat(policy.victims(1)).containsExactly("large");
 *   }
 * }
 * }</pre>
 *
 * <p>The inherited tests check the provider (a non-blank, unique name; a public class with a public no-arg
 * constructor; registered in {@code META-INF/services/io.spillway.api.spi.SpillPolicyProvider} so that
 * {@link ServiceLoader} finds it; {@code create} returning a new, independent policy on each call) and the
 * policy's answers to {@link SpillPolicy#selectVictims}: victims are resident, known, eligible and distinct;
 * they free at least what was asked and no more victims are added once that is reached; all eligible segments
 * are returned when together they hold less; removed segments never come back, and an id given to a new segment
 * after a removal carries nothing of the old one; resizes, spills and reloads are taken into account; a batch of
 * accesses has the effect of the same accesses one by one. Segments are numbered as the core numbers them (freed
 * ids reused first). Seeded random tests drive thousands of events through the policy and check every answer
 * against a model of residency, sizes and eligibility.
 *
 * <p><b>Hook for ranking tests.</b> The contract leaves the order of victims to the policy, so it is up to the
 * subclass to test it: add ordinary {@code @Test} methods and build each scenario on {@link #checkedPolicy()},
 * which wraps a new policy in a {@link CheckedSpillPolicy} so that every answer of a ranking test is also
 * checked against the contract. {@link CheckedSpillPolicy#ranking()} gives the full order of the resident
 * segments.
 *
 * <p>Each test makes its own policies and calls them from the test's thread only, as the core would, so tests
 * share nothing and may run in parallel; {@link #config()} may be overridden to test a policy under non-default
 * settings. A broken contract fails the test with an {@link AssertionError} that says which rule was broken and
 * shows the model's view of the segments; the random test also names its seed and step.
 */
public abstract class SpillPolicyContractTest {
  /** A predicate that accepts every segment. */
  protected static final Predicate<String> ANY_SEGMENT = segment -> true;

  /** For subclasses. */
  protected SpillPolicyContractTest() {}

  /** The provider under test. May return a new instance on each call. */
  protected abstract SpillPolicyProvider provider();

  /** A new, empty policy under test, made with {@code config}; usually {@code provider().create(config)}. */
  protected abstract SpillPolicy newPolicy(SpillConfig config);

  /** The configuration the policies under test are made with; the defaults unless overridden. */
  protected SpillConfig config() {
    return SpillConfig.defaults();
  }

  /** A new policy under test, wrapped so that every answer is checked against the contract. */
  protected final CheckedSpillPolicy checkedPolicy() {
    SpillPolicy policy = newPolicy(config());
    assertThat(policy).as("newPolicy(config) result").isNotNull();
    return new CheckedSpillPolicy(policy);
  }

  // ---------------------------------------------------------------------------------------------- provider

  @Test
  void provider_name_isNotBlankAndStable() {
    SpillPolicyProvider provider = provider();
    String name = provider.name();
    assertThat(name).as("provider name").isNotNull().isNotBlank().isEqualTo(provider.name());
    assertThat(newProviderInstance().name()).as("name of a provider made by its no-arg constructor").isEqualTo(name);
  }

  @Test
  void provider_class_isPublicWithPublicNoArgConstructor() throws NoSuchMethodException {
    Class<? extends SpillPolicyProvider> type = provider().getClass();
    assertThat(Modifier.isPublic(type.getModifiers())).as("%s is public", type.getName()).isTrue();
    assertThat(Modifier.isAbstract(type.getModifiers())).as("%s is abstract", type.getName()).isFalse();
    Constructor<? extends SpillPolicyProvider> constructor = type.getConstructor();
    assertThat(Modifier.isPublic(constructor.getModifiers())).isTrue();
    assertThat(newProviderInstance()).isInstanceOf(type);
  }

  @Test
  void provider_isRegisteredWithServiceLoader() {
    Class<? extends SpillPolicyProvider> type = provider().getClass();
    String name = provider().name();
    List<String> sameName = new ArrayList<>();
    boolean found = false;
    for (ServiceLoader.Provider<SpillPolicyProvider> candidate
        : ServiceLoader.load(SpillPolicyProvider.class, type.getClassLoader()).stream().toList()) {
      if (candidate.type() == type) {
        found = true;
        assertThat(candidate.get().name()).as("name of the provider ServiceLoader made").isEqualTo(name);
      } else if (candidate.get().name().equals(name)) {
        sameName.add(candidate.type().getName());
      }
    }
    assertThat(found)
        .as("ServiceLoader finds %s: list it in META-INF/services/%s", type.getName(),
            SpillPolicyProvider.class.getName())
        .isTrue();
    assertThat(sameName).as("other providers named '%s' on the class path", name).isEmpty();
  }

  @Test
  void provider_create_returnsNewIndependentPolicyEachCall() {
    SpillPolicyProvider provider = provider();
    SpillPolicy first = provider.create(config());
    SpillPolicy second = provider.create(config());
    assertThat(first).isNotNull();
    assertThat(second).isNotNull().isNotSameAs(first);

    CheckedSpillPolicy checkedFirst = new CheckedSpillPolicy(first);
    CheckedSpillPolicy checkedSecond = new CheckedSpillPolicy(second);
    checkedFirst.admit(100, "a");
    assertThat(checkedSecond.ranking()).as("a new policy must not see another policy's segments").isEmpty();
    checkedSecond.admit(50, "b");
    assertThat(checkedFirst.ranking()).containsExactly("a");
    assertThat(checkedSecond.ranking()).containsExactly("b");
  }

  // ------------------------------------------------------------------------------------ selectVictims basics

  @Test
  void selectVictims_nonPositiveRequest_returnsEmpty() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(100, "a", "b", "c");
    assertThat(policy.victims(0)).isEmpty();
    assertThat(policy.victims(-1)).isEmpty();
    assertThat(policy.victims(Long.MIN_VALUE)).isEmpty();
  }

  @Test
  void selectVictims_noSegments_returnsEmpty() {
    CheckedSpillPolicy policy = checkedPolicy();
    assertThat(policy.victims(1)).isEmpty();
    assertThat(policy.victims(Long.MAX_VALUE)).isEmpty();
  }

  @Test
  void selectVictims_requestWithinEligibleTotal_freesEnoughAndStops() {
    CheckedSpillPolicy policy = checkedPolicy();
    for (int i = 0; i < 10; i++) {
      policy.admit(100, "s" + i);
    }
    assertThat(policy.victims(1)).hasSize(1);
    assertThat(policy.victims(100)).hasSize(1);
    assertThat(policy.victims(101)).hasSize(2);
    assertThat(policy.victims(250)).hasSize(3);
    assertThat(policy.victims(1_000)).hasSize(10);
  }

  @Test
  void selectVictims_mixedSizes_freesEnoughAndStops() {
    CheckedSpillPolicy policy = checkedPolicy();
    long[] sizes = {1, 7, 1_000, 3, 250, 64, 0, 4_096, 12, 500};
    for (int i = 0; i < sizes.length; i++) {
      policy.admit(sizes[i], "s" + i);
    }
    // CheckedSpillPolicy checks each answer: enough bytes, and not one victim more than needed.
    for (long request = 1; request <= 6_000; request += 37) {
      policy.victims(request);
    }
  }

  @Test
  void selectVictims_requestAboveEligibleTotal_returnsAllEligible() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(10, "a");
    policy.admit(20, "b");
    policy.admit(30, "c");
    assertThat(policy.victims(61)).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(policy.victims(Long.MAX_VALUE)).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(policy.victims(60)).containsExactlyInAnyOrder("a", "b", "c");
  }

  @Test
  void selectVictims_zeroSizeSegments_returnedWhenEverythingIsAsked() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(0, "empty1", "empty2");
    policy.admit(10, "a");
    assertThat(policy.victims(11)).containsExactlyInAnyOrder("empty1", "empty2", "a");
    assertThat(policy.victims(10)).contains("a");
  }

  @Test
  void selectVictims_spilledSegments_neverReturned() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(100, "a", "b", "c", "d");
    policy.spill("b", "d");
    assertThat(policy.ranking()).containsExactlyInAnyOrder("a", "c");
    assertThat(policy.victims(200)).containsExactlyInAnyOrder("a", "c");
    policy.spill("a", "c");
    assertThat(policy.ranking()).isEmpty();
  }

  @Test
  void selectVictims_predicate_onlyEligibleReturned() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(100, "keep1", "a", "keep2", "b", "keep3", "c");
    Predicate<String> eligible = segment -> !segment.startsWith("keep");
    assertThat(policy.victims(Long.MAX_VALUE, eligible)).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(policy.victims(150, eligible)).hasSize(2).doesNotContain("keep1", "keep2", "keep3");
    assertThat(policy.victims(100, segment -> segment.equals("keep2"))).containsExactly("keep2");
  }

  @Test
  void selectVictims_predicateOnIds_onlyEligibleIdsReturned() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(100, "a", "b", "c", "d");
    int b = policy.idOf("b");
    int d = policy.idOf("d");
    IntPredicate eligible = id -> id == b || id == d;
    assertThat(policy.selectVictims(Long.MAX_VALUE, eligible)).containsExactlyInAnyOrder(b, d);
    assertThat(policy.selectVictims(100, eligible)).hasSize(1).containsAnyOf(b, d);
  }

  @Test
  void selectVictims_nothingEligible_returnsEmpty() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(100, "a", "b");
    assertThat(policy.selectVictims(Long.MAX_VALUE, id -> false)).isEmpty();
    assertThat(policy.selectVictims(1, id -> false)).isEmpty();
  }

  @Test
  void selectVictims_repeated_choosingIsNotSpilling() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(100, "a", "b", "c");
    List<String> first = policy.victims(100);
    assertThat(first).hasSize(1);
    // Nothing was spilled, so the segment chosen is still resident and a candidate.
    assertThat(policy.ranking()).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(policy.ranking()).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(policy.victims(300)).containsExactlyInAnyOrder("a", "b", "c");
  }

  @Test
  void selectVictims_result_staysValidWhileVictimsAreSpilled() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(100, "a", "b", "c", "d", "e");
    int[] victims = policy.selectVictims(300, id -> true);
    int[] snapshot = victims.clone();
    // The core spills victims one by one while walking the array it was given.
    for (int victim : victims) {
      policy.onSpill(victim);
    }
    policy.selectVictims(Long.MAX_VALUE, id -> true);
    assertThat(victims).as("the returned array must not change as segments are spilled").isEqualTo(snapshot);
    assertThat(policy.ranking()).hasSize(2);
    for (int victim : snapshot) {
      assertThat(policy.ranking()).doesNotContain(policy.nameOf(victim));
    }
  }

  @Test
  void onAccess_manyAccesses_membershipUnchanged() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(100, "a", "b", "c");
    for (int i = 0; i < 1_000; i++) {
      policy.access(i % 3 == 0 ? "a" : "b");
    }
    assertThat(policy.ranking()).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(policy.victims(200)).hasSize(2);
  }

  // ------------------------------------------------------------------------------------------ removal

  @Test
  void onRemove_residentAndSpilled_neverReturnedAgain() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(100, "a", "b", "c");
    policy.access("b");
    policy.onRemove("b");
    policy.spill("c");
    policy.onRemove("c");
    assertThat(policy.ranking()).containsExactly("a");
    assertThat(policy.victims(100)).containsExactly("a");
  }

  @Test
  void onAdmit_afterRemove_onlyNewSegmentCounts() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(1, "a");
    policy.access("a");
    policy.onRemove("a");
    policy.admit(100, "a", "b");
    // A stale size of 1 for "a" would make the policy add "b" after it.
    assertThat(policy.victims(100)).hasSize(1);
    assertThat(policy.ranking()).containsExactlyInAnyOrder("a", "b");
    assertThat(policy.victims(Long.MAX_VALUE, "a"::equals)).containsExactly("a");
  }

  @Test
  void onAdmit_idOfRemovedSegment_newSegmentStartsFresh() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(1, "old");
    int id = policy.idOf("old");
    policy.access("old", "old", "old");
    policy.spill("old");
    policy.onRemove("old");
    policy.admit(100, "new");
    assertThat(policy.idOf("new")).as("the core reuses the freed id first").isEqualTo(id);
    policy.admit(100, "other");
    // A stale size of 1 or a spilled flag kept from "old" would show here.
    assertThat(policy.ranking()).containsExactlyInAnyOrder("new", "other");
    assertThat(policy.victims(200)).hasSize(2);
    assertThat(policy.victims(Long.MAX_VALUE, "new"::equals)).containsExactly("new");
  }

  @Test
  void onAdmit_manySegments_everyIdTracked() {
    CheckedSpillPolicy policy = checkedPolicy();
    for (int i = 0; i < 5_000; i++) {
      policy.onAdmit("s" + i, 10);
    }
    for (int i = 0; i < 5_000; i += 2) {
      policy.onRemove("s" + i);
    }
    assertThat(policy.ranking()).hasSize(2_500).allMatch(name -> Integer.parseInt(name.substring(1)) % 2 == 1);
    assertThat(policy.victims(Long.MAX_VALUE, "s4999"::equals)).containsExactly("s4999");
  }

  @Test
  void onAdmit_afterRemovingSpilledSegment_newSegmentIsResident() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(100, "x", "y");
    policy.spill("x");
    policy.onRemove("x");
    policy.admit(30, "x");
    assertThat(policy.ranking()).containsExactlyInAnyOrder("x", "y");
    assertThat(policy.victims(30, "x"::equals)).containsExactly("x");
  }

  // -------------------------------------------------------------------------------------- resize, reload

  @Test
  void onResize_residentGrows_newSizeCounts() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(1, "a", "b", "c");
    policy.resize("a", 100);
    policy.resize("b", 100);
    policy.resize("c", 100);
    assertThat(policy.victims(100)).hasSize(1);
    assertThat(policy.victims(201)).hasSize(3);
  }

  @Test
  void onResize_residentShrinks_newSizeCounts() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(100, "a", "b", "c");
    policy.resize("a", 1);
    policy.resize("b", 1);
    policy.resize("c", 1);
    assertThat(policy.victims(2)).hasSize(2);
    assertThat(policy.victims(3)).hasSize(3);
  }

  @Test
  void onResize_spilledThenReloaded_newSizeCounts() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(1, "a", "b", "c");
    policy.admit(100, "d", "e", "f");
    policy.spill("a", "b", "c", "d", "e", "f");
    policy.resize("a", 100);
    policy.resize("b", 100);
    policy.resize("c", 100);
    policy.resize("d", 1);
    policy.resize("e", 1);
    policy.resize("f", 1);
    assertThat(policy.ranking()).as("resizing a spilled segment does not make it resident").isEmpty();
    policy.reload("a", "b", "c");
    assertThat(policy.victims(100)).hasSize(1);
    assertThat(policy.victims(201)).hasSize(3);
    policy.spill("a", "b", "c");
    policy.reload("d", "e", "f");
    assertThat(policy.victims(2)).hasSize(2);
    assertThat(policy.victims(3)).hasSize(3);
  }

  @Test
  void onReload_spilledSegment_isCandidateAgain() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(100, "a", "b");
    policy.spill("a");
    assertThat(policy.ranking()).containsExactly("b");
    policy.reload("a");
    assertThat(policy.ranking()).containsExactlyInAnyOrder("a", "b");
    assertThat(policy.victims(100, "a"::equals)).containsExactly("a");
    policy.spill("a", "b");
    policy.reload("b");
    assertThat(policy.ranking()).containsExactly("b");
  }

  // -------------------------------------------------------------------------------------------- random

  /**
   * Thousands of random events over a few hundred segments, with every answer checked by the model. Victims are
   * often spilled right away, as the core does.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1L, 42L, 0x5EED_CAFEL, 20_261_125L})
  void selectVictims_randomOperations_matchModel(long seed) {
    Random random = new Random(seed);
    CheckedSpillPolicy policy = checkedPolicy();
    int segmentCount = 300;
    int selections = 0;
    for (int step = 0; step < 20_000; step++) {
      String segment = "seg-" + random.nextInt(segmentCount);
      try {
        if (random.nextInt(10) == 0) {
          selections++;
          RandomPolicyEvents.select(policy, random);
        } else if (!policy.isKnown(segment)) {
          policy.onAdmit(segment, RandomPolicyEvents.randomSize(random));
        } else if (policy.isResident(segment)) {
          int choice = random.nextInt(20);
          if (choice < 12) {
            policy.onAccess(segment);
          } else if (choice < 15) {
            policy.resize(segment, RandomPolicyEvents.randomSize(random));
          } else if (choice < 19) {
            policy.onSpill(segment);
          } else {
            policy.onRemove(segment);
          }
        } else {
          int choice = random.nextInt(10);
          if (choice < 6) {
            policy.onReload(segment);
            if (choice < 3) {
              // As the core does after a reload that read the store: what it cost, for cost-aware policies.
              policy.onReloadCost(segment, random.nextInt(50_000_000));
            }
          } else if (choice < 9) {
            policy.resize(segment, RandomPolicyEvents.randomSize(random));
          } else {
            policy.onRemove(segment);
          }
        }
      } catch (AssertionError e) {
        throw new AssertionError("seed " + seed + ", step " + step + ": " + e.getMessage(), e);
      }
    }
    assertThat(selections).isGreaterThan(1_000);
  }

  // -------------------------------------------------------------------------------------------- batches

  /**
   * Two policies see the same random events, one told of each access on its own, the other of most accesses in
   * batches ({@link SpillPolicy#onAccess(int[], int)}, the array reused), delivered before any other event as the
   * core does: they must choose the same victims every time.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {7L, 2_026L})
  void onAccess_batches_chooseAsSingleAccesses(long seed) {
    Random random = new Random(seed);
    CheckedSpillPolicy single = checkedPolicy();
    CheckedSpillPolicy batched = checkedPolicy();
    int[] batch = new int[8];
    int pending = 0;
    for (int step = 0; step < 10_000; step++) {
      String segment = "seg-" + random.nextInt(200);
      int choice = random.nextInt(20);
      if (!single.isKnown(segment)) {
        pending = RandomPolicyEvents.deliver(batched, batch, pending);
        long size = RandomPolicyEvents.randomSize(random);
        single.onAdmit(segment, size);
        batched.onAdmit(segment, size);
      } else if (single.isResident(segment) && choice < 14) {
        single.onAccess(segment);
        if (choice < 4) {
          // Accesses reach the policy in the order they happened: the pending batch goes first.
          pending = RandomPolicyEvents.deliver(batched, batch, pending);
          batched.onAccess(segment);
        } else {
          batch[pending++] = batched.idOf(segment);
          if (pending == batch.length) {
            pending = RandomPolicyEvents.deliver(batched, batch, pending);
          }
        }
      } else {
        pending = RandomPolicyEvents.deliver(batched, batch, pending);
        if (choice < 17) {
          long bytesToFree = 1 + random.nextInt(4 * 4096);
          List<String> victims = single.victims(bytesToFree);
          assertThat(batched.victims(bytesToFree))
              .as("seed %d, step %d: victims with accesses in batches", seed, step)
              .isEqualTo(victims);
          for (String victim : victims) {
            single.onSpill(victim);
            batched.onSpill(victim);
          }
        } else if (single.isSpilled(segment) && choice < 19) {
          single.onReload(segment);
          batched.onReload(segment);
          long nanos = random.nextInt(50_000_000);
          single.onReloadCost(segment, nanos);
          batched.onReloadCost(segment, nanos);
        } else {
          single.onRemove(segment);
          batched.onRemove(segment);
        }
      }
    }
  }

  private SpillPolicyProvider newProviderInstance() {
    try {
      return provider().getClass().getConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(provider().getClass().getName() + " needs a public no-arg constructor", e);
    }
  }
}
