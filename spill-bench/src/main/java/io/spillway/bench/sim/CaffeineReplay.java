package io.spillway.bench.sim;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Caffeine as the peer: a real bounded cache ({@code maximumWeight} = capacity, weighed by size), one entry per key,
 * maintenance run on the calling thread so that eviction happens before the next request. A hit is a
 * {@code getIfPresent} that finds the key; a miss puts it. Internal, may change.
 *
 * <p>Caffeine's admission draws random numbers (against hash flooding), so two replays differ: by up to half a point
 * of hit ratio on the shared loop and sprite traces, and by 2.8 points once (lirs_sprite at 100 entries). So a cell's
 * figure is the median of {@value #REPLAYS} replays, by hits, not whichever one replay happened to draw.
 *
 * <p>Thread-safe: each replay builds its own cache.
 */
final class CaffeineReplay {
  /** Replays per cell; the median one is the cell's figure. */
  static final int REPLAYS = 5;

  private CaffeineReplay() {}

  /** The median of {@value #REPLAYS} replays of {@code trace} at {@code capacity}, by hits. */
  static CellResult run(Trace trace, long capacity) {
    List<CellResult> replays = new ArrayList<>(REPLAYS);
    for (int i = 0; i < REPLAYS; i++) {
      replays.add(replay(trace, capacity));
    }
    return medianByHits(replays);
  }

  /** The result with the median hits of an odd number of them (the upper median of an even number). */
  static CellResult medianByHits(List<CellResult> results) {
    if (results.isEmpty()) {
      throw new IllegalArgumentException("no results");
    }
    List<CellResult> sorted = new ArrayList<>(results);
    sorted.sort(Comparator.comparingLong(CellResult::hits));
    return sorted.get(sorted.size() / 2);
  }

  private static CellResult replay(Trace trace, long capacity) {
    long start = System.nanoTime();
    int[] keys = trace.keys;
    int[] sizes = trace.sizes;
    int[] keySizes = trace.keySizes;
    Integer[] boxed = new Integer[trace.distinctKeys()];
    for (int k = 0; k < boxed.length; k++) {
      boxed[k] = k;
    }
    Cache<Integer, Boolean> cache = Caffeine.newBuilder()
        .maximumWeight(capacity)
        .weigher((Integer key, Boolean value) -> keySizes[key])
        .executor(Runnable::run)
        .build();
    long hits = 0;
    long bytesHit = 0;
    long bytesRequested = 0;
    for (int i = 0; i < keys.length; i++) {
      Integer key = boxed[keys[i]];
      int size = sizes[i];
      bytesRequested += size;
      if (cache.getIfPresent(key) != null) {
        hits++;
        bytesHit += size;
      } else {
        cache.put(key, Boolean.TRUE);
      }
    }
    cache.cleanUp();
    return CellResult.reference("caffeine", trace, capacity, hits, bytesRequested, bytesHit,
        System.nanoTime() - start);
  }
}
