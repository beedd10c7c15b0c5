package io.spillway.core.internal;

import io.spillway.api.spi.SpillPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Predicate;

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
 * <p>Memory: segments live in an open-addressing table of parallel arrays (name reference, size, score with the
 * spilled flag as its sign), about 20 bytes per slot, so that a million segments cost some 42 bytes each rather
 * than the 70 of a {@code HashMap} of entry objects.
 *
 * <p>Not thread-safe, as the SPI allows: the core calls it from one thread at a time.
 */
public final class ColdnessPolicy implements SpillPolicy {
  /** Score of a newly admitted segment, as in RedDB. */
  public static final long INITIAL_SCORE = 100;
  /** Score added by each access, as in RedDB. */
  public static final long ACCESS_BOOST = 10;

  private static final int MIN_CAPACITY = 16;

  private final double decay;
  /** Slot keys; null marks a free slot. Linear probing, backward-shift deletion, load at most 3/4. */
  private String[] names = new String[MIN_CAPACITY];
  private long[] sizes = new long[MIN_CAPACITY];
  /** The score, negated while the segment is spilled (scores are always at least 1). */
  private long[] scores = new long[MIN_CAPACITY];
  private int count;

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
  public void onAdmit(String segment, long size) {
    int slot = find(segment);
    if (slot < 0) {
      if ((count + 1) * 4L > names.length * 3L) {
        resize(names.length * 2);
      }
      slot = free(segment);
      names[slot] = segment;
      count++;
    }
    sizes[slot] = size;
    scores[slot] = INITIAL_SCORE;
  }

  @Override
  public void onAccess(String segment) {
    int slot = find(segment);
    if (slot >= 0) {
      long score = scores[slot];
      long magnitude = Math.abs(score);
      long boosted = magnitude > Long.MAX_VALUE - ACCESS_BOOST ? Long.MAX_VALUE : magnitude + ACCESS_BOOST;
      scores[slot] = score < 0 ? -boosted : boosted;
    }
  }

  @Override
  public void onResize(String segment, long oldSize, long newSize) {
    int slot = find(segment);
    if (slot >= 0) {
      sizes[slot] = newSize;
    }
  }

  @Override
  public void onSpill(String segment) {
    int slot = find(segment);
    if (slot >= 0) {
      scores[slot] = -Math.abs(scores[slot]);
    }
  }

  @Override
  public void onReload(String segment) {
    int slot = find(segment);
    if (slot >= 0) {
      scores[slot] = Math.abs(scores[slot]);
    }
  }

  @Override
  public void onRemove(String segment) {
    int slot = find(segment);
    if (slot >= 0) {
      delete(slot);
    }
  }

  @Override
  public List<String> selectVictims(long bytesToFree, Predicate<String> eligible) {
    if (bytesToFree <= 0) {
      return List.of();
    }
    List<Candidate> candidates = new ArrayList<>();
    for (int slot = 0; slot < names.length; slot++) {
      String name = names[slot];
      if (name == null) {
        continue;
      }
      long score = scores[slot];
      // Java's double-to-long cast truncates and saturates like Rust's `as u64` for the positive scores here.
      long decayed = Math.max(1, (long) (Math.abs(score) * decay));
      scores[slot] = score < 0 ? -decayed : decayed;
      if (score > 0 && eligible.test(name)) {
        candidates.add(new Candidate(name, sizes[slot], sizes[slot] / decayed));
      }
    }
    PriorityQueue<Candidate> heap = new PriorityQueue<>(candidates);
    List<String> victims = new ArrayList<>();
    long freed = 0;
    while (freed < bytesToFree && !heap.isEmpty()) {
      Candidate next = heap.poll();
      victims.add(next.name);
      freed = next.size > Long.MAX_VALUE - freed ? Long.MAX_VALUE : freed + next.size;
    }
    return victims;
  }

  /** The current score of {@code segment}, for tests; 0 if unknown. */
  long score(String segment) {
    int slot = find(segment);
    return slot < 0 ? 0 : Math.abs(scores[slot]);
  }

  /** The number of segments known, for tests. */
  int size() {
    return count;
  }

  private int home(String name) {
    int h = name.hashCode() * 0x9E3779B9;
    return (h ^ (h >>> 16)) & (names.length - 1);
  }

  private int find(String name) {
    int mask = names.length - 1;
    for (int slot = home(name); ; slot = (slot + 1) & mask) {
      String candidate = names[slot];
      if (candidate == null) {
        return -1;
      }
      if (candidate.equals(name)) {
        return slot;
      }
    }
  }

  private int free(String name) {
    int mask = names.length - 1;
    int slot = home(name);
    while (names[slot] != null) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  /** Empties {@code slot}, shifting back later entries of the same probe run so that lookups still find them. */
  private void delete(int slot) {
    int mask = names.length - 1;
    int gap = slot;
    for (int next = (gap + 1) & mask; names[next] != null; next = (next + 1) & mask) {
      int home = home(names[next]);
      // The entry at next may move into the gap unless its home lies cyclically in (gap, next].
      boolean homeBetween = gap <= next ? gap < home && home <= next : gap < home || home <= next;
      if (!homeBetween) {
        names[gap] = names[next];
        sizes[gap] = sizes[next];
        scores[gap] = scores[next];
        gap = next;
      }
    }
    names[gap] = null;
    sizes[gap] = 0;
    scores[gap] = 0;
    count--;
  }

  private void resize(int capacity) {
    String[] oldNames = names;
    long[] oldSizes = sizes;
    long[] oldScores = scores;
    names = new String[capacity];
    sizes = new long[capacity];
    scores = new long[capacity];
    for (int i = 0; i < oldNames.length; i++) {
      if (oldNames[i] != null) {
        int slot = free(oldNames[i]);
        names[slot] = oldNames[i];
        sizes[slot] = oldSizes[i];
        scores[slot] = oldScores[i];
      }
    }
  }

  @Override
  public String toString() {
    return "ColdnessPolicy{segments=" + count + ", decay=" + decay + ", capacity=" + names.length + "}";
  }

  /** Ordered coldest first: larger coldness, then larger size, then smaller name. */
  private static final class Candidate implements Comparable<Candidate> {
    final String name;
    final long size;
    final long coldness;

    Candidate(String name, long size, long coldness) {
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
