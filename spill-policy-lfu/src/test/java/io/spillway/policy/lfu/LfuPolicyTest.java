package io.spillway.policy.lfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillPolicy;
import io.spillway.api.spi.SpillPolicyProvider;
import io.spillway.testkit.CheckedSpillPolicy;
import io.spillway.testkit.SpillPolicyContractTest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The contract, plus the ranking that makes the policy LFU with dynamic aging. */
class LfuPolicyTest extends SpillPolicyContractTest {

  @Override
  protected SpillPolicyProvider provider() {
    return new LfuPolicyProvider();
  }

  @Override
  protected SpillPolicy newPolicy(SpillConfig config) {
    return provider().create(config);
  }

  private static LfuPolicy lfu(CheckedSpillPolicy policy) {
    return (LfuPolicy) policy.delegate();
  }

  private static void use(CheckedSpillPolicy policy, String segment, int times) {
    for (int i = 0; i < times; i++) {
      policy.access(segment);
    }
  }

  @Test
  void provider_nameAndPriority_lfuBelowDefault() {
    assertThat(provider().name()).isEqualTo("lfu");
    assertThat(provider().priority()).isEqualTo(-10).isNegative();
  }

  @Test
  void selectVictims_equalCounts_leastRecentFirst() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(100, "a", "b", "c");
    assertThat(policy.ranking()).containsExactly("a", "b", "c");
    assertThat(policy.victims(100)).containsExactly("a");
  }

  @Test
  void clockWrap_keepsEqualCountsLeastRecentFirst() {
    // Six uses from four before the wrap: the fifth renumbers the resident segments' times.
    CheckedSpillPolicy policy = new CheckedSpillPolicy(new LfuPolicy(Integer.MAX_VALUE - 4));
    policy.admit(100, "a", "b", "c");
    policy.access("c", "a", "b");

    assertThat(policy.ranking()).as("all used twice: least recent first, across the wrap")
        .containsExactly("c", "a", "b");
    policy.spill("c");
    policy.reload("c");
    assertThat(policy.ranking()).as("c now used last, and three times").containsExactly("a", "b", "c");
  }

  @Test
  void clockWrap_withSpilledSegments_renumbersTheResidentOnes_andKeepsTheHeapOrdered() {
    CheckedSpillPolicy policy = new CheckedSpillPolicy(new LfuPolicy(Integer.MAX_VALUE - 25));
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      names.add("s" + i);
    }
    policy.admit(10, names.toArray(String[]::new));
    policy.spill("s3", "s7");
    // The resident ones used in reverse, the wrap among them: the reverse order is the recency order.
    List<String> expected = new ArrayList<>();
    for (int i = 19; i >= 0; i--) {
      if (i != 3 && i != 7) {
        policy.access("s" + i);
        expected.add("s" + i);
      }
    }
    policy.reload("s7");
    expected.add("s7");
    assertThat(policy.ranking()).containsExactlyElementsOf(expected);
    assertThat(policy.victims(30)).containsExactly("s19", "s18", "s17");
  }

  @Test
  void onAccess_raisesPriorityByOne() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(100, "a", "b", "c");
    use(policy, "a", 1);
    use(policy, "b", 2);
    assertThat(lfu(policy).priority(policy.idOf("a"))).isEqualTo(2);
    assertThat(lfu(policy).priority(policy.idOf("b"))).isEqualTo(3);
    assertThat(lfu(policy).priority(policy.idOf("c"))).isEqualTo(1);
    assertThat(policy.ranking()).containsExactly("c", "a", "b");
    use(policy, "c", 1);
    // c and a both have priority 2 now; a was used longer ago.
    assertThat(policy.ranking()).containsExactly("a", "c", "b");
  }

  @Test
  void selectVictims_burstOfOneTimeSegments_frequentlyUsedSurvives() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(100, "hot");
    use(policy, "hot", 5);
    List<String> burst = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String segment = "once-" + i;
      burst.add(segment);
      policy.admit(100, segment);
    }
    // hot is the least recently used of all, yet the 50 one-time segments go first, oldest first.
    List<String> victims = policy.victims(50 * 100);
    assertThat(victims).containsExactlyElementsOf(burst);
    for (String victim : victims) {
      policy.onSpill(victim);
    }
    assertThat(lfu(policy).inflation()).isEqualTo(1);
    assertThat(lfu(policy).priority(policy.idOf("hot"))).isEqualTo(6);
    policy.admit(100, "next");
    assertThat(lfu(policy).priority(policy.idOf("next"))).isEqualTo(2);
    assertThat(policy.ranking()).containsExactly("next", "hot");
  }

  @Test
  void selectVictims_aging_hotLongAgoGoesBeforeModeratelyUsedNow() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(100, "old");
    use(policy, "old", 9);
    assertThat(lfu(policy).priority(policy.idOf("old"))).isEqualTo(10);

    // Without aging, three uses lose against ten: a segment used three times now goes first.
    policy.admit(100, "early");
    use(policy, "early", 2);
    assertThat(lfu(policy).priority(policy.idOf("early"))).isEqualTo(3);
    assertThat(policy.victims(100)).containsExactly("early");
    policy.onRemove("early");

    // Eight one-time segments come, are chosen and spilled in turn: each spill lifts L to the victim's priority.
    for (int round = 1; round <= 8; round++) {
      String once = "once-" + round;
      policy.admit(100, once);
      assertThat(lfu(policy).priority(policy.idOf(once))).isEqualTo(round);
      assertThat(policy.victims(100)).containsExactly(once);
      policy.onSpill(once);
      assertThat(lfu(policy).inflation()).isEqualTo(round);
    }

    // Now a segment used three times is ranked above the one used ten times long ago.
    policy.admit(100, "new");
    use(policy, "new", 2);
    assertThat(lfu(policy).frequency(policy.idOf("new"))).isEqualTo(3);
    assertThat(lfu(policy).frequency(policy.idOf("old"))).isEqualTo(10);
    assertThat(lfu(policy).priority(policy.idOf("new"))).isEqualTo(8 + 3);
    assertThat(lfu(policy).priority(policy.idOf("old"))).isEqualTo(10);
    assertThat(policy.victims(100)).containsExactly("old");
    policy.onSpill("old");
    assertThat(lfu(policy).inflation()).isEqualTo(10);
  }

  @Test
  void onReload_keepsCountAndRecomputesPriorityWithCurrentInflation() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(100, "a", "filler");
    use(policy, "a", 4);
    assertThat(lfu(policy).priority(policy.idOf("a"))).isEqualTo(5);
    policy.spill("a");
    // Raise L to 7 through chosen victims spilled.
    policy.admit(100, "b");
    use(policy, "b", 6);
    policy.spill(policy.victims(200).toArray(String[]::new));
    assertThat(lfu(policy).inflation()).isEqualTo(7);
    policy.reload("a");
    assertThat(lfu(policy).frequency(policy.idOf("a"))).isEqualTo(6);
    assertThat(lfu(policy).priority(policy.idOf("a"))).isEqualTo(7 + 6);
    policy.admit(100, "c");
    use(policy, "c", 5);
    assertThat(lfu(policy).priority(policy.idOf("c"))).isEqualTo(7 + 6);
    // Same priority: c was used last, so a goes first.
    assertThat(policy.ranking()).containsExactly("a", "c");
  }

  @Test
  void onRemove_thenAdmit_startsCountFromScratch() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(100, "a", "b");
    use(policy, "a", 5);
    policy.spill("a");
    policy.onRemove("a");
    policy.admit(100, "a");
    assertThat(lfu(policy).frequency(policy.idOf("a"))).isEqualTo(1);
    assertThat(policy.ranking()).containsExactly("b", "a");
  }

  @Test
  void onSpill_notChosen_leavesInflationAlone() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(100, "hot", "cold");
    use(policy, "hot", 20);
    policy.spill("hot");
    assertThat(lfu(policy).inflation()).isZero();
    // Chosen but with a later selection in between: only the latest selection counts.
    policy.admit(100, "warm");
    use(policy, "warm", 3);
    assertThat(policy.victims(200)).containsExactly("cold", "warm");
    assertThat(policy.victims(100)).containsExactly("cold");
    policy.spill("warm");
    assertThat(lfu(policy).inflation()).isZero();
    policy.spill("cold");
    assertThat(lfu(policy).inflation()).isEqualTo(1);
  }

  @Test
  void selectVictims_changesNoPriority_andInflationNeverFalls() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(100, "a", "b");
    use(policy, "b", 4);
    for (int i = 0; i < 3; i++) {
      assertThat(policy.ranking()).containsExactly("a", "b");
    }
    assertThat(lfu(policy).inflation()).isZero();
    assertThat(lfu(policy).priority(policy.idOf("b"))).isEqualTo(5);
    policy.ranking();
    // Spilled out of order: L takes the larger priority and keeps it.
    policy.spill("b", "a");
    assertThat(lfu(policy).inflation()).isEqualTo(5);
  }

  @Test
  void selectVictims_ineligibleColdSegment_passedOverAndKeepsItsRank() {
    CheckedSpillPolicy policy = checkedPolicy();
    policy.admit(100, "pinned", "a", "b");
    use(policy, "b", 1);
    assertThat(policy.victims(100, segment -> !segment.equals("pinned"))).containsExactly("a");
    assertThat(policy.ranking()).containsExactly("pinned", "a", "b");
  }

  @Test
  void events_onUnknownOrWrongState_ignored() {
    // The core never sends these; the policy must still not fail or invent segments.
    LfuPolicy policy = (LfuPolicy) newPolicy(SpillConfig.defaults());
    for (int ghost : new int[] {0, 7, 1_000_000, -1}) {
      policy.onAccess(ghost);
      policy.onResize(ghost, 1, 2);
      policy.onSpill(ghost);
      policy.onReload(ghost);
      policy.onRemove(ghost);
    }
    policy.onAdmit(0, "a", 10);
    policy.onReload(0);
    policy.onSpill(0);
    policy.onAccess(0);
    policy.onSpill(0);
    policy.onAccess(new int[] {0, 0, 5}, 3);
    assertThat(policy.selectVictims(Long.MAX_VALUE, id -> true)).isEmpty();
    assertThat(policy.frequency(0)).isEqualTo(1);
    policy.onReload(0);
    assertThat(policy.selectVictims(Long.MAX_VALUE, id -> true)).containsExactly(0);
    policy.onAdmit(0, "a", 20);
    assertThat(policy.frequency(0)).isEqualTo(1);
    assertThat(policy.selectVictims(Long.MAX_VALUE, id -> true)).containsExactly(0);
  }

  /**
   * A removal deep in a subtree of often used segments: the segment moved into the hole (the heap's last, rarely
   * used) belongs above that subtree's root, and must still rank before it.
   */
  @Test
  void onRemove_underOftenUsedSegments_rarelyUsedFillerStillRanksFirst() {
    CheckedSpillPolicy policy = checkedPolicy();
    // Heap of equal priorities in admission order: a over (b over d, e) and (c over f, g).
    policy.admit(100, "a", "b", "c", "d", "e", "f", "g");
    use(policy, "d", 10);
    use(policy, "e", 10);
    use(policy, "b", 5);

    policy.onRemove("d");

    assertThat(policy.ranking()).containsExactly("a", "c", "f", "g", "b", "e");
  }

  /**
   * The heap against a model that keeps the rules' numbers per segment and sorts the resident ones for every
   * selection: over random events (a selection lets half the segments through, to exercise passing over), both
   * must choose the same victims and agree on every count and priority.
   */
  @Test
  void randomEvents_chooseAsASortedModelOfTheRules() {
    Random random = new Random(31);
    CheckedSpillPolicy policy = checkedPolicy();
    Map<String, long[]> model = new HashMap<>(); // segment -> {F, K, last use, size, resident 0/1}
    Map<String, Long> chosen = new HashMap<>();
    long[] inflationAndClock = new long[2];
    for (int step = 0; step < 20_000; step++) {
      // Skewed, so that counts and priorities spread far apart and a removal's filler often belongs higher up.
      String segment = "seg-" + random.nextInt(1 + random.nextInt(300));
      long[] state = model.get(segment);
      int choice = random.nextInt(10);
      if (state == null) {
        long size = 1 + random.nextInt(1_000);
        policy.onAdmit(segment, size);
        state = new long[] {0, 0, 0, size, 1};
        model.put(segment, state);
        modelUse(state, inflationAndClock);
      } else if (state[4] == 1 && choice < 6) {
        policy.onAccess(segment);
        modelUse(state, inflationAndClock);
      } else if (choice < 8) {
        int salt = random.nextInt();
        List<String> expected = new ArrayList<>();
        // Now and then everything, so that the whole heap is visited in order.
        long missing = random.nextInt(4) == 0 ? Long.MAX_VALUE : 1 + random.nextInt(5_000);
        long bytesToFree = missing;
        chosen.clear();
        List<Map.Entry<String, long[]>> ranked = new ArrayList<>();
        for (Map.Entry<String, long[]> entry : model.entrySet()) {
          if (entry.getValue()[4] == 1) {
            ranked.add(entry);
          }
        }
        ranked.sort(Comparator.<Map.Entry<String, long[]>>comparingLong(e -> e.getValue()[1])
            .thenComparingLong(e -> e.getValue()[2]));
        for (Map.Entry<String, long[]> entry : ranked) {
          if (missing <= 0) {
            break;
          }
          if (((entry.getKey().hashCode() ^ salt) & 1) == 0) {
            expected.add(entry.getKey());
            chosen.put(entry.getKey(), entry.getValue()[1]);
            missing -= entry.getValue()[3];
          }
        }
        List<String> victims = policy.victims(bytesToFree, name -> ((name.hashCode() ^ salt) & 1) == 0);
        assertThat(victims).as("step %d", step).isEqualTo(expected);
        for (String victim : victims.subList(0, victims.size() / 2)) {
          policy.onSpill(victim);
          model.get(victim)[4] = 0;
          Long priority = chosen.remove(victim);
          inflationAndClock[0] = Math.max(inflationAndClock[0], priority);
        }
      } else if (state[4] == 0) {
        policy.onReload(segment);
        state[4] = 1;
        modelUse(state, inflationAndClock);
      } else {
        policy.onRemove(segment);
        model.remove(segment);
        chosen.remove(segment);
      }
      assertThat(lfu(policy).inflation()).isEqualTo(inflationAndClock[0]);
      if (model.containsKey(segment)) {
        assertThat(lfu(policy).frequency(policy.idOf(segment))).isEqualTo(model.get(segment)[0]);
        assertThat(lfu(policy).priority(policy.idOf(segment))).isEqualTo(model.get(segment)[1]);
      }
    }
  }

  /** The rules' use: F += 1, K = L + F, last use = now. */
  private static void modelUse(long[] state, long[] inflationAndClock) {
    state[0]++;
    state[1] = inflationAndClock[0] + state[0];
    state[2] = inflationAndClock[1]++;
  }
}
