package io.spillway.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.SpillConfig;
import io.spillway.policy.lfu.AdaptivePolicyProvider;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ManagerReplayTest {

  /** A textbook byte-capacity LRU, to check the manager path against. */
  private static long lruHits(Trace trace, long capacity) {
    LinkedHashMap<Integer, Integer> cache = new LinkedHashMap<>(16, 0.75f, true);
    long used = 0;
    long hits = 0;
    for (int i = 0; i < trace.requests(); i++) {
      int key = trace.keys[i];
      int size = trace.sizes[i];
      if (cache.get(key) != null) {
        hits++;
        continue;
      }
      if (size > capacity) {
        continue;
      }
      while (used + size > capacity) {
        Map.Entry<Integer, Integer> eldest = cache.entrySet().iterator().next();
        used -= eldest.getValue();
        cache.remove(eldest.getKey());
      }
      cache.put(key, size);
      used += size;
    }
    return hits;
  }

  private static Trace randomSized(int requests, int keys, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    long[] ids = new long[requests];
    int[] sizes = new int[requests];
    int[] sizeOf = new int[keys];
    for (int k = 0; k < keys; k++) {
      sizeOf[k] = 1 + random.nextInt(100);
    }
    for (int i = 0; i < requests; i++) {
      // Skewed: low keys far more often.
      int key = (int) Math.min(keys - 1, Math.abs(random.nextGaussian()) * keys / 4);
      ids[i] = key;
      sizes[i] = sizeOf[key];
    }
    return Trace.of("random", ids, sizes);
  }

  @Test
  void run_lruThroughTheManager_matchesATextbookLru() {
    Trace trace = randomSized(20_000, 500, 1);

    for (long capacity : new long[] {50, 500, 2_000, 10_000}) {
      CellResult result = ManagerReplay.run(trace, "lru", capacity, () -> false);

      assertThat(result.hits()).as("capacity %d", capacity).isEqualTo(lruHits(trace, capacity));
    }
  }

  @Test
  void run_objectLargerThanCapacity_isNeverAdmittedAndEvictsNothing() {
    Trace trace = Trace.of("t", new long[] {1, 2, 1, 2, 1}, new int[] {4, 9, 4, 9, 4});

    CellResult result = ManagerReplay.run(trace, "lru", 5, () -> false);

    assertThat(result.hits()).isEqualTo(2);
    assertThat(result.bytesHit()).isEqualTo(8);
    assertThat(result.reloads()).isZero();
  }

  @Test
  void run_spilledKeyRequestedAgain_isReloaded() {
    Trace trace = Trace.of("t", new long[] {1, 2, 3, 1}, new int[] {1, 1, 1, 1});

    CellResult result = ManagerReplay.run(trace, "lru", 2, () -> false);

    assertThat(result.hits()).isZero();
    assertThat(result.reloads()).isEqualTo(1);
    assertThat(result.bytesReloaded()).isEqualTo(1);
  }

  @Test
  void run_countsEveryMissButTheCompulsoryOnesAsReloads_asTheReferencesEstimate() {
    Trace trace = randomSized(20_000, 500, 4);

    for (long capacity : new long[] {60, 2_000, 10_000}) {
      CellResult manager = ManagerReplay.run(trace, "lru", capacity, () -> false);
      CellResult estimated = CellResult.reference("lru-estimated", trace, capacity, manager.hits(),
          manager.bytesRequested(), manager.bytesHit(), 0);

      assertThat(manager.reloads()).as("capacity %d", capacity).isPositive().isEqualTo(estimated.reloads());
      assertThat(manager.bytesReloaded()).as("capacity %d", capacity).isEqualTo(estimated.bytesReloaded());
    }
  }

  @Test
  void config_tellsThePolicyTheReloadCost() {
    SpillConfig config = ManagerReplay.config("adaptive", new ReloadCost(3_000_000, 5L << 20));

    assertThat(config.policy()).contains("adaptive");
    assertThat(config.options()).containsEntry(AdaptivePolicyProvider.LATENCY_OPTION, "3000000")
        .containsEntry(AdaptivePolicyProvider.BANDWIDTH_OPTION, Long.toString(5L << 20));
  }

  @Test
  void run_adaptiveToldAReloadCost_replaysTheTrace() {
    Trace trace = randomSized(5_000, 300, 5);

    CellResult result = ManagerReplay.run(trace, "adaptive", "adaptive", 1_000, 0, new ReloadCost(50_000_000, 1),
        () -> false);

    assertThat(result.ok()).isTrue();
    assertThat(result.hits() + result.reloads() + trace.compulsory(1_000).requests()).isEqualTo(trace.requests());
  }

  @Test
  void run_inRounds_freesMoreThanNeededAndLosesHits() {
    Trace trace = randomSized(20_000, 500, 2);

    CellResult exact = ManagerReplay.run(trace, "lru", 2_000, () -> false);
    CellResult rounds =
        ManagerReplay.run(trace, "lru", "lru (20% rounds)", 2_000, 20, ReloadCost.SHAPED_S3, () -> false);

    assertThat(rounds.policy()).isEqualTo("lru (20% rounds)");
    assertThat(rounds.hits()).isLessThan(exact.hits());
  }

  @Test
  void run_cancelled_stopsWithAFailure() {
    Trace trace = randomSized(10_000, 100, 3);

    CellResult result = ManagerReplay.run(trace, "lru", 100, () -> true);

    assertThat(result.ok()).isFalse();
    assertThat(result.failure()).contains("time limit");
  }
}
