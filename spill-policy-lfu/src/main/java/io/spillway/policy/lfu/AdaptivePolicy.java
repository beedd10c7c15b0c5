package io.spillway.policy.lfu;

import io.spillway.api.spi.SpillPolicy;
import java.util.function.IntPredicate;

/**
 * The {@code adaptive} policy; {@link AdaptivePolicyProvider} states the rules. Internal, may change.
 *
 * <p>A {@link WindowTinyLfuPolicy} without hill climbing holds the segments and chooses the victims; a
 * {@link WindowTuner} watches the sampled requests and sets its window share, which takes effect at the next choice
 * of victims (so that accesses told one by one or in a batch have the same effect); a {@link ReloadCostModel} prices
 * the misses. Sampling reads the sketch key and size the cache keeps per segment: nothing else is kept per segment.
 *
 * <p>Not thread-safe: the core calls it from one thread at a time.
 */
final class AdaptivePolicy implements SpillPolicy {
  private final WindowTinyLfuPolicy cache = new WindowTinyLfuPolicy(WindowTuner.SHARES[WindowTuner.INITIAL_SHARE]);
  private final ReloadCostModel cost;
  private final WindowTuner tuner;

  AdaptivePolicy(ReloadCostModel cost) {
    this.cost = cost;
    this.tuner = new WindowTuner(cost);
  }

  @Override
  public void onAdmit(int segment, String name, long size) {
    if (cache.isKnown(segment)) {
      onRemove(segment);
    }
    cache.onAdmit(segment, name, size);
    sample(segment);
  }

  @Override
  public void onAccess(int segment) {
    if (cache.isResident(segment)) {
      cache.onAccess(segment);
      sample(segment);
    }
  }

  @Override
  public void onAccess(int[] segments, int count) {
    cache.onAccess(segments, count);
    for (int i = 0; i < count; i++) {
      int segment = segments[i];
      if (cache.isResident(segment)) {
        sample(segment);
      }
    }
  }

  @Override
  public void onResize(int segment, long oldSize, long newSize) {
    if (!cache.isKnown(segment)) {
      return;
    }
    cache.onResize(segment, oldSize, newSize);
    if (tuner.sampled(cache.hashOf(segment))) {
      tuner.resize(segment, newSize);
    }
  }

  @Override
  public void onSpill(int segment) {
    cache.onSpill(segment);
  }

  @Override
  public void onReload(int segment) {
    if (cache.isKnown(segment) && !cache.isResident(segment)) {
      cache.onReload(segment);
      sample(segment);
    }
  }

  @Override
  public void onReloadCost(int segment, long nanos) {
    if (cache.isResident(segment)) {
      cost.observe(cache.sizeOf(segment), nanos);
    }
  }

  @Override
  public void onRemove(int segment) {
    if (!cache.isKnown(segment)) {
      return;
    }
    if (tuner.sampled(cache.hashOf(segment))) {
      tuner.remove(segment);
    }
    cache.onRemove(segment);
  }

  /**
   * Tells the tuner the capacity (what stays resident once these victims are spilled), applies the window share it
   * chose, and lets the cache choose.
   */
  @Override
  public int[] selectVictims(long bytesToFree, IntPredicate eligible) {
    long resident = cache.residentBytes();
    int count = cache.residentCount();
    if (bytesToFree > 0 && resident > 0 && count > 0) {
      long keep = Math.max(0, resident - bytesToFree);
      if (tuner.capacity(keep, Math.round((double) count * keep / resident))) {
        cache.forEachResident(this::seed);
      }
    }
    if (cache.windowShare() != tuner.windowShare()) {
      cache.setWindowShare(tuner.windowShare());
    }
    return cache.selectVictims(bytesToFree, eligible);
  }

  /** The window share in effect, for tests. */
  double windowShare() {
    return cache.windowShare();
  }

  /** The tuner, for tests. */
  WindowTuner tuner() {
    return tuner;
  }

  /** The cost model, for tests. */
  ReloadCostModel cost() {
    return cost;
  }

  private void seed(int segment) {
    int hash = cache.hashOf(segment);
    if (tuner.sampled(hash)) {
      tuner.seed(segment, hash, cache.sizeOf(segment));
    }
  }

  private void sample(int segment) {
    int hash = cache.hashOf(segment);
    if (tuner.sampled(hash)) {
      tuner.request(segment, hash, cache.sizeOf(segment));
    }
  }

  @Override
  public String toString() {
    return "AdaptivePolicy{window=" + cache.windowShare() + ", sample=" + tuner.sampleRate() + ", cost=" + cost + "}";
  }
}
