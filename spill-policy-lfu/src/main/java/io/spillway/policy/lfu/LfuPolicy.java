package io.spillway.policy.lfu;

import io.spillway.api.spi.SpillPolicy;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

/**
 * Least frequently used first, with dynamic aging; {@link LfuPolicyProvider} states the rules. Internal, may
 * change.
 *
 * <p>A segment's size, use count, priority and time of last use sit at its id in arrays. Resident segments are in a
 * binary min-heap of ids ordered by (priority, last use), with each id's heap position kept beside it, so the
 * lowest priority is on top and ties go to the least recently used. A use raises a segment's priority and its time,
 * so it only ever moves down the heap. Events cost O(log n) in the heap; selection visits the heap in order from the
 * top, O(log k) per segment visited for k visited. A segment costs 32 bytes (size and priority in longs; use count,
 * time of last use and two heap ints in ints), no object and no name lookup.
 *
 * <p>Counts and times are 32-bit to keep a segment within the manager's heap goal: a use count stops at
 * {@link Integer#MAX_VALUE} (a segment used two billion times ranks as one used that often: its priority still
 * grows with {@code L}); the clock, which only breaks ties, is renumbered before it wraps, the resident segments
 * given 0 to n − 1 in the order of their last use (O(n log n), once per two billion uses, with a temporary
 * {@code long} per resident segment). The ranking is unchanged by either.
 *
 * <p>Events about segments the policy does not know in the required state (an access to a spilled or unknown
 * segment, a reload of a resident one, ...) are ignored rather than thrown on, so that a policy never breaks
 * the core's bookkeeping; an admit of a known name replaces the old segment.
 *
 * <p>Not thread-safe: the core calls it from one thread at a time.
 */
final class LfuPolicy implements SpillPolicy {
  /** The heap position of a spilled segment, which is not in the heap. */
  private static final int OUT = -1;
  /** The heap position of an id no known segment has. */
  private static final int FREE = -2;

  /** By id: the registered size. */
  private long[] sizes = new long[IdArrays.INITIAL];
  /** By id: the use count F, saturating at {@link Integer#MAX_VALUE}. */
  private int[] frequencies = new int[IdArrays.INITIAL];
  /** By id: the priority K (as of the last use while spilled). */
  private long[] priorities = new long[IdArrays.INITIAL];
  /**
   * By id: the {@link #clock} at the last use; unique among the resident segments, so the heap order is total.
   * Only resident segments' times are compared: a spilled segment's is set anew when it is reloaded.
   */
  private int[] lastUses = new int[IdArrays.INITIAL];
  /** By id: the position in {@link #heap}, {@link #OUT} or {@link #FREE}. */
  private int[] positions = IdArrays.grow(new int[0], IdArrays.INITIAL, FREE);
  /** The ids of the resident segments, a binary min-heap in its first {@link #heapSize} elements. */
  private int[] heap = new int[IdArrays.INITIAL];
  private int heapSize;
  private int known;
  /** Victims of the latest selection, by id, with the priority each had when chosen. */
  private final Map<Integer, Long> chosen = new HashMap<>();
  /** LFU-DA's L: raised to the priority of each chosen victim that is spilled; never lowered. */
  private long inflation;
  /** Counts uses, so that equal priorities rank by recency; renumbered before it wraps. */
  private int clock;

  LfuPolicy() {
    this(0);
  }

  /** A policy whose clock starts at {@code firstClock}, so that tests can reach its wrap. */
  LfuPolicy(int firstClock) {
    this.clock = firstClock;
  }

  @Override
  public void onAdmit(int id, String name, long size) {
    if (id < 0) {
      return;
    }
    if (id >= positions.length) {
      int length = IdArrays.lengthFor(id, positions.length);
      sizes = Arrays.copyOf(sizes, length);
      frequencies = Arrays.copyOf(frequencies, length);
      priorities = Arrays.copyOf(priorities, length);
      lastUses = Arrays.copyOf(lastUses, length);
      positions = IdArrays.grow(positions, length, FREE);
      heap = Arrays.copyOf(heap, length);
    }
    onRemove(id);
    known++;
    sizes[id] = size;
    frequencies[id] = 0;
    countUse(id);
    push(id);
  }

  @Override
  public void onAccess(int id) {
    if (isKnown(id)) {
      use(id);
    }
  }

  @Override
  public void onResize(int id, long oldSize, long newSize) {
    if (isKnown(id)) {
      // Size is not part of the ordering, so it may change in place.
      sizes[id] = newSize;
    }
  }

  @Override
  public void onSpill(int id) {
    if (!isKnown(id) || positions[id] == OUT) {
      return;
    }
    removeFromHeap(id);
    Long chosenPriority = chosen.remove(id);
    if (chosenPriority != null && chosenPriority > inflation) {
      inflation = chosenPriority;
    }
  }

  @Override
  public void onReload(int id) {
    if (isKnown(id) && positions[id] == OUT) {
      countUse(id);
      push(id);
    }
  }

  @Override
  public void onRemove(int id) {
    if (!isKnown(id)) {
      return;
    }
    if (positions[id] != OUT) {
      removeFromHeap(id);
    }
    positions[id] = FREE;
    known--;
    chosen.remove(id);
  }

  @Override
  public int[] selectVictims(long bytesToFree, IntPredicate eligible) {
    Objects.requireNonNull(eligible, "eligible");
    chosen.clear();
    IntStream.Builder victims = IntStream.builder();
    // Counting down what is still missing cannot overflow, unlike adding up what was freed.
    long missing = bytesToFree;
    // The heap in order without changing it: a heap position comes out before its children, which go in then.
    PriorityQueue<Integer> frontier = new PriorityQueue<>((a, b) -> compare(heap[a], heap[b]));
    if (heapSize > 0) {
      frontier.add(0);
    }
    while (missing > 0 && !frontier.isEmpty()) {
      int position = frontier.poll();
      int id = heap[position];
      if (eligible.test(id)) {
        victims.add(id);
        chosen.put(id, priorities[id]);
        missing -= sizes[id];
      }
      for (int child = 2 * position + 1; child <= 2 * position + 2 && child < heapSize; child++) {
        frontier.add(child);
      }
    }
    return victims.build().toArray();
  }

  /** LFU-DA's L, for tests. */
  long inflation() {
    return inflation;
  }

  /** The use count of a known segment, for tests. */
  long frequency(int id) {
    return frequencies[requireKnown(id)];
  }

  /** The priority of a known segment (as of its last use if it is spilled), for tests. */
  long priority(int id) {
    return priorities[requireKnown(id)];
  }

  private int requireKnown(int id) {
    if (!isKnown(id)) {
      throw new IllegalArgumentException("unknown segment " + id);
    }
    return id;
  }

  private boolean isKnown(int id) {
    return id >= 0 && id < positions.length && positions[id] != FREE;
  }

  /** Counts a use of a resident segment; ignores a spilled one. */
  private void use(int id) {
    int position = positions[id];
    if (position == OUT) {
      return;
    }
    countUse(id);
    // Priority and time of last use both grew: the segment can only move away from the top.
    siftDown(position, id);
  }

  /** F += 1, K = L + F, last use = now. */
  private void countUse(int id) {
    if (frequencies[id] < Integer.MAX_VALUE) {
      frequencies[id]++;
    }
    priorities[id] = saturatedAdd(inflation, frequencies[id]);
    if (clock == Integer.MAX_VALUE) {
      renumberLastUses();
    }
    lastUses[id] = clock++;
  }

  /**
   * Gives the resident segments the times 0 to n − 1 in the order of their last use, and the clock n: every
   * comparison the heap makes comes out as before, so the heap stays ordered.
   */
  private void renumberLastUses() {
    long[] byLastUse = new long[heapSize];
    for (int position = 0; position < heapSize; position++) {
      int id = heap[position];
      byLastUse[position] = (long) lastUses[id] << 32 | id;
    }
    Arrays.sort(byLastUse);
    for (int rank = 0; rank < heapSize; rank++) {
      lastUses[(int) byLastUse[rank]] = rank;
    }
    clock = heapSize;
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    // Both operands are non-negative, so overflow shows as a negative sum; reaching it takes ~2^63 events.
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  /** Orders numbers by priority, then by time of last use: negative if {@code a} goes before {@code b}. */
  private int compare(int a, int b) {
    int byPriority = Long.compare(priorities[a], priorities[b]);
    return byPriority != 0 ? byPriority : Integer.compare(lastUses[a], lastUses[b]);
  }

  private void push(int id) {
    siftUp(heapSize++, id);
  }

  private void removeFromHeap(int id) {
    int position = positions[id];
    positions[id] = OUT;
    int last = heap[--heapSize];
    if (position == heapSize) {
      return;
    }
    // The last element fills the hole; it may belong above or below it.
    if (position > 0 && compare(last, heap[(position - 1) / 2]) < 0) {
      siftUp(position, last);
    } else {
      siftDown(position, last);
    }
  }

  /** Places {@code id} at {@code position} or above it, moving down the parents that go after it. */
  private void siftUp(int position, int id) {
    int at = position;
    while (at > 0) {
      int parent = (at - 1) / 2;
      int above = heap[parent];
      if (compare(id, above) >= 0) {
        break;
      }
      place(above, at);
      at = parent;
    }
    place(id, at);
  }

  /** Places {@code id} at {@code position} or below it, moving up the children that go before it. */
  private void siftDown(int position, int id) {
    int at = position;
    while (true) {
      int child = 2 * at + 1;
      if (child >= heapSize) {
        break;
      }
      if (child + 1 < heapSize && compare(heap[child + 1], heap[child]) < 0) {
        child++;
      }
      int below = heap[child];
      if (compare(below, id) >= 0) {
        break;
      }
      place(below, at);
      at = child;
    }
    place(id, at);
  }

  private void place(int id, int position) {
    heap[position] = id;
    positions[id] = position;
  }

  @Override
  public String toString() {
    return "LfuPolicy{segments=" + known + ", resident=" + heapSize + ", inflation=" + inflation + "}";
  }
}
