package io.spillway.policy.lfu;

import io.spillway.api.spi.SpillPolicy;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.IntConsumer;
import java.util.function.IntPredicate;
import org.jspecify.annotations.Nullable;

/**
 * W-TinyLFU adapted to spilling; {@link WindowTinyLfuPolicyProvider} states the rules. Internal, may change.
 *
 * <p>A segment's state sits at its id in parallel arrays: its size, the hash of its name (the sketch's key), its
 * queue and flags (four bits, eight to an int), and two list links. Resident segments are on one of three doubly
 * linked lists of ids, least recent first: the admission window, the probation segment and the protected segment of
 * the main area. Spilled
 * segments keep their size and hash and are on no list. Frequencies live in a {@link FrequencySketch}, keyed by the
 * name's hash, so they survive a spill and even a removal. All events are O(1) amortised; selection is O(1) per
 * victim plus O(1) per segment passed over.
 *
 * <p>Memory: 20.5 bytes per id (a long, three ints, four bits) and the sketch's 16 bytes per resident segment; no
 * object per segment and no name lookup. The four bits of state are packed rather than kept in a {@code byte[]}:
 * under G1 a byte array of a million takes a whole 2 MiB region for its 1 MiB, a byte per segment lost.
 *
 * <p>Events about ids the policy does not know in the required state are ignored rather than thrown on, so that a
 * policy never breaks the core's bookkeeping; an admit of a known id replaces the old segment.
 *
 * <p>Not thread-safe: the core calls it from one thread at a time.
 */
final class WindowTinyLfuPolicy implements SpillPolicy {
  static final int WINDOW = 0;
  static final int PROBATION = 1;
  static final int PROTECTED = 2;
  static final int SPILLED = 3;
  private static final int QUEUE_MASK = 3;
  /** Moved from the window into probation since the latest selection: a challenger for admission to main. */
  private static final int CANDIDATE = 4;
  /** Chosen by the selection in progress. */
  private static final int CHOSEN = 8;
  /** The state of an id no known segment has: a spilled candidate, which no known segment can be. */
  private static final int FREE = SPILLED | CANDIDATE;
  /** Eight {@link #FREE} states, one int of {@link #states}. */
  private static final int FREE_INT = 0x7777_7777;
  /** The link at either end of a list. */
  private static final int NIL = -1;

  /** Share of the main area's bytes held by the protected segment, as Caffeine does. */
  private static final double PROTECTED_SHARE = 0.8;
  static final double INITIAL_WINDOW = 0.01;

  /** By id: the registered size. */
  private long[] sizes = new long[IdArrays.INITIAL];
  /** By id: the sketch's key, {@link FrequencySketch#spread} of the name's hash. */
  private int[] hashes = new int[IdArrays.INITIAL];
  /**
   * By id, four bits each, id {@code i} at bits {@code 4 * (i % 8)} of int {@code i / 8}: the queue ({@link #WINDOW}
   * to {@link #SPILLED}) and the flags, or {@link #FREE}.
   */
  private int[] states = freeStates(new int[0], IdArrays.INITIAL);
  /** The ids {@link #states} has room for: the length of the other arrays. */
  private int capacity = IdArrays.INITIAL;
  /** By id: the next less recently used segment on the same list, or {@link #NIL}. */
  private int[] prev = new int[IdArrays.INITIAL];
  /** By id: the next more recently used segment on the same list, or {@link #NIL}. */
  private int[] next = new int[IdArrays.INITIAL];
  /** By queue: the least recent segment of the list, or {@link #NIL}. */
  private final int[] heads = {NIL, NIL, NIL};
  /** By queue: the most recent segment of the list, or {@link #NIL}. */
  private final int[] tails = {NIL, NIL, NIL};
  private final FrequencySketch sketch;
  /** Whether requests are counted in the sketch here: not when it is shared, and its owner counts them. */
  private final boolean countsRequests;
  private final TinyLfuAdmission admission;
  private final long[] bytes = new long[3];
  /**
   * Whether {@link #rebalance} would move nothing: set when it returns, cleared by the events that change the lists'
   * bytes or the window's share without calling it (a spill, a removal).
   */
  private boolean balanced = true;
  private int residentCount;
  private int candidateCount;
  /** Candidates the selection in progress has not passed yet. */
  private int walkCandidatesLeft;
  private double windowShare;
  /** The victims of the last choice; reused. */
  private int[] chosen = new int[8];
  /** Moves the window share after each sample of requests; null for a share fixed from outside. */
  private final @Nullable HillClimber climber;

  WindowTinyLfuPolicy(boolean adaptive) {
    this(adaptive, INITIAL_WINDOW, new FrequencySketch(), true);
  }

  /**
   * A policy whose window holds {@code windowShare} of the resident bytes until {@link #setWindowShare} changes it:
   * no hill climbing. A share of 1 is plain LRU (every resident segment in the window); 0 admits every newcomer
   * through the sketch at once.
   */
  WindowTinyLfuPolicy(double windowShare) {
    this(false, checkShare(windowShare), new FrequencySketch(), true);
  }

  /**
   * As {@link #WindowTinyLfuPolicy(double)}, reading frequencies from {@code sharedSketch} without counting in it or
   * sizing it: its owner counts every request once, for all the simulations fed the same requests.
   */
  WindowTinyLfuPolicy(double windowShare, FrequencySketch sharedSketch) {
    this(false, checkShare(windowShare), sharedSketch, false);
  }

  private WindowTinyLfuPolicy(boolean adaptive, double windowShare, FrequencySketch sketch, boolean countsRequests) {
    this.climber = adaptive ? new HillClimber() : null;
    this.windowShare = windowShare;
    this.sketch = sketch;
    this.countsRequests = countsRequests;
    this.admission = new TinyLfuAdmission(sketch);
  }

  @Override
  public void onAdmit(int segment, String name, long size) {
    admit(segment, FrequencySketch.spread(name.hashCode()), size);
  }

  /**
   * {@link #onAdmit} with the sketch's key given instead of the name, for a policy that simulates this one on segments
   * it knows only by {@link #hashOf hash}.
   */
  void admit(int segment, int hash, long size) {
    if (segment < 0) {
      return;
    }
    if (segment >= capacity) {
      grow(IdArrays.lengthFor(segment, capacity));
    }
    onRemove(segment);
    sizes[segment] = size;
    hashes[segment] = hash;
    setState(segment, SPILLED);
    if (climber != null) {
      climber.miss();
    }
    enterWindow(segment);
  }

  @Override
  public void onAccess(int segment) {
    if (isResident(segment)) {
      if (countsRequests) {
        sketch.increment(hashes[segment]);
      }
      reorder(segment);
    }
  }

  /**
   * The same as {@link #onAccess(int)} on each in turn, in two passes: every count in the sketch first, then every
   * move in the lists. Nothing else an access does reads the sketch, and no access changes which segments are
   * resident, so the order of the two parts does not matter; each pass then keeps one small working set in cache
   * (the sketch's lines, then the lists') instead of both at once.
   */
  @Override
  public void onAccess(int[] segments, int count) {
    for (int i = 0; countsRequests && i < count; i++) {
      int segment = segments[i];
      if (isResident(segment)) {
        sketch.increment(hashes[segment]);
      }
    }
    for (int i = 0; i < count; i++) {
      int segment = segments[i];
      if (isResident(segment)) {
        reorder(segment);
      }
    }
  }

  /** The list part of an access to a resident segment: a hit counted, the segment moved, the window adapted. */
  private void reorder(int segment) {
    if (climber != null) {
      climber.hit();
    }
    if (queue(segment) == PROBATION) {
      // A second use while on probation earns a place in the protected segment.
      unlink(segment);
      link(segment, PROTECTED);
      rebalance();
    } else {
      moveToBack(segment);
      // A move within a list changes no list's bytes: the lists are still as balanced as the last event left them.
      if (!balanced) {
        rebalance();
      }
    }
    climb();
  }

  @Override
  public void onResize(int segment, long oldSize, long newSize) {
    if (!isKnown(segment)) {
      return;
    }
    int queue = queue(segment);
    if (queue != SPILLED) {
      bytes[queue] += newSize - sizes[segment];
    }
    sizes[segment] = newSize;
    if (queue != SPILLED) {
      rebalance();
    }
  }

  @Override
  public void onSpill(int segment) {
    if (isKnown(segment) && queue(segment) != SPILLED) {
      unlink(segment);
      setState(segment, SPILLED);
      balanced = false;
    }
  }

  @Override
  public void onReload(int segment) {
    if (isKnown(segment) && queue(segment) == SPILLED) {
      if (climber != null) {
        climber.miss();
      }
      enterWindow(segment);
    }
  }

  @Override
  public void onRemove(int segment) {
    if (!isKnown(segment)) {
      return;
    }
    if (queue(segment) != SPILLED) {
      unlink(segment);
      balanced = false;
    }
    setState(segment, FREE);
  }

  /**
   * Caffeine's eviction walk: the newest candidates (from the tail of probation, then the head of the window)
   * challenge the probation victims (from its head, then protected, then the window); of each pair the less
   * frequent is chosen. Nothing moves; the chosen segments leave the lists when the core spills them.
   */
  @Override
  public int[] selectVictims(long bytesToFree, IntPredicate eligible) {
    int count = choose(bytesToFree, eligible); // first: the choice may grow the buffer
    return Arrays.copyOf(chosen, count);
  }

  /**
   * {@link #selectVictims} into a buffer this policy reuses, for a simulation that chooses on every miss.
   *
   * @return how many victims were chosen: {@link #chosen(int) chosen(0 .. count - 1)}, until the next choice
   */
  int choose(long bytesToFree, IntPredicate eligible) {
    Objects.requireNonNull(eligible, "eligible");
    int count = 0;
    if (bytesToFree <= 0) {
      return 0;
    }
    long missing = bytesToFree;
    int victimQueue = PROBATION;
    int victim = heads[PROBATION];
    boolean candidatesFromWindow = false;
    walkCandidatesLeft = candidateCount;
    int candidate = NIL;
    if (walkCandidatesLeft > 0) {
      candidate = candidateAtOrBefore(tails[PROBATION]);
    }
    while (missing > 0) {
      if (candidate != NIL && (is(candidate, CHOSEN) || !eligible.test(candidate))) {
        candidate = nextCandidate(candidate, candidatesFromWindow);
        continue;
      }
      if (victim != NIL && (is(victim, CHOSEN) || !eligible.test(victim))) {
        victim = next[victim];
        continue;
      }
      if (candidate == NIL && !candidatesFromWindow) {
        candidatesFromWindow = true;
        candidate = heads[WINDOW];
        continue;
      }
      if (candidate == NIL && victim == NIL) {
        if (victimQueue == PROBATION) {
          victimQueue = PROTECTED;
          victim = heads[PROTECTED];
          continue;
        }
        if (victimQueue == PROTECTED) {
          victimQueue = WINDOW;
          victim = heads[WINDOW];
          continue;
        }
        break;
      }
      int loser;
      if (victim == NIL || candidate == victim) {
        loser = candidate;
      } else if (candidate == NIL || admission.admits(hashes[candidate], hashes[victim])) {
        loser = victim;
      } else {
        loser = candidate;
      }
      if (candidate != NIL) {
        candidate = nextCandidate(candidate, candidatesFromWindow);
      }
      if (loser == victim) {
        victim = next[victim];
      }
      setState(loser, state(loser) | CHOSEN);
      if (count == chosen.length) {
        chosen = Arrays.copyOf(chosen, 2 * count);
      }
      chosen[count++] = loser;
      missing -= sizes[loser];
    }
    for (int i = 0; i < count; i++) {
      setState(chosen[i], state(chosen[i]) & ~CHOSEN);
    }
    clearCandidates();
    return count;
  }

  /** The {@code i}th victim of the last {@link #choose}. */
  int chosen(int i) {
    return chosen[i];
  }

  /** The share of resident bytes the window may hold now. */
  double windowShare() {
    return windowShare;
  }

  /**
   * Gives the window {@code share} of the resident bytes from now on; the lists are rebalanced at once (a smaller
   * window sends its least recent segments to probation as candidates). Meant for a policy without hill climbing.
   *
   * @throws IllegalArgumentException unless {@code 0 <= share <= 1}
   */
  void setWindowShare(double share) {
    windowShare = checkShare(share);
    rebalance();
  }

  /** The sketch's key of a known segment: {@link FrequencySketch#spread} of its name's hash. */
  int hashOf(int segment) {
    return hashes[segment];
  }

  /** The registered size of a known segment. */
  long sizeOf(int segment) {
    return sizes[segment];
  }

  /**
   * Gives {@code action} every resident segment: probation's, protected's, then the window's, least recent first in
   * each, so that the most recently admitted come last.
   */
  void forEachResident(IntConsumer action) {
    for (int queue : new int[] {PROBATION, PROTECTED, WINDOW}) {
      for (int id = heads[queue]; id != NIL; id = next[id]) {
        action.accept(id);
      }
    }
  }

  /** The bytes of the resident segments. */
  long residentBytes() {
    return bytes[WINDOW] + bytes[PROBATION] + bytes[PROTECTED];
  }

  /** The number of resident segments. */
  int residentCount() {
    return residentCount;
  }

  private static double checkShare(double share) {
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("window share must be within [0, 1]: " + share);
    }
    return share;
  }

  /** The list a known segment is on, for tests. */
  int queueOf(int segment) {
    if (!isKnown(segment)) {
      throw new IllegalArgumentException("unknown segment " + segment);
    }
    return queue(segment);
  }

  /** The sketch's estimate for a segment name, for tests. */
  int frequency(String segment) {
    return sketch.frequency(FrequencySketch.spread(segment.hashCode()));
  }

  /** Whether {@code segment} is known, resident or spilled. */
  boolean isKnown(int segment) {
    return segment >= 0 && segment < capacity && state(segment) != FREE;
  }

  /** Whether {@code segment} is known and resident. */
  boolean isResident(int segment) {
    return isKnown(segment) && queue(segment) != SPILLED;
  }

  private int state(int id) {
    return (states[id >>> 3] >>> ((id & 7) << 2)) & 15;
  }

  private void setState(int id, int state) {
    int shift = (id & 7) << 2;
    states[id >>> 3] = (states[id >>> 3] & ~(15 << shift)) | (state << shift);
  }

  private int queue(int id) {
    return state(id) & QUEUE_MASK;
  }

  /** Whether a known segment has {@code flag}; {@link #FREE} ids are never asked. */
  private boolean is(int id, int flag) {
    return (state(id) & flag) != 0;
  }

  /**
   * The candidate after {@code candidate}: the next one towards the head of probation (candidates sit at its tail,
   * possibly mixed with segments demoted from protected), or the next one in the window.
   */
  private int nextCandidate(int candidate, boolean fromWindow) {
    if (fromWindow) {
      return next[candidate];
    }
    if (--walkCandidatesLeft == 0) {
      return NIL;
    }
    return candidateAtOrBefore(prev[candidate]);
  }

  /** The nearest candidate on probation at {@code id} or before it, or {@link #NIL} past its head. */
  private int candidateAtOrBefore(int id) {
    int at = id;
    while (at != NIL && !is(at, CANDIDATE)) {
      at = prev[at];
    }
    return at;
  }

  private void enterWindow(int id) {
    link(id, WINDOW);
    if (countsRequests) {
      sketch.increment(hashes[id]);
      sketch.ensureCapacity(residentCount);
    }
    rebalance();
    climb();
  }

  /** Moves the window's overflow to probation as candidates, and protected's overflow to probation. */
  private void rebalance() {
    long resident = residentBytes();
    long windowMax = (long) (resident * windowShare);
    while (bytes[WINDOW] > windowMax && heads[WINDOW] != NIL) {
      int id = heads[WINDOW];
      unlink(id);
      link(id, PROBATION);
      setState(id, state(id) | CANDIDATE);
      candidateCount++;
    }
    long protectedMax = (long) ((resident - bytes[WINDOW]) * PROTECTED_SHARE);
    while (bytes[PROTECTED] > protectedMax && heads[PROTECTED] != NIL) {
      int id = heads[PROTECTED];
      unlink(id);
      link(id, PROBATION);
    }
    balanced = true;
  }

  /** With hill climbing, the window share the {@link HillClimber} sets, the lists rebalanced when it moves. */
  private void climb() {
    if (climber != null) {
      double share = climber.next(windowShare, residentCount);
      if (share != windowShare) {
        windowShare = share;
        rebalance();
      }
    }
  }

  private void clearCandidates() {
    // Candidates are all on probation, so the walk ends before its head; the bound only guards the loop.
    for (int id = tails[PROBATION]; candidateCount > 0 && id != NIL; id = prev[id]) {
      if (is(id, CANDIDATE)) {
        setState(id, state(id) & ~CANDIDATE);
        candidateCount--;
      }
    }
  }

  /** Appends a segment that is on no list to the most recent end of {@code queue}'s list; its flags are cleared. */
  private void link(int id, int queue) {
    int last = tails[queue];
    prev[id] = last;
    next[id] = NIL;
    if (last == NIL) {
      heads[queue] = id;
    } else {
      next[last] = id;
    }
    tails[queue] = id;
    setState(id, queue);
    bytes[queue] += sizes[id];
    residentCount++;
  }

  /** Takes a resident segment off its list; its queue stays in its state, its flags are cleared. */
  private void unlink(int id) {
    int queue = queue(id);
    if (is(id, CANDIDATE)) {
      candidateCount--;
    }
    bytes[queue] -= sizes[id];
    residentCount--;
    int before = prev[id];
    int after = next[id];
    if (before == NIL) {
      heads[queue] = after;
    } else {
      next[before] = after;
    }
    if (after == NIL) {
      tails[queue] = before;
    } else {
      prev[after] = before;
    }
    setState(id, queue);
  }

  /**
   * Makes a segment of the window or of protected, which carries no flag, the most recent of its list. A relink of
   * the neighbours only: the list's bytes and the resident count do not change, and this is the hot path of an
   * access (14 % of the policy's time per access measured against unlink plus link).
   */
  private void moveToBack(int id) {
    int queue = queue(id);
    int last = tails[queue];
    if (last == id) {
      return;
    }
    int before = prev[id];
    int after = next[id]; // not NIL: id is not the tail
    if (before == NIL) {
      heads[queue] = after;
    } else {
      next[before] = after;
    }
    prev[after] = before;
    prev[id] = last;
    next[id] = NIL;
    next[last] = id;
    tails[queue] = id;
  }

  private void grow(int length) {
    sizes = Arrays.copyOf(sizes, length);
    hashes = Arrays.copyOf(hashes, length);
    states = freeStates(states, length);
    prev = Arrays.copyOf(prev, length);
    next = Arrays.copyOf(next, length);
    capacity = length;
  }

  /** {@code states} grown to hold {@code ids} states, every new one {@link #FREE}. */
  private static int[] freeStates(int[] states, int ids) {
    int old = states.length;
    int[] grown = Arrays.copyOf(states, (ids + 7) >>> 3);
    Arrays.fill(grown, old, grown.length, FREE_INT);
    return grown;
  }

  @Override
  public String toString() {
    return "WindowTinyLfuPolicy{resident=" + residentCount + ", window=" + windowShare + ", capacity="
        + capacity + "}";
  }
}
