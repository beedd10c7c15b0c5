package io.spillway.core.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.SegmentInfo;
import io.spillway.api.SpillManager;
import io.spillway.core.Spillway;
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
 * A persistent session of a manager on the file store survives {@code kill -9}: a child JVM
 * ({@link PersistentManagerMain}) spills, unregisters and reloads manual segments and is killed after a random
 * number of acknowledged operations; this JVM then opens a manager on the session and checks each segment it lists
 * (spilled, with the registered size of the version it holds) and reloads it, verified, against what the child had
 * acknowledged; then the next child goes on with the session. {@code -Dspillway.killRounds=N} runs more rounds.
 */
class PersistentManagerKillIT {
  private static final String SESSION = "manager";

  @TempDir
  Path tempDir;

  /** The version each name holds in the store as far as acknowledged; absent names hold nothing. */
  private final Map<String, Long> acknowledged = new HashMap<>();

  @Test
  @Timeout(value = 20, unit = TimeUnit.MINUTES)
  void killedAtRandomMoments_nextManagerRecoversExactlyTheAcknowledgedSpills() throws Exception {
    int rounds = Integer.getInteger("spillway.killRounds", 20);
    Path spillDir = tempDir.resolve("spill");
    Random random = new Random(20261203);
    long acks = 0;
    for (int round = 0; round < rounds; round++) {
      Map<String, Long> pending = new HashMap<>();
      acks += runChild(spillDir, random.nextLong(), 10 + random.nextInt(300), round, pending);
      check(spillDir, pending, round);
    }
    assertThat(acks).as("operations acknowledged over all rounds").isGreaterThan(rounds * 10L);
  }

  /** Runs a child until it is killed; fills {@code pending} with the operation under way (null: delete). */
  private long runChild(Path spillDir, long seed, int killAfter, int round, Map<String, Long> pending)
      throws Exception {
    long acks = 0;
    try (KillableChild child = KillableChild.start(tempDir.resolve("child-" + round + ".err"),
        PersistentManagerMain.class, spillDir.toString(), SESSION, Long.toString(seed))) {
      Map<String, Long> begun = new HashMap<>();
      Set<String> deleting = new HashSet<>();
      for (String line; (line = child.nextLine()) != null; ) {
        String[] words = line.split(" ");
        String name = words[1];
        if (words[0].equals("B")) {
          if (words[2].equals("X")) {
            deleting.add(name);
          } else {
            begun.put(name, Long.valueOf(words[3]));
          }
        } else {
          if (deleting.remove(name)) {
            acknowledged.remove(name);
          } else {
            acknowledged.put(name, begun.remove(name));
          }
          acks++;
          if (!child.killed() && acks >= killAfter) {
            child.kill();
          }
        }
      }
      child.assertKilled();
      pending.putAll(begun);
      for (String name : deleting) {
        pending.put(name, null);
      }
    }
    return acks;
  }

  private void check(Path spillDir, Map<String, Long> pending, int round) {
    try (SpillManager manager = Spillway.newManager(PersistentManagerMain.config(spillDir, SESSION))) {
      assertThat(manager.memoryUsage()).as("round %s: nothing recovered is resident", round).isZero();
      Map<String, SegmentInfo> listed = new HashMap<>();
      for (SegmentInfo info : manager.listSegments()) {
        listed.put(info.name(), info);
      }
      Set<String> names = new HashSet<>(listed.keySet());
      names.addAll(acknowledged.keySet());
      for (String name : names) {
        List<Long> allowed = new ArrayList<>();
        allowed.add(acknowledged.get(name)); // null: nothing stored
        if (pending.containsKey(name)) {
          allowed.add(pending.get(name)); // under way at the kill: whole or not at all
        }
        SegmentInfo info = listed.get(name);
        Long state = null;
        if (info != null) {
          assertThat(info.spilled()).as("round %s: %s is listed spilled", round, name).isTrue();
          byte[] bytes = manager.reload(name).orElseThrow();
          for (Long version : allowed) {
            if (version != null && info.size() == PersistentManagerMain.size(version)
                && java.util.Arrays.equals(bytes, PersistentManagerMain.payload(name, version))) {
              state = version;
            }
          }
          assertThat(state).as("round %s: %s (size %s) holds one of the versions %s", round, name, info.size(),
              allowed).isNotNull();
          manager.spill(name, bytes); // reload took the copy; put it back for the next child
        }
        assertThat(allowed.contains(state)).as("round %s: state %s of %s is one of %s", round, state, name, allowed)
            .isTrue();
        if (state == null) {
          acknowledged.remove(name);
        } else {
          acknowledged.put(name, state);
        }
      }
    }
  }
}
