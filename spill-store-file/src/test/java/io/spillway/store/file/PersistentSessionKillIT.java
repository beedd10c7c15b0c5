package io.spillway.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.spi.SpillStore;
import io.spillway.testkit.KillableChild;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash consistency of a persistent session, for real: a child JVM ({@link PersistentWriterMain}) writes and deletes
 * on two threads, with compaction running, and is killed with SIGKILL after a random number of acknowledged
 * operations; this JVM then takes the session over and checks every key against what the child had acknowledged,
 * and the next child goes on with the same session. {@code -Dspillway.killRounds=N} runs more rounds (default 24).
 */
class PersistentSessionKillIT {
  private static final String SESSION = "killed";
  private static final Long DELETED = -1L;

  @TempDir
  Path tempDir;

  /** A key's state as the model knows it: a version, or {@link #DELETED}. */
  private final Map<String, Long> acknowledged = new HashMap<>();

  @Test
  @Timeout(value = 20, unit = TimeUnit.MINUTES)
  void killedAtRandomMoments_nextOwnerRecoversExactlyWhatWasAcknowledged() throws Exception {
    int rounds = Integer.getInteger("spillway.killRounds", 24);
    Path spillDir = tempDir.resolve("spill");
    Random random = new Random(20261202);
    long totalAcks = 0;
    int pendingSeen = 0;
    for (int round = 0; round < rounds; round++) {
      Result result = runChild(spillDir, random.nextLong(), 20 + random.nextInt(600), round);
      totalAcks += result.acks;
      pendingSeen += result.pending.size();
      check(spillDir, result.pending, round);
    }
    assertThat(totalAcks).as("operations acknowledged over all rounds").isGreaterThan(rounds * 20L);
    assertThat(pendingSeen).as("operations caught in flight by a kill").isPositive();
  }

  /** What a child acknowledged, and what it had begun and not finished: key → state after the operation. */
  private record Result(long acks, Map<String, Long> pending) {}

  private Result runChild(Path spillDir, long seed, int killAfter, int round) throws Exception {
    Map<String, Long> pending = new HashMap<>();
    long acks = 0;
    try (KillableChild child = KillableChild.start(tempDir.resolve("child-" + round + ".err"),
        PersistentWriterMain.class, spillDir.toString(), SESSION, Long.toString(seed), "2")) {
      for (String line; (line = child.nextLine()) != null; ) {
        String[] words = line.split(" ");
        String key = words[1];
        if (words[0].equals("B")) {
          pending.put(key, words[2].equals("D") ? DELETED : Long.valueOf(words[3]));
        } else {
          acknowledged.put(key, pending.remove(key));
          acks++;
          if (!child.killed() && acks >= killAfter) {
            child.kill();
          }
        }
      }
      child.assertKilled();
    }
    return new Result(acks, pending);
  }

  private void check(Path spillDir, Map<String, Long> pending, int round) throws IOException {
    try (SpillStore store = new FileSpillStoreProvider().create(PersistentWriterMain.config(spillDir, SESSION))) {
      Set<String> expectedKeys = new HashSet<>();
      for (Map.Entry<String, Long> entry : acknowledged.entrySet()) {
        if (!entry.getValue().equals(DELETED)) {
          expectedKeys.add(entry.getKey());
        }
      }
      Set<String> found = store.list();
      for (String key : found) {
        assertThat(acknowledged.containsKey(key) || pending.containsKey(key))
            .as("round %s: key %s was written by a child", round, key).isTrue();
      }
      Set<String> keys = new HashSet<>(found);
      keys.addAll(expectedKeys);
      for (String key : keys) {
        List<Long> allowed = new ArrayList<>();
        allowed.add(acknowledged.getOrDefault(key, DELETED));
        if (pending.containsKey(key)) {
          allowed.add(pending.get(key)); // under way at the kill: whole or not at all
        }
        Long state = DELETED;
        if (found.contains(key)) {
          byte[] bytes = store.read(key);
          for (Long version : allowed) {
            if (!version.equals(DELETED) && java.util.Arrays.equals(bytes, PersistentWriterMain.value(key, version))) {
              state = version;
            }
          }
          assertThat(state).as("round %s: bytes of %s are one of the versions %s", round, key, allowed)
              .isNotEqualTo(DELETED);
        }
        assertThat(allowed).as("round %s: state of %s", round, key).contains(state);
        acknowledged.put(key, state); // what the next child starts from
      }
      assertThat(store.usage()).as("round %s: usage is the sum of the values", round)
          .isEqualTo(sumOfLengths(store, found));
    }
  }

  private static long sumOfLengths(SpillStore store, Set<String> keys) throws IOException {
    long sum = 0;
    for (String key : keys) {
      sum += store.read(key).length;
    }
    return sum;
  }
}
