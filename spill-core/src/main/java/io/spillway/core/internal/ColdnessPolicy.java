package io.spillway.core.internal;

import io.spillway.api.spi.SegmentIds;
import io.spillway.api.spi.SpillPolicy;
import java.util.ArrayList;
import java.util.Arrays;
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
 * <p>Memory: each segment has a number from {@link SegmentIds}, its {@linkplain #accessHandle handle}, fixed from
 * admission to removal and reused after it; its size and score (with the spilled flag as its sign) sit at that index
 * of two parallel arrays. A million segments cost some 30 bytes each (name reference, name index, size, score) rather
 * than the 70 of a {@code HashMap} of entry objects, and an access reported by handle touches one array element.
 *
 * <p>Not thread-safe, as the SPI allows: the core calls it from one thread at a time.
 */
public final class ColdnessPolicy implements SpillPolicy {
  /** Score of a newly admitted segment, as in RedDB. */
  public static final long INITIAL_SCORE = 100;
  /** Score added by each access, as in RedDB. */
  public static final long ACCESS_BOOST = 10;

  private final double decay;
  private final SegmentIds ids = new SegmentIds();
  /** By segment number: the size. */
  private long[] sizes = new long[ids.capacity()];
  /** By segment number: the score, negated while the segment is spilled (scores are at least 1); 0 when not in use. */
  private long[] scores = new long[ids.capacity()];

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
    int id = ids.find(segment);
    if (id == SegmentIds.NONE) {
      id = ids.add(segment);
      if (sizes.length < ids.capacity()) {
        sizes = Arrays.copyOf(sizes, ids.capacity());
        scores = Arrays.copyOf(scores, ids.capacity());
      }
    }
    sizes[id] = size;
    scores[id] = INITIAL_SCORE;
  }

  @Override
  public void onAccess(String segment) {
    int id = ids.find(segment);
    if (id != SegmentIds.NONE) {
      boost(id);
    }
  }

  /** The segment's number: valid from its admission until its removal. */
  @Override
  public int accessHandle(String segment) {
    return ids.find(segment);
  }

  @Override
  public void onAccess(int handle) {
    // A number not in use scores 0; checking the score, not the name, keeps an access to one array element.
    if (handle < 0 || handle >= scores.length || scores[handle] == 0) {
      throw new IllegalArgumentException("no segment has access handle " + handle);
    }
    boost(handle);
  }

  @Override
  public void onResize(String segment, long oldSize, long newSize) {
    int id = ids.find(segment);
    if (id != SegmentIds.NONE) {
      sizes[id] = newSize;
    }
  }

  @Override
  public void onSpill(String segment) {
    int id = ids.find(segment);
    if (id != SegmentIds.NONE) {
      scores[id] = -Math.abs(scores[id]);
    }
  }

  @Override
  public void onReload(String segment) {
    int id = ids.find(segment);
    if (id != SegmentIds.NONE) {
      scores[id] = Math.abs(scores[id]);
    }
  }

  @Override
  public void onRemove(String segment) {
    int id = ids.remove(segment);
    if (id != SegmentIds.NONE) {
      scores[id] = 0;
    }
  }

  @Override
  public List<String> selectVictims(long bytesToFree, Predicate<String> eligible) {
    if (bytesToFree <= 0) {
      return List.of();
    }
    List<Candidate> candidates = new ArrayList<>();
    for (int id = 0; id < ids.limit(); id++) {
      String name = ids.segment(id);
      if (name == null) {
        continue;
      }
      long score = scores[id];
      // Java's double-to-long cast truncates and saturates like Rust's `as u64` for the positive scores here.
      long decayed = Math.max(1, (long) (Math.abs(score) * decay));
      scores[id] = score < 0 ? -decayed : decayed;
      if (score > 0 && eligible.test(name)) {
        candidates.add(new Candidate(name, sizes[id], sizes[id] / decayed));
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
    int id = ids.find(segment);
    return id == SegmentIds.NONE ? 0 : Math.abs(scores[id]);
  }

  /** The number of segments known, for tests. */
  int size() {
    return ids.size();
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
    return "ColdnessPolicy{segments=" + ids.size() + ", decay=" + decay + ", capacity=" + ids.capacity() + "}";
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
