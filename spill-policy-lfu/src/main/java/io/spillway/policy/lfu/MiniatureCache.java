package io.spillway.policy.lfu;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * One expert of {@link WindowTuner}: a W-TinyLFU with a fixed window share, simulated on the sampled segments under
 * the sampled share of the budget, counting its own misses. Internal, may change.
 *
 * <p>It keeps only the segments resident in the simulation, under small local ids: a request for one it does not
 * hold is a miss, which admits it (its frequency survives in the sketch, keyed by the segment's hash, so leaving and
 * coming back is the spill and the reload it would be); when the held bytes pass the capacity, the simulated
 * policy's victims are forgotten. Memory is bounded by the capacity in sampled segments, not by the segments the
 * manager knows. Not thread-safe.
 */
final class MiniatureCache {
  private static final int NONE = -1;
  private static final IntPredicate ANY = id -> true;

  private final double windowShare;
  private WindowTinyLfuPolicy policy;
  /** The simulated segments by the manager's id, to their local ids. */
  private final IdIndex locals = new IdIndex();
  /** By local id: the manager's id, or {@link #NONE} for a free local id. */
  private int[] segments = new int[16];
  /** Free local ids, a stack. */
  private int[] free = new int[16];
  private int freeCount;
  private int nextLocal;
  private long capacity = Long.MAX_VALUE;
  private long residentBytes;
  // Misses and the bytes they reload, decayed by the tuner.
  private double misses;
  private double missedBytes;

  /**
   * An expert that reads frequencies from {@code sketch}, shared with the other experts fed the same requests; their
   * owner counts each request in it, once, before handing it to them.
   */
  MiniatureCache(double windowShare, FrequencySketch sketch) {
    this.windowShare = windowShare;
    this.policy = new WindowTinyLfuPolicy(windowShare, sketch);
    Arrays.fill(segments, NONE);
  }

  /** The window share this expert simulates. */
  double windowShare() {
    return windowShare;
  }

  /** A request for sampled segment {@code segment}: a hit if it is held, else a miss that admits it. */
  void request(int segment, int hash, long size) {
    int local = locals.get(segment);
    if (local != IdIndex.ABSENT) {
      policy.onAccess(local);
      return;
    }
    misses++;
    missedBytes += size;
    local = takeLocal(segment);
    locals.put(segment, local);
    policy.admit(local, hash, size);
    residentBytes += size;
    evictOverCapacity();
  }

  /** Takes in a sampled segment without counting a miss, unless held already or over the capacity. */
  void seed(int segment, int hash, long size) {
    if (locals.get(segment) != IdIndex.ABSENT) {
      return;
    }
    double missesBefore = misses;
    double bytesBefore = missedBytes;
    request(segment, hash, size);
    misses = missesBefore;
    missedBytes = bytesBefore;
  }

  /** A sampled segment's size changed; nothing happens unless this simulation holds it. */
  void resize(int segment, long newSize) {
    int local = locals.get(segment);
    if (local != IdIndex.ABSENT) {
      residentBytes += newSize - policy.sizeOf(local);
      policy.onResize(local, policy.sizeOf(local), newSize);
      evictOverCapacity();
    }
  }

  /** A sampled segment was unregistered: forgotten, so that its id can come back for another. */
  void remove(int segment) {
    int local = locals.remove(segment);
    if (local != IdIndex.ABSENT) {
      residentBytes -= policy.sizeOf(local);
      policy.onRemove(local);
      releaseLocal(local);
    }
  }

  /** Forgets every held segment whose sketch key {@code keep} refuses; the counts and the sketch stay. */
  void retain(IntPredicate keep) {
    for (int local = 0; local < nextLocal; local++) {
      if (segments[local] != NONE && !keep.test(policy.hashOf(local))) {
        remove(segments[local]);
      }
    }
  }

  /** Holds at most {@code bytes} from now on, forgetting the simulated policy's victims at once if over. */
  void setCapacity(long bytes) {
    capacity = bytes;
    evictOverCapacity();
  }

  /** Weighs the misses counted so far by {@code keep} (0 to 1), so that recent ones count most. */
  void decay(double keep) {
    misses *= keep;
    missedBytes *= keep;
  }

  /** Decayed misses. */
  double misses() {
    return misses;
  }

  /** Decayed bytes those misses reloaded. */
  double missedBytes() {
    return missedBytes;
  }

  /** Segments this simulation holds. */
  int heldCount() {
    return locals.size();
  }

  /** Forgets every segment and every count, reading from {@code sketch} from now on: a fresh start. */
  void reset(FrequencySketch sketch) {
    policy = new WindowTinyLfuPolicy(windowShare, sketch);
    locals.clear();
    segments = new int[16];
    Arrays.fill(segments, NONE);
    free = new int[16];
    freeCount = 0;
    nextLocal = 0;
    residentBytes = 0;
    misses = 0;
    missedBytes = 0;
  }

  private void evictOverCapacity() {
    if (residentBytes <= capacity) {
      return;
    }
    int count = policy.choose(residentBytes - capacity, ANY);
    for (int i = 0; i < count; i++) {
      int victim = policy.chosen(i);
      residentBytes -= policy.sizeOf(victim);
      policy.onRemove(victim);
      locals.remove(segments[victim]);
      releaseLocal(victim);
    }
  }

  private int takeLocal(int segment) {
    int local = freeCount > 0 ? free[--freeCount] : nextLocal++;
    if (local >= segments.length) {
      int old = segments.length;
      segments = Arrays.copyOf(segments, 2 * old);
      Arrays.fill(segments, old, segments.length, NONE);
    }
    segments[local] = segment;
    return local;
  }

  private void releaseLocal(int local) {
    segments[local] = NONE;
    if (freeCount == free.length) {
      free = Arrays.copyOf(free, 2 * free.length);
    }
    free[freeCount++] = local;
  }
}
