package io.spillway.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillStore;
import io.spillway.testkit.KillableChild;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash consistency of a persistent s3 session, for real: a child JVM ({@link S3PersistentWriterMain}) writes and
 * deletes on two threads against S3Proxy in this JVM, some values as multipart uploads, and is killed with SIGKILL
 * after a random number of acknowledged operations (every other time while a large value goes up); this JVM then
 * takes the session over once the child's lease has timed out and checks every key against what the child had
 * acknowledged, and that no unfinished upload is left; the next child goes on with the same session.
 * {@code -Dspillway.s3KillRounds=N} runs more rounds (default 6).
 */
class S3PersistentSessionKillIT {
  private static final String BUCKET = "killed";
  private static final String PREFIX = "kill";
  private static final String SESSION = "killed";
  private static final Long DELETED = -1L;
  @RegisterExtension static final S3Bucket<S3ProxyServer> S3 = S3Bucket.s3Proxy(BUCKET);

  @TempDir
  Path tempDir;

  /** A key's state as the model knows it: a version, or {@link #DELETED}. */
  private final Map<String, Long> acknowledged = new HashMap<>();

  private final SpillConfig config = S3PersistentWriterMain.config(S3.server().endpoint(), BUCKET, PREFIX, SESSION);

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void killedAtRandomMoments_nextOwnerRecoversExactlyWhatWasAcknowledged() throws Exception {
    int rounds = Integer.getInteger("spillway.s3KillRounds", 6);
    Random random = new Random(20261202);
    long totalAcks = 0;
    int pendingSeen = 0;
    int uploadsLeft = 0;
    for (int round = 0; round < rounds; round++) {
      // Every other kill is aimed at a multipart upload: it comes 30 to 120 ms after a large write began.
      Result result = runChild(random.nextLong(), 5 + random.nextInt(40), round % 2 == 1 ? random : null, round);
      totalAcks += result.acks;
      pendingSeen += result.pending.size();
      uploadsLeft += uploads();
      check(result.pending, round);
    }
    assertThat(totalAcks).as("operations acknowledged over all rounds").isGreaterThan(rounds * 5L);
    assertThat(pendingSeen).as("operations caught in flight by a kill").isPositive();
    assertThat(uploadsLeft).as("unfinished multipart uploads left by the kills, for the next owner to abort")
        .isPositive();
  }

  private int uploads() {
    return S3.client().listMultipartUploads(b -> b.bucket(BUCKET).prefix(PREFIX + "/")).uploads().size();
  }

  /** What a child acknowledged, and what it had begun and not finished: key → state after the operation. */
  private record Result(long acks, Map<String, Long> pending) {}

  private Result runChild(long seed, int killAfter, @Nullable Random aim, int round) throws Exception {
    Map<String, Long> pending = new HashMap<>();
    long acks = 0;
    try (KillableChild child = KillableChild.start(tempDir.resolve("child-" + round + ".err"),
        S3PersistentWriterMain.class, S3.server().endpoint().toString(), BUCKET, PREFIX, SESSION,
        Long.toString(seed), "2")) {
      for (String line; (line = child.nextLine()) != null; ) {
        String[] words = line.split(" ");
        String key = words[1];
        if (words[0].equals("B")) {
          pending.put(key, words[2].equals("D") ? DELETED : Long.valueOf(words[3]));
          if (!child.killed() && aim != null && acks >= killAfter && words[2].equals("W")
              && S3PersistentWriterMain.length(key, Long.parseLong(words[3])) >= 6 * S3PersistentWriterMain.MiB) {
            try {
              // Kill while the upload is under way, as the server lists it, so that it is left unfinished.
              await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(2 + aim.nextInt(8)))
                  .until(() -> uploads() > 0);
            } catch (ConditionTimeoutException e) {
              // The upload ended before it was seen: this kill lands between operations instead.
            }
            child.kill();
          }
        } else {
          acknowledged.put(key, pending.remove(key));
          acks++;
          if (!child.killed() && aim == null && acks >= killAfter) {
            child.kill();
          }
        }
      }
      child.assertKilled();
    }
    return new Result(acks, pending);
  }

  private void check(Map<String, Long> pending, int round) throws IOException {
    // Refused while the killed child's lease is live, then taken over.
    SpillStore store = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
        .ignoreException(IOException.class).until(() -> new S3SpillStoreProvider().create(config), s -> true);
    try {
      assertThat(uploads()).as("round %s: unfinished uploads after the take-over", round).isZero();
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
      long sum = 0;
      for (String key : keys) {
        List<Long> allowed = new ArrayList<>();
        allowed.add(acknowledged.getOrDefault(key, DELETED));
        if (pending.containsKey(key)) {
          allowed.add(pending.get(key)); // under way at the kill: whole or not at all
        }
        Long state = DELETED;
        if (found.contains(key)) {
          byte[] bytes = store.read(key);
          sum += bytes.length;
          for (Long version : allowed) {
            if (!version.equals(DELETED) && Arrays.equals(bytes, S3PersistentWriterMain.value(key, version))) {
              state = version;
            }
          }
          assertThat(state).as("round %s: bytes of %s are one of the versions %s", round, key, allowed)
              .isNotEqualTo(DELETED);
        }
        assertThat(allowed).as("round %s: state of %s", round, key).contains(state);
        acknowledged.put(key, state); // what the next child starts from
      }
      assertThat(store.usage()).as("round %s: usage is the sum of the values", round).isEqualTo(sum);
    } finally {
      store.close(); // gives the lease up, so the next child takes over at once
    }
  }
}
