package io.spillway.core.internal;

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
 * <p>Memory: each segment has a number, its {@linkplain #accessHandle handle}, fixed from admission to removal and
 * reused after it; its name reference, size and score (with the spilled flag as its sign) sit at that index of three
 * parallel arrays, 20 bytes per number. Names are found through an open-addressing table of numbers, 4 bytes per
 * slot. A million segments cost some 30 bytes each, rather than the 70 of a {@code HashMap} of entry objects, and an
 * access reported by handle touches one array element. The arrays grow through {@link ArrayCapacity}'s lengths, which
 * G1 stores without wasting part of a region.
 *
 * <p>Not thread-safe, as the SPI allows: the core calls it from one thread at a time.
 */
public final class ColdnessPolicy implements SpillPolicy {
  /** Score of a newly admitted segment, as in RedDB. */
  public static final long INITIAL_SCORE = 100;
  /** Score added by each access, as in RedDB. */
  public static final long ACCESS_BOOST = 10;

  private static final int NO_ID = -1;

  private final double decay;
  /** By segment number: the name, or null for a number not in use. */
  private String[] names = new String[ArrayCapacity.initial()];
  /** By segment number: the size; for a number not in use, the next free number (a free list), or {@link #NO_ID}. */
  private long[] sizes = new long[names.length];
  /** By segment number: the score, negated while the segment is spilled (scores are at least 1); 0 when not in use. */
  private long[] scores = new long[names.length];
  /** Numbers below this have been handed out at least once. */
  private int highWater;
  /** The most recently freed number, head of the free list threaded through {@link #sizes}; or {@link #NO_ID}. */
  private int freeHead = NO_ID;
  /**
   * Name lookup: segment number + 1 per slot, 0 for an empty slot. Linear probing on the name's hash, backward-shift
   * deletion, at most 3/4 full. Its length is not a power of two ({@link ArrayCapacity}), so a hash is mapped to a
   * slot by multiplication rather than by a mask.
   */
  private int[] index = new int[ArrayCapacity.grown(ArrayCapacity.initial())];
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
    int id = find(segment);
    if (id == NO_ID) {
      if ((count + 1) * 4L > index.length * 3L) {
        rebuildIndex(ArrayCapacity.grown(index.length));
      }
      id = allocate();
      names[id] = segment;
      index[emptySlot(segment)] = id + 1;
      count++;
    }
    sizes[id] = size;
    scores[id] = INITIAL_SCORE;
  }

  @Override
  public void onAccess(String segment) {
    int id = find(segment);
    if (id != NO_ID) {
      boost(id);
    }
  }

  /** The segment's number: valid from its admission until its removal. */
  @Override
  public int accessHandle(String segment) {
    int id = find(segment);
    return id == NO_ID ? NO_HANDLE : id;
  }

  @Override
  public void onAccess(int handle) {
    if (handle >= highWater || handle < 0 || scores[handle] == 0) {
      throw new IllegalArgumentException("no segment has access handle " + handle);
    }
    boost(handle);
  }

  @Override
  public void onResize(String segment, long oldSize, long newSize) {
    int id = find(segment);
    if (id != NO_ID) {
      sizes[id] = newSize;
    }
  }

  @Override
  public void onSpill(String segment) {
    int id = find(segment);
    if (id != NO_ID) {
      scores[id] = -Math.abs(scores[id]);
    }
  }

  @Override
  public void onReload(String segment) {
    int id = find(segment);
    if (id != NO_ID) {
      scores[id] = Math.abs(scores[id]);
    }
  }

  @Override
  public void onRemove(String segment) {
    int slot = slotOf(segment);
    if (slot < 0) {
      return;
    }
    int id = index[slot] - 1;
    deleteSlot(slot);
    names[id] = null;
    scores[id] = 0;
    sizes[id] = freeHead;
    freeHead = id;
    count--;
  }

  @Override
  public List<String> selectVictims(long bytesToFree, Predicate<String> eligible) {
    if (bytesToFree <= 0) {
      return List.of();
    }
    List<Candidate> candidates = new ArrayList<>();
    for (int id = 0; id < highWater; id++) {
      String name = names[id];
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
    int id = find(segment);
    return id == NO_ID ? 0 : Math.abs(scores[id]);
  }

  /** The number of segments known, for tests. */
  int size() {
    return count;
  }

  /** Adds one access's boost to a segment's score, saturating, keeping its spilled sign. */
  private void boost(int id) {
    long score = scores[id];
    long magnitude = Math.abs(score);
    long boosted = magnitude > Long.MAX_VALUE - ACCESS_BOOST ? Long.MAX_VALUE : magnitude + ACCESS_BOOST;
    scores[id] = score < 0 ? -boosted : boosted;
  }

  /** A number not in use: the most recently freed one, else a new one (growing the arrays if needed). */
  private int allocate() {
    if (freeHead != NO_ID) {
      int id = freeHead;
      freeHead = (int) sizes[id];
      return id;
    }
    if (highWater == names.length) {
      int capacity = ArrayCapacity.grown(names.length);
      names = Arrays.copyOf(names, capacity);
      sizes = Arrays.copyOf(sizes, capacity);
      scores = Arrays.copyOf(scores, capacity);
    }
    return highWater++;
  }

  /** The slot where {@code name}'s probe starts: its spread hash scaled to the index length (Lemire's reduction). */
  private int home(String name) {
    int h = name.hashCode() * 0x9E3779B9;
    return (int) (((h ^ (h >>> 16)) & 0xFFFF_FFFFL) * index.length >>> 32);
  }

  /** The slot after {@code slot}, wrapping around. */
  private int next(int slot) {
    return slot + 1 == index.length ? 0 : slot + 1;
  }

  /** The number of {@code name}, or {@link #NO_ID}. */
  private int find(String name) {
    int slot = slotOf(name);
    return slot < 0 ? NO_ID : index[slot] - 1;
  }

  /** The index slot holding {@code name}'s number, or -1. */
  private int slotOf(String name) {
    for (int slot = home(name); ; slot = next(slot)) {
      int entry = index[slot];
      if (entry == 0) {
        return -1;
      }
      if (names[entry - 1].equals(name)) {
        return slot;
      }
    }
  }

  private int emptySlot(String name) {
    int slot = home(name);
    while (index[slot] != 0) {
      slot = next(slot);
    }
    return slot;
  }

  /** Empties index {@code slot}, shifting back later entries of the same probe run so that lookups still find them. */
  private void deleteSlot(int slot) {
    int gap = slot;
    for (int probe = next(gap); index[probe] != 0; probe = next(probe)) {
      int home = home(names[index[probe] - 1]);
      // The entry at probe may move into the gap unless its home lies cyclically in (gap, probe].
      boolean homeBetween = gap <= probe ? gap < home && home <= probe : gap < home || home <= probe;
      if (!homeBetween) {
        index[gap] = index[probe];
        gap = probe;
      }
    }
    index[gap] = 0;
  }

  private void rebuildIndex(int capacity) {
    index = new int[capacity];
    for (int id = 0; id < highWater; id++) {
      if (names[id] != null) {
        index[emptySlot(names[id])] = id + 1;
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
