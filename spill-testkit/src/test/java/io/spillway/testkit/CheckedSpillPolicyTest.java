package io.spillway.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.spi.SpillPolicy;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Shows that {@link CheckedSpillPolicy} accepts a correct policy and catches each kind of broken one. */
class CheckedSpillPolicyTest {

  /** Ways a policy can break the contract; {@code NONE} is a correct first-in, first-out policy. */
  enum Bug {
    NONE,
    RETURNS_SPILLED,
    IGNORES_PREDICATE,
    ONE_VICTIM_TOO_MANY,
    ONE_VICTIM_TOO_FEW,
    KEEPS_REMOVED,
    DUPLICATES,
    IGNORES_RESIZE,
    ANSWERS_NON_POSITIVE,
    RETURNS_NULL
  }

  @Test
  void selectVictims_correctPolicy_passesEveryScenario() {
    for (Bug scenario : Bug.values()) {
      assertThatCode(() -> runScenario(Bug.NONE, scenario)).as("scenario for %s", scenario).doesNotThrowAnyException();
    }
  }

  @ParameterizedTest
  @EnumSource(value = Bug.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void selectVictims_brokenPolicy_fails(Bug bug) {
    assertThatThrownBy(() -> runScenario(bug, bug))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("SpillPolicy contract broken")
        .hasMessageContaining("selectVictims(");
  }

  @Test
  void selectVictims_nullAnswer_fails() {
    CheckedSpillPolicy policy = new CheckedSpillPolicy(new FifoPolicy(Bug.RETURNS_NULL));
    policy.admit(10, "a");
    assertThatThrownBy(() -> policy.victims(5)).isInstanceOf(AssertionError.class).hasMessageContaining("null");
  }

  @Test
  void events_outsideLifecycle_reportedAsTestMistakes() {
    CheckedSpillPolicy policy = new CheckedSpillPolicy(new FifoPolicy(Bug.NONE));
    policy.admit(10, "a");
    assertThatThrownBy(() -> policy.onAdmit("a", 5)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> policy.onAccess("nope")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> policy.onReload("a")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> policy.onResize("a", 11, 20)).isInstanceOf(IllegalStateException.class);
    policy.spill("a");
    assertThatThrownBy(() -> policy.onAccess("a")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> policy.onSpill("a")).isInstanceOf(IllegalStateException.class);
    policy.onRemove("a");
    assertThatThrownBy(() -> policy.onRemove("a")).isInstanceOf(IllegalStateException.class);
    assertThat(policy.isKnown("a")).isFalse();
  }

  @Test
  void onAdmit_idOutsideCoreNumbering_reportedAsTestMistake() {
    CheckedSpillPolicy policy = new CheckedSpillPolicy(new FifoPolicy(Bug.NONE));
    policy.onAdmit(0, "a", 10);
    assertThatThrownBy(() -> policy.onAdmit(0, "b", 10)).as("id in use").isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> policy.onAdmit(-1, "b", 10)).as("negative").isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> policy.onAdmit(2, "b", 10)).as("past the peak").isInstanceOf(IllegalStateException.class);
    policy.onAdmit(1, "b", 10);
    assertThat(policy.idOf("b")).isEqualTo(1);
  }

  @Test
  void onAdmit_byName_reusesMostRecentlyFreedIdFirst() {
    CheckedSpillPolicy policy = new CheckedSpillPolicy(new FifoPolicy(Bug.NONE));
    policy.admit(10, "a", "b", "c");
    assertThat(IntStream.of(policy.idOf("a"), policy.idOf("b"), policy.idOf("c"))).containsExactly(0, 1, 2);
    policy.onRemove("a");
    policy.onRemove("c");
    assertThat(policy.onAdmit("d", 10)).isEqualTo(2);
    assertThat(policy.onAdmit("e", 10)).isEqualTo(0);
    assertThat(policy.onAdmit("f", 10)).isEqualTo(3);
    assertThat(policy.nameOf(0)).isEqualTo("e");
  }

  @Test
  void onAccess_batch_policyThatKeepsTheArrayShowsIt() {
    KeepingPolicy keeping = new KeepingPolicy();
    CheckedSpillPolicy policy = new CheckedSpillPolicy(keeping);
    policy.admit(10, "a", "b");
    policy.accessBatch("b", "a");
    assertThat(keeping.kept).as("the batch the policy saw is overwritten after the call").containsOnly(-1);
  }

  @Test
  void model_tracksResidencyAndSizes() {
    CheckedSpillPolicy policy = new CheckedSpillPolicy(new FifoPolicy(Bug.NONE));
    policy.admit(10, "a", "b");
    policy.spill("b");
    policy.resize("b", 30);
    assertThat(policy.residentSegments()).containsExactly("a");
    assertThat(policy.spilledSegments()).containsExactly("b");
    assertThat(policy.size("b")).isEqualTo(30);
    assertThat(policy.isSpilled("b")).isTrue();
    assertThat(policy.isResident("b")).isFalse();
  }

  /** A scenario in which {@code target} shows its bug; a correct policy passes all of them. */
  private static void runScenario(Bug bug, Bug target) {
    CheckedSpillPolicy policy = new CheckedSpillPolicy(new FifoPolicy(bug));
    switch (target) {
      case NONE, RETURNS_NULL -> {
        policy.admit(10, "a", "b");
        policy.victims(15);
      }
      case RETURNS_SPILLED -> {
        policy.admit(10, "a", "b");
        policy.spill("a");
        policy.victims(15);
      }
      case IGNORES_PREDICATE -> {
        policy.admit(10, "a", "b");
        policy.victims(5, "b"::equals);
      }
      case ONE_VICTIM_TOO_MANY, ONE_VICTIM_TOO_FEW -> {
        policy.admit(10, "a", "b", "c");
        policy.victims(15);
      }
      case KEEPS_REMOVED -> {
        policy.admit(10, "a", "b");
        policy.onRemove("a");
        // By id, with every id eligible: the core's predicate would refuse a free id, hiding the bug.
        policy.selectVictims(5, id -> true);
      }
      case DUPLICATES -> {
        policy.admit(10, "a", "b");
        policy.victims(15);
      }
      case IGNORES_RESIZE -> {
        policy.admit(10, "a", "b");
        policy.resize("a", 100);
        policy.victims(50);
      }
      case ANSWERS_NON_POSITIVE -> {
        policy.admit(10, "a");
        policy.victims(0);
      }
    }
  }

  /** Records whether it kept the array of a batch of accesses, which the core reuses. */
  private static final class KeepingPolicy implements SpillPolicy {
    int[] kept = new int[0];

    @Override
    public void onAdmit(int segment, String name, long size) {}

    @Override
    public void onAccess(int segment) {}

    @Override
    public void onAccess(int[] segments, int count) {
      kept = segments;
    }

    @Override
    public void onResize(int segment, long oldSize, long newSize) {}

    @Override
    public void onSpill(int segment) {}

    @Override
    public void onReload(int segment) {}

    @Override
    public void onRemove(int segment) {}

    @Override
    public int[] selectVictims(long bytesToFree, IntPredicate eligible) {
      return new int[0];
    }
  }

  /** First admitted, first chosen; O(n), which is fine in a test. */
  private static final class FifoPolicy implements SpillPolicy {
    private final Bug bug;
    private final Map<Integer, Long> resident = new LinkedHashMap<>();
    private final Map<Integer, Long> spilled = new HashMap<>();
    private final Map<Integer, Long> removed = new LinkedHashMap<>();

    FifoPolicy(Bug bug) {
      this.bug = bug;
    }

    @Override
    public void onAdmit(int segment, String name, long size) {
      resident.put(segment, size);
    }

    @Override
    public void onAccess(int segment) {}

    @Override
    public void onResize(int segment, long oldSize, long newSize) {
      if (bug == Bug.IGNORES_RESIZE) {
        return;
      }
      if (resident.containsKey(segment)) {
        resident.put(segment, newSize);
      } else {
        spilled.put(segment, newSize);
      }
    }

    @Override
    public void onSpill(int segment) {
      spilled.put(segment, resident.remove(segment));
      if (bug == Bug.RETURNS_SPILLED) {
        // Forgets to take it out of the candidates.
        resident.put(segment, spilled.get(segment));
      }
    }

    @Override
    public void onReload(int segment) {
      resident.put(segment, spilled.remove(segment));
    }

    @Override
    public void onRemove(int segment) {
      Long size = resident.remove(segment);
      spilled.remove(segment);
      if (bug == Bug.KEEPS_REMOVED && size != null) {
        removed.put(segment, size);
      }
    }

    @Override
    public int[] selectVictims(long bytesToFree, IntPredicate eligible) {
      if (bug == Bug.RETURNS_NULL) {
        return null;
      }
      if (bytesToFree <= 0) {
        return bug == Bug.ANSWERS_NON_POSITIVE
            ? resident.keySet().stream().mapToInt(Integer::intValue).toArray() : new int[0];
      }
      Map<Integer, Long> candidates = new LinkedHashMap<>(removed);
      candidates.putAll(resident);
      IntStream.Builder victims = IntStream.builder();
      boolean extraVictim = bug == Bug.ONE_VICTIM_TOO_MANY;
      long freed = 0;
      for (Map.Entry<Integer, Long> candidate : candidates.entrySet()) {
        if (freed >= bytesToFree) {
          if (!extraVictim) {
            break;
          }
          extraVictim = false;
        }
        if (!eligible.test(candidate.getKey()) && bug != Bug.IGNORES_PREDICATE) {
          continue;
        }
        victims.add(candidate.getKey());
        freed += candidate.getValue();
        if (bug == Bug.DUPLICATES) {
          victims.add(candidate.getKey());
        }
        if (bug == Bug.ONE_VICTIM_TOO_FEW) {
          break;
        }
      }
      return victims.build().toArray();
    }
  }
}
