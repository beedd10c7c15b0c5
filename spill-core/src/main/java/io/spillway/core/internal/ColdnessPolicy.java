package io.spillway.core.internal;

import io.spillway.api.spi.SpillPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * other event is O(1).
 *
 * <p>Not thread-safe, as the SPI allows: the core calls it from one thread at a time.
 */
public final class ColdnessPolicy implements SpillPolicy {
  /** Score of a newly admitted segment, as in RedDB. */
  public static final long INITIAL_SCORE = 100;
  /** Score added by each access, as in RedDB. */
  public static final long ACCESS_BOOST = 10;

  private final double decay;
  private final Map<String, Entry> entries = new HashMap<>();

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
    entries.put(segment, new Entry(size));
  }

  @Override
  public void onAccess(String segment) {
    Entry entry = entries.get(segment);
    if (entry != null) {
      entry.score = entry.score > Long.MAX_VALUE - ACCESS_BOOST ? Long.MAX_VALUE : entry.score + ACCESS_BOOST;
    }
  }

  @Override
  public void onResize(String segment, long oldSize, long newSize) {
    Entry entry = entries.get(segment);
    if (entry != null) {
      entry.size = newSize;
    }
  }

  @Override
  public void onSpill(String segment) {
    Entry entry = entries.get(segment);
    if (entry != null) {
      entry.spilled = true;
    }
  }

  @Override
  public void onReload(String segment) {
    Entry entry = entries.get(segment);
    if (entry != null) {
      entry.spilled = false;
    }
  }

  @Override
  public void onRemove(String segment) {
    entries.remove(segment);
  }

  @Override
  public List<String> selectVictims(long bytesToFree, Predicate<String> eligible) {
    if (bytesToFree <= 0) {
      return List.of();
    }
    List<Candidate> candidates = new ArrayList<>();
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      Entry entry = e.getValue();
      // Java's double-to-long cast truncates and saturates like Rust's `as u64` for the non-negative scores here.
      entry.score = Math.max(1, (long) (entry.score * decay));
      if (!entry.spilled && eligible.test(e.getKey())) {
        candidates.add(new Candidate(e.getKey(), entry.size, entry.size / entry.score));
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
    Entry entry = entries.get(segment);
    return entry == null ? 0 : entry.score;
  }

  private static final class Entry {
    long size;
    long score = INITIAL_SCORE;
    boolean spilled;

    Entry(long size) {
      this.size = size;
    }
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
