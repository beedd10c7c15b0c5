package io.spillway.policy.lfu;

/**
 * Chooses the window share of the {@code adaptive} policy's W-TinyLFU by miniature simulation (Waldspurger et al.,
 * "Cache Modeling and Optimization using Miniature Simulations", USENIX ATC 2017): the requests of a spatial sample
 * of the segments replay against {@link #SHARES one expert per share} under the sampled share of the budget, and the
 * share in effect moves towards the experts whose misses cost least of late. Internal, may change.
 *
 * <p><b>Sample.</b> A segment is in the sample when a hash of its name falls under a threshold, so a segment is in or
 * out for its whole life, and the sample holds about the rate of every set of segments. Simulation starts with the
 * first request, every segment sampled; until the capacity is known (from the first selection of victims on) the
 * experts hold every sampled segment, so they miss alike, but their sketches learn. Then the rate follows the
 * capacity: all segments while the budget holds {@value #SAMPLED_ENTRIES} segments or fewer (the simulation is then
 * exact), else {@value #SAMPLED_ENTRIES} over the capacity in segments, so each expert holds about
 * {@value #SAMPLED_ENTRIES} segments whatever the scale. A lower rate <em>narrows</em> the sample, as SHARDS does
 * with a fixed-size sample: each expert forgets the segments out of it and keeps the rest, its sketch and its
 * counts — at the first capacity, when the capacity falls the rate by more than half, and when an expert holds four
 * times what the rate meant (sizes far from the average, or no capacity yet: memory stays bounded). A rate more
 * than twice as high cannot be narrowed to: the experts start afresh, seeded with the resident segments.
 *
 * <p><b>Choice.</b> {@value #CHECKS} times per {@code epoch} of sampled requests ({@value #EPOCH_PER_ENTRY} per
 * sampled segment of capacity, at least {@value #MIN_EPOCH}), each expert's misses are priced by the
 * {@link ReloadCostModel} (a latency per miss plus the bytes it reloads), and the share in effect moves one step
 * towards the share of the cheapest expert, if that one is cheaper than the share in effect by more than
 * {@value #SWITCH_MARGIN} of its cost (no flapping between near ties, no jump whose cost the experts cannot show,
 * no halt at a local minimum); the counts decay so that they halve over an epoch, and the choice follows the
 * recent past. The first check after a fresh start only warms the experts up.
 *
 * <p><b>Cost.</b> Each sampled request costs one count in the experts' shared sketch and one access or admission
 * in each of the {@value #EXPERTS} experts; a request outside the sample costs a hash and a comparison. Memory:
 * about 60 bytes per segment an expert holds, at most {@code 7 × 4 × } {@value #SAMPLED_ENTRIES} of them, and
 * nothing per segment of the manager. Not thread-safe.
 */
final class WindowTuner {
  /** The window shares the experts simulate: from pure TinyLFU admission to plain LRU. */
  static final double[] SHARES = {0, 0.01, 0.05, 0.2, 0.4, 0.6, 1.0};
  static final int EXPERTS = 7;
  /** The index of the share in effect at first: Caffeine's 1%. */
  static final int INITIAL_SHARE = 1;
  /** Sampled segments each expert's capacity should hold. */
  static final int SAMPLED_ENTRIES = 1024;
  static final int EPOCH_PER_ENTRY = 5;
  static final int MIN_EPOCH = 512;
  static final double SWITCH_MARGIN = 0.05;
  private static final int SAMPLE_BITS = 24;
  private static final int ALL = 1 << SAMPLE_BITS;
  /** Counts kept at the end of an epoch. */
  private static final double KEEP = 0.5;
  /** Checks per epoch; counts decay a little at each, so that they halve over an epoch. */
  static final int CHECKS = 4;
  private static final double KEEP_PER_CHECK = Math.pow(KEEP, 1.0 / CHECKS);

  private final MiniatureCache[] experts = new MiniatureCache[EXPERTS];
  /**
   * The experts' one sketch: they all see the same requests, so one count per request serves them all (seven
   * sketches would hold the same counts).
   */
  private FrequencySketch sketch = new FrequencySketch();
  private final ReloadCostModel cost;
  /** Hashes under it are sampled: the rate times 2^24. */
  private int threshold = ALL;
  /** Whether a capacity was set: until then the experts hold every sampled segment. */
  private boolean capacityKnown;
  private boolean warm;
  /** The index of the share in effect. */
  private int applied = INITIAL_SHARE;
  private int epochLength = MIN_EPOCH;
  private int epochRequests;
  private int sampledCapacityEntries = SAMPLED_ENTRIES;

  WindowTuner(ReloadCostModel cost) {
    this.cost = cost;
    for (int i = 0; i < EXPERTS; i++) {
      experts[i] = new MiniatureCache(SHARES[i], sketch);
    }
  }

  /** The window share the leading expert simulates. */
  double windowShare() {
    return SHARES[applied];
  }

  /** Whether the segment with sketch key {@code hash} is simulated. */
  boolean sampled(int hash) {
    return (sampleHash(hash) & (ALL - 1)) < threshold;
  }

  /** A request (an access, an admission or a reload) for a sampled segment. */
  void request(int segment, int hash, long size) {
    sketch.increment(hash);
    for (MiniatureCache expert : experts) {
      expert.request(segment, hash, size);
    }
    if (++epochRequests >= epochLength / CHECKS) {
      endEpoch();
    }
  }

  /** A sampled segment's size changed. */
  void resize(int segment, long newSize) {
    for (MiniatureCache expert : experts) {
      expert.resize(segment, newSize);
    }
  }

  /** A sampled segment was unregistered. */
  void remove(int segment) {
    for (MiniatureCache expert : experts) {
      expert.remove(segment);
    }
  }

  /**
   * The budget keeps {@code bytes} resident in about {@code entries} segments: sets the sample rate (narrowing the
   * sample, or starting afresh when the rate must more than double) and the experts' share of the bytes.
   *
   * @return whether the experts start afresh: the caller then {@link #seed seeds} them
   */
  boolean capacity(long bytes, long entries) {
    long segments = Math.max(1, entries);
    int wanted = segments <= SAMPLED_ENTRIES ? ALL : (int) Math.max(1, (long) ALL * SAMPLED_ENTRIES / segments);
    boolean restart = wanted > 2L * threshold;
    if (restart) {
      threshold = wanted;
    } else if (wanted < threshold && (!capacityKnown || wanted < threshold / 2)) {
      narrow(wanted);
    }
    capacityKnown = true;
    sampledCapacityEntries = (int) Math.max(1, Math.min(SAMPLED_ENTRIES, segments * (double) threshold / ALL));
    epochLength = Math.max(MIN_EPOCH, EPOCH_PER_ENTRY * sampledCapacityEntries);
    if (restart) {
      restart(threshold);
    }
    sketch.ensureCapacity(sampledCapacityEntries);
    long share = (long) Math.min(Long.MAX_VALUE, Math.max(0, bytes) * ((double) threshold / ALL));
    for (MiniatureCache expert : experts) {
      expert.setCapacity(share);
    }
    return restart;
  }

  /**
   * A sampled segment resident in the real cache when the experts start afresh: each takes it in, as a request that
   * counts no miss, so that the experts start as full as the cache and not empty. Call right after
   * {@link #capacity} returned true, for the resident segments least recent first.
   */
  void seed(int segment, int hash, long size) {
    sketch.increment(hash);
    for (MiniatureCache expert : experts) {
      expert.seed(segment, hash, size);
    }
  }

  /** The share of segments sampled, 0 to 1 (1 until the sample first narrows). */
  double sampleRate() {
    return (double) threshold / ALL;
  }

  /** The experts, for tests. */
  MiniatureCache[] experts() {
    return experts;
  }

  /**
   * Samples fewer segments from now on: each expert forgets those out of the new sample and keeps the rest, with
   * its sketch and its counts (SHARDS with a fixed-size sample lowers its threshold the same way).
   */
  private void narrow(int newThreshold) {
    threshold = newThreshold;
    for (MiniatureCache expert : experts) {
      expert.retain(this::sampled);
    }
  }

  private void restart(int newThreshold) {
    threshold = newThreshold;
    warm = false;
    // The warm-up epoch is short: the experts start full (seeded), they only need their sketches to fill.
    epochRequests = 0;
    sketch = new FrequencySketch();
    for (MiniatureCache expert : experts) {
      expert.reset(sketch);
    }
  }

  private void endEpoch() {
    epochRequests = 0;
    int held = 0;
    for (MiniatureCache expert : experts) {
      held = Math.max(held, expert.heldCount());
    }
    sketch.ensureCapacity(held);
    if (held > 4 * SAMPLED_ENTRIES && threshold > 1) {
      // Far more sampled segments fit than the rate meant (sizes far from the average, or no capacity yet).
      narrow(Math.max(1, threshold / 4));
    }
    if (warm) {
      // One step towards the cheapest expert, if it beats the share in effect by the margin. Towards it, not to
      // a cheaper neighbour only: the costs by share need not fall steadily to the best one, and a neighbour
      // costlier than here can stand between them. One step, not a jump, whose cost the experts cannot show (a
      // cache that goes LRU for a while loses the frequent segments its main area held).
      int cheapest = applied;
      for (int i = 0; i < EXPERTS; i++) {
        if (price(i) < price(cheapest)) {
          cheapest = i;
        }
      }
      if (price(cheapest) < price(applied) * (1 - SWITCH_MARGIN)) {
        applied += cheapest < applied ? -1 : 1;
      }
    }
    for (MiniatureCache expert : experts) {
      expert.decay(warm ? KEEP_PER_CHECK : 0);
    }
    warm = true;
  }

  private double price(int expert) {
    return cost.nanos(experts[expert].misses(), experts[expert].missedBytes());
  }

  /** A hash for sampling, independent of the sketch's use of the same key. */
  private static int sampleHash(int hash) {
    int h = hash * 0x85EB_CA6B;
    h ^= h >>> 13;
    h *= 0xC2B2_AE35;
    return h ^ (h >>> 16);
  }
}
