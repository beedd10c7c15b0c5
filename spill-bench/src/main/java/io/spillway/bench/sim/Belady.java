package io.spillway.bench.sim;

import java.util.SplittableRandom;

/**
 * The clairvoyant references: Belady's MIN and, for traces with sizes, the next-use &times; size heuristic. They see
 * the whole future of the trace (precomputed next-use indices) and so bound what any online policy can reach; they
 * do not go through the manager, whose policies cannot see the future. Internal, may change.
 *
 * <p>Thread-safe: each call keeps its own state.
 */
final class Belady {
  private static final int SAMPLES = 128;

  private Belady() {}

  /**
   * Belady's MIN: on a miss, evicts the resident objects used farthest in the future until the new one fits.
   *
   * @param bypass whether the incoming object competes too: if it is used no sooner than every resident object, it
   *     is not admitted (the optimum of the count-based figures); otherwise it is always admitted, the others
   *     evicted for it (libCacheSim's {@code Belady}, whose miss counts the sized trace's figures are)
   */
  static CellResult min(Trace trace, long capacity, boolean bypass) {
    long start = System.nanoTime();
    int[] keys = trace.keys;
    int[] sizes = trace.sizes;
    int[] next = trace.nextUse();
    KeyHeap cache = new KeyHeap(trace.distinctKeys());
    long used = 0;
    long hits = 0;
    long bytesHit = 0;
    long bytesRequested = 0;
    for (int i = 0; i < keys.length; i++) {
      int key = keys[i];
      int size = sizes[i];
      bytesRequested += size;
      long nextUse = next[i];
      if (cache.contains(key)) {
        hits++;
        bytesHit += size;
        cache.put(key, nextUse);
        continue;
      }
      if (size > capacity) {
        continue;
      }
      boolean admit = true;
      while (used + size > capacity) {
        int farthest = cache.peek();
        if (bypass && cache.priorityOf(farthest) <= nextUse) {
          admit = false;
          break;
        }
        cache.poll();
        used -= trace.keySizes[farthest];
      }
      if (admit) {
        cache.put(key, nextUse);
        used += size;
      }
    }
    String name = bypass ? "opt" : "belady";
    return CellResult.reference(name, trace, capacity, hits, bytesRequested, bytesHit, System.nanoTime() - start);
  }

  /**
   * The size-aware heuristic: evicts the object with the largest (next use &minus; now) &times; size among
   * {@value #SAMPLES} sampled resident objects, and never keeps an object that is not used again (libCacheSim's
   * {@code BeladySize}). Sampling with a fixed seed keeps it deterministic; it is a heuristic, not an optimum.
   */
  static CellResult sizeAware(Trace trace, long capacity) {
    long start = System.nanoTime();
    int[] keys = trace.keys;
    int[] sizes = trace.sizes;
    int[] next = trace.nextUse();
    int distinct = trace.distinctKeys();
    // Resident keys in a dense array for uniform sampling; slot[key] is the index in it, or -1.
    int[] resident = new int[distinct];
    int[] slot = new int[distinct];
    long[] nextOf = new long[distinct];
    java.util.Arrays.fill(slot, -1);
    int count = 0;
    SplittableRandom random = new SplittableRandom(42);
    long used = 0;
    long hits = 0;
    long bytesHit = 0;
    long bytesRequested = 0;
    for (int i = 0; i < keys.length; i++) {
      int key = keys[i];
      int size = sizes[i];
      bytesRequested += size;
      if (slot[key] >= 0) {
        hits++;
        bytesHit += size;
        if (next[i] == Trace.NEVER) {
          count = drop(key, resident, slot, count);
          used -= trace.keySizes[key];
        } else {
          nextOf[key] = next[i];
        }
        continue;
      }
      if (size > capacity || next[i] == Trace.NEVER) {
        continue;
      }
      while (used + size > capacity) {
        int victim = -1;
        long worst = -1;
        for (int s = 0; s < SAMPLES; s++) {
          int candidate = resident[random.nextInt(count)];
          long score = (nextOf[candidate] - i) * trace.keySizes[candidate];
          if (score > worst) {
            worst = score;
            victim = candidate;
          }
        }
        count = drop(victim, resident, slot, count);
        used -= trace.keySizes[victim];
      }
      resident[count] = key;
      slot[key] = count++;
      nextOf[key] = next[i];
      used += size;
    }
    return CellResult.reference("belady-size", trace, capacity, hits, bytesRequested, bytesHit,
        System.nanoTime() - start);
  }

  private static int drop(int key, int[] resident, int[] slot, int count) {
    int at = slot[key];
    int last = resident[--count];
    resident[at] = last;
    slot[last] = at;
    slot[key] = -1;
    return count;
  }
}
