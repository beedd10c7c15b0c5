package io.spillway.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.spi.SpillPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
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
        policy.selectVictims(5, "b"::equals);
      }
      case ONE_VICTIM_TOO_MANY, ONE_VICTIM_TOO_FEW -> {
        policy.admit(10, "a", "b", "c");
        policy.victims(15);
      }
      case KEEPS_REMOVED -> {
        policy.admit(10, "a", "b");
        policy.onRemove("a");
        policy.victims(5);
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

  /** First admitted, first chosen; O(n), which is fine in a test. */
  private static final class FifoPolicy implements SpillPolicy {
    private final Bug bug;
    private final Map<String, Long> resident = new LinkedHashMap<>();
    private final Map<String, Long> spilled = new HashMap<>();
    private final Map<String, Long> removed = new LinkedHashMap<>();

    FifoPolicy(Bug bug) {
      this.bug = bug;
    }

    @Override
    public void onAdmit(String segment, long size) {
      resident.put(segment, size);
    }

    @Override
    public void onAccess(String segment) {}

    @Override
    public void onResize(String segment, long oldSize, long newSize) {
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
    public void onSpill(String segment) {
      spilled.put(segment, resident.remove(segment));
      if (bug == Bug.RETURNS_SPILLED) {
        // Forgets to take it out of the candidates.
        resident.put(segment, spilled.get(segment));
      }
    }

    @Override
    public void onReload(String segment) {
      resident.put(segment, spilled.remove(segment));
    }

    @Override
    public void onRemove(String segment) {
      Long size = resident.remove(segment);
      spilled.remove(segment);
      if (bug == Bug.KEEPS_REMOVED && size != null) {
        removed.put(segment, size);
      }
    }

    @Override
    public List<String> selectVictims(long bytesToFree, Predicate<String> eligible) {
      if (bug == Bug.RETURNS_NULL) {
        return null;
      }
      if (bytesToFree <= 0) {
        return bug == Bug.ANSWERS_NON_POSITIVE ? List.copyOf(resident.keySet()) : List.of();
      }
      Map<String, Long> candidates = new LinkedHashMap<>(removed);
      candidates.putAll(resident);
      List<String> victims = new ArrayList<>();
      boolean extraVictim = bug == Bug.ONE_VICTIM_TOO_MANY;
      long freed = 0;
      for (Map.Entry<String, Long> candidate : candidates.entrySet()) {
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
      return victims;
    }
  }
}
