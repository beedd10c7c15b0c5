package io.spillway.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class KeyIndexTest {

  @Test
  void location_packsFileIdAndOffsetAndUnpacksThem() {
    long location = KeyIndex.location(KeyIndex.MAX_FILE_ID, KeyIndex.MAX_OFFSET);

    assertThat(KeyIndex.fileId(location)).isEqualTo(KeyIndex.MAX_FILE_ID);
    assertThat(KeyIndex.valueOffset(location)).isEqualTo(KeyIndex.MAX_OFFSET);
    assertThat(KeyIndex.fileId(KeyIndex.location(3, 0))).isEqualTo(3);
    assertThat(KeyIndex.valueOffset(KeyIndex.location(0, 12_345_678_901L))).isEqualTo(12_345_678_901L);
    assertThatThrownBy(() -> KeyIndex.location(KeyIndex.MAX_FILE_ID + 1, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KeyIndex.location(0, KeyIndex.MAX_OFFSET + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KeyIndex.location(-1, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void put_get_remove_behaveAsAMapOverRandomOperations() {
    KeyIndex index = new KeyIndex();
    Map<String, long[]> model = new HashMap<>();
    SplittableRandom random = new SplittableRandom(11);
    for (int op = 0; op < 300_000; op++) {
      String key = "k" + random.nextInt(20_000);
      int kind = random.nextInt(10);
      if (kind < 5) {
        long location = KeyIndex.location(random.nextInt(KeyIndex.MAX_FILE_ID + 1),
            random.nextLong(KeyIndex.MAX_OFFSET));
        int length = random.nextInt(Integer.MAX_VALUE);
        KeyIndex.Entry previous = index.put(new String(key), location, length);
        long[] expected = model.put(key, new long[] {location, length});
        assertEntry(previous, key, expected);
      } else if (kind < 8) {
        assertEntry(index.remove(key), key, model.remove(key));
      } else {
        assertEntry(index.get(key), key, model.get(key));
      }
    }
    assertThat(index.size()).isEqualTo(model.size());
    assertThat(index.keys()).containsExactlyInAnyOrderElementsOf(model.keySet());
    for (Map.Entry<String, long[]> e : model.entrySet()) {
      assertEntry(index.get(e.getKey()), e.getKey(), e.getValue());
    }
  }

  @Test
  void keysWithEqualHashCodes_areKeptApart() {
    // "Aa" and "BB" have the same String.hashCode, and so do all 2^12 strings of 12 such pairs.
    List<String> colliding = new ArrayList<>();
    for (int bits = 0; bits < 1 << 12; bits++) {
      StringBuilder key = new StringBuilder();
      for (int i = 0; i < 12; i++) {
        key.append((bits >>> i & 1) == 0 ? "Aa" : "BB");
      }
      colliding.add(key.toString());
    }
    assertThat(colliding.stream().mapToInt(String::hashCode).distinct().count()).isEqualTo(1);
    KeyIndex index = new KeyIndex();

    for (int i = 0; i < colliding.size(); i++) {
      index.put(colliding.get(i), KeyIndex.location(1, i), i);
    }
    for (int i = 0; i < colliding.size(); i += 2) {
      assertThat(index.remove(colliding.get(i))).isNotNull();
    }

    for (int i = 0; i < colliding.size(); i++) {
      KeyIndex.Entry entry = index.get(colliding.get(i));
      if (i % 2 == 0) {
        assertThat(entry).as(colliding.get(i)).isNull();
      } else {
        assertThat(entry).as(colliding.get(i)).isNotNull();
        assertThat(entry.valueOffset()).isEqualTo(i);
      }
    }
    assertThat(index.size()).isEqualTo(colliding.size() / 2);
  }

  @Test
  void replace_onlyWhenTheExpectedLocationIsStillCurrent() {
    KeyIndex index = new KeyIndex();
    long first = KeyIndex.location(1, 100);
    long second = KeyIndex.location(2, 200);
    long moved = KeyIndex.location(3, 300);
    index.put("k", first, 10);

    assertThat(index.replace("k", first, moved, 10)).isTrue();
    assertThat(index.get("k").location()).isEqualTo(moved);
    assertThat(index.replace("k", first, second, 10)).as("stale expectation").isFalse();
    assertThat(index.get("k").location()).isEqualTo(moved);
    index.remove("k");
    assertThat(index.replace("k", moved, second, 10)).as("deleted meanwhile").isFalse();
    assertThat(index.get("k")).isNull();
  }

  @Test
  void entriesIn_returnsExactlyTheEntriesOfThatFile() {
    KeyIndex index = new KeyIndex();
    for (int i = 0; i < 5_000; i++) {
      index.put("k" + i, KeyIndex.location(i % 7, i), i);
    }

    List<KeyIndex.Entry> inThree = index.entriesIn(3);

    assertThat(inThree).hasSize((int) java.util.stream.IntStream.range(0, 5_000).filter(i -> i % 7 == 3).count());
    assertThat(inThree).allSatisfy(e -> {
      assertThat(e.fileId()).isEqualTo(3);
      assertThat(e.key()).isEqualTo("k" + e.valueOffset());
      assertThat(e.lengthCode()).isEqualTo((int) e.valueOffset());
    });
  }

  @Test
  void get_withPin_callsItWithTheCurrentLocationAndNotForMissingKeys() {
    KeyIndex index = new KeyIndex();
    index.put("k", KeyIndex.location(4, 44), 1);
    List<Long> pinned = new ArrayList<>();

    assertThat(index.get("k", pinned::add)).isNotNull();
    assertThat(index.get("missing", pinned::add)).isNull();

    assertThat(pinned).containsExactly(KeyIndex.location(4, 44));
  }

  @Test
  void tableBytesPerKey_stayWithinTheDocumentedBoundOnceGrown() {
    KeyIndex index = new KeyIndex();
    double worst = 0;
    double best = Double.MAX_VALUE;
    for (int i = 1; i <= 400_000; i++) {
      index.put("segment-" + i, KeyIndex.location(1, i), 64 * 1024);
      if (i >= 100_000 && i % 1_000 == 0) {
        double perKey = index.capacity() * 16.0 / index.size();
        worst = Math.max(worst, perKey);
        best = Math.min(best, perKey);
      }
    }
    // 16 bytes a slot; a grown stripe is 68-85% full.
    assertThat(worst).as("table bytes per key, worst").isLessThanOrEqualTo(24.0);
    assertThat(best).as("table bytes per key, best").isGreaterThanOrEqualTo(18.8);
  }

  @Test
  void putAndRemove_tellTheDroppedLocation_underTheStripesLock_andOnlyWhenAnEntryLeaves() {
    KeyIndex index = new KeyIndex();
    long first = KeyIndex.location(1, 100);
    long second = KeyIndex.location(2, 200);
    List<Long> dropped = new ArrayList<>();
    List<Integer> listedWhileTold = new ArrayList<>();
    ExecutorService lister = Executors.newSingleThreadExecutor();
    java.util.function.LongConsumer onDrop = location -> {
      dropped.add(location);
      // A listing from another thread waits for the stripe's lock, so it cannot run between the two.
      Future<Integer> listing = lister.submit(() -> index.entriesIn(1).size());
      try {
        listing.get(50, TimeUnit.MILLISECONDS);
        listedWhileTold.add(1);
      } catch (java.util.concurrent.TimeoutException expected) {
        // still waiting for the lock, as it should
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    };

    try {
      assertThat(index.put("k", first, 7, onDrop)).isNull();
      assertThat(dropped).as("nothing replaced").isEmpty();
      assertThat(index.put("k", second, 8, onDrop)).isEqualTo(new KeyIndex.Entry("k", first, 7));
      assertThat(index.remove("missing", onDrop)).isNull();
      assertThat(index.remove("k", onDrop)).isEqualTo(new KeyIndex.Entry("k", second, 8));
    } finally {
      lister.shutdown();
    }

    assertThat(dropped).containsExactly(first, second);
    assertThat(listedWhileTold).as("a listing ran while the stripe was held").isEmpty();
    assertThat(index.get("k", null)).isNull();
  }

  @Test
  void remove_ofMostKeys_shrinksTheTables() {
    KeyIndex index = new KeyIndex();
    for (int i = 0; i < 100_000; i++) {
      index.put("k" + i, KeyIndex.location(1, i), 1);
    }
    long grown = index.capacity();

    for (int i = 0; i < 99_000; i++) {
      index.remove("k" + i);
    }

    assertThat(index.capacity()).isLessThan(grown / 10);
    for (int i = 99_000; i < 100_000; i++) {
      assertThat(index.get("k" + i)).isNotNull();
    }
  }

  @Test
  void concurrentUpdates_ofDisjointKeys_loseNothing() throws Exception {
    KeyIndex index = new KeyIndex();
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < 50_000; i++) {
            String key = "t" + thread + "-" + (i % 5_000);
            if (i % 3 == 2) {
              index.remove(key);
            } else {
              index.put(key, KeyIndex.location(thread, i), i);
            }
          }
        }));
      }
      for (Future<?> future : done) {
        future.get(1, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    int expected = 0;
    for (int t = 0; t < threads; t++) {
      for (int k = 0; k < 5_000; k++) {
        // the last operation on key k of thread t is at the largest i < 50,000 with i % 5,000 == k
        int last = 45_000 + k;
        KeyIndex.Entry entry = index.get("t" + t + "-" + k);
        if (last % 3 == 2) {
          assertThat(entry).isNull();
        } else {
          assertThat(entry).isNotNull();
          assertThat(entry.location()).isEqualTo(KeyIndex.location(t, last));
          expected++;
        }
      }
    }
    assertThat(index.size()).isEqualTo(expected);
  }

  private static void assertEntry(KeyIndex.Entry actual, String key, long[] expected) {
    if (expected == null) {
      assertThat(actual).as("entry of %s", key).isNull();
      return;
    }
    assertThat(actual).as("entry of %s", key).isNotNull();
    assertThat(actual.key()).isEqualTo(key);
    assertThat(actual.location()).isEqualTo(expected[0]);
    assertThat(actual.lengthCode()).isEqualTo((int) expected[1]);
  }
}
