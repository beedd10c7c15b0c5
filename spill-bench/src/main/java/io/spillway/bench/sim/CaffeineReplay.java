package io.spillway.bench.sim;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Caffeine as the peer: a real bounded cache ({@code maximumWeight} = capacity, weighed by size), one entry per key,
 * maintenance run on the calling thread so that eviction happens before the next request. A hit is a
 * {@code getIfPresent} that finds the key; a miss puts it. Internal, may change.
 *
 * <p>Thread-safe: each call builds its own cache. Caffeine's admission has a little randomness (against hash
 * flooding), so two runs may differ by a few hits.
 */
final class CaffeineReplay {
  private CaffeineReplay() {}

  static CellResult run(Trace trace, long capacity) {
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
