package io.spillway.core.internal;

import io.spillway.api.spi.SpillPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.IntPredicate;
import org.jspecify.annotations.Nullable;

/**
 * RedDB's coldness ranking, as a {@link SpillPolicy}. Internal, may change; select it as policy {@code coldness}.
 *
 * <p>Each segment has a score: 100 when admitted, +10 per access (saturating at {@link Long#MAX_VALUE}). Each
 * {@link #selectVictims} call with something to free first multiplies every score, spilled segments' included, by
 * the decay factor, truncating to a whole number and keeping at least 1 (RedDB's
 * {@code ((score as f64) * factor) as u64}, {@code .max(1)}). It then ranks the eligible resident segments by
 * coldness = size / score (integer division), coldest first; ties go to the larger segment, then to the smaller
 * name, so the choice is deterministic. Victims are taken in that order until their sizes reach the bytes to free.
 *
 * <p>Cost: as in RedDB, the decay is one O(n) pass over all segments per round. The ranking heapifies the
 * candidates in O(n) and pops only the victims, O(k log n) for k victims, instead of sorting all of them. Every
 * other event is O(1) on average.
 *
 * <p>Memory: a segment's name (for the tie-break), size and score (with the spilled flag as its sign) sit at its id
 * in three parallel arrays: 20 bytes per segment, and an access touches one array element.
 *
 * <p>Not thread-safe, as the SPI allows: the core calls it from one thread at a time.
 */
public final class ColdnessPolicy implements SpillPolicy {
  /** Score of a newly admitted segment, as in RedDB. */
  public static final long INITIAL_SCORE = 100;
  /** Score added by each access, as in RedDB. */
  public static final long ACCESS_BOOST = 10;

  private final double decay;
  /** By id: the name, or null for an id not in use. */
  private @Nullable String[] names = new String[ArrayCapacity.initial()];
  /** By id: the size. */
  private long[] sizes = new long[ArrayCapacity.initial()];
  /** By id: the score, negated while the segment is spilled (scores are at least 1); 0 when not in use. */
  private long[] scores = new long[ArrayCapacity.initial()];
  /** Every id admitted so far is below this. */
  private int limit;
  private int known;

  /**
   * @param decay the factor applied to every score on each round, in (0, 1]
   */
  public ColdnessPolicy(double decay) {
    if (!(decay > 0.0 && decay <= 1.0)) {
      throw new IllegalArgumentException("decay must be in (0, 1], was " + decay);
    }
    this.decay = decay;
  }

  @Override
  public void onAdmit(int segment, String name, long size) {
    if (segment < 0) {
      return;
    }
    if (segment >= names.length) {
      int length = names.length;
      while (length <= segment) {
        length = ArrayCapacity.grown(length);
      }
      names = Arrays.copyOf(names, length);
      sizes = Arrays.copyOf(sizes, length);
      scores = Arrays.copyOf(scores, length);
    }
    if (names[segment] == null) {
      known++;
    }
    limit = Math.max(limit, segment + 1);
    names[segment] = name;
    sizes[segment] = size;
    scores[segment] = INITIAL_SCORE;
  }

  @Override
  public void onAccess(int segment) {
    // An id not in use scores 0; checking the score, not the name, keeps an access to one array element.
    if (segment < 0 || segment >= scores.length || scores[segment] == 0) {
      throw new IllegalArgumentException("no segment has id " + segment);
    }
    boost(segment);
  }

  @Override
  public void onResize(int segment, long oldSize, long newSize) {
    if (isKnown(segment)) {
      sizes[segment] = newSize;
    }
  }

  @Override
  public void onSpill(int segment) {
    if (isKnown(segment)) {
      scores[segment] = -Math.abs(scores[segment]);
    }
  }

  @Override
  public void onReload(int segment) {
    if (isKnown(segment)) {
      scores[segment] = Math.abs(scores[segment]);
    }
  }

  @Override
  public void onRemove(int segment) {
    if (isKnown(segment)) {
      names[segment] = null;
      scores[segment] = 0;
      known--;
    }
  }

  @Override
  public int[] selectVictims(long bytesToFree, IntPredicate eligible) {
    if (bytesToFree <= 0) {
      return new int[0];
    }
    List<Candidate> candidates = new ArrayList<>();
    for (int id = 0; id < limit; id++) {
      String name = names[id];
      if (name == null) {
        continue;
      }
      long score = scores[id];
      // Java's double-to-long cast truncates and saturates like Rust's `as u64` for the positive scores here.
      long decayed = Math.max(1, (long) (Math.abs(score) * decay));
      scores[id] = score < 0 ? -decayed : decayed;
      if (score > 0 && eligible.test(id)) {
        candidates.add(new Candidate(id, name, sizes[id], sizes[id] / decayed));
      }
    }
    PriorityQueue<Candidate> heap = new PriorityQueue<>(candidates);
    int[] victims = new int[8];
    int count = 0;
    long freed = 0;
    while (freed < bytesToFree && !heap.isEmpty()) {
      Candidate next = heap.poll();
      if (count == victims.length) {
        victims = Arrays.copyOf(victims, count * 2);
      }
      victims[count++] = next.id;
      freed = next.size > Long.MAX_VALUE - freed ? Long.MAX_VALUE : freed + next.size;
    }
    return Arrays.copyOf(victims, count);
  }

  /** The current score of segment {@code id}, for tests; 0 if unknown. */
  long score(int id) {
    return isKnown(id) ? Math.abs(scores[id]) : 0;
  }

  /** The number of segments known, for tests. */
  int size() {
    return known;
  }

  private boolean isKnown(int id) {
    return id >= 0 && id < names.length && names[id] != null;
  }

  /** Adds one access's boost to a segment's score, saturating, keeping its spilled sign. */
  private void boost(int id) {
    long score = scores[id];
    long magnitude = Math.abs(score);
    long boosted = magnitude > Long.MAX_VALUE - ACCESS_BOOST ? Long.MAX_VALUE : magnitude + ACCESS_BOOST;
    scores[id] = score < 0 ? -boosted : boosted;
  }

  @Override
  public String toString() {
    return "ColdnessPolicy{segments=" + known + ", decay=" + decay + ", capacity=" + names.length + "}";
  }

  /** Ordered coldest first: larger coldness, then larger size, then smaller name. */
  private static final class Candidate implements Comparable<Candidate> {
    final int id;
    final String name;
    final long size;
    final long coldness;

    Candidate(int id, String name, long size, long coldness) {
      this.id = id;
      this.name = name;
      this.size = size;
      this.coldness = coldness;
    }

    @Override
    public int compareTo(Candidate o) {
      int c = Long.compare(o.coldness, coldness);
      if (c == 0) {
        c = Long.compare(o.size, size);
      }
      return c != 0 ? c : name.compareTo(o.name);
    }
  }
}
