package io.spillway.policy.lfu;

import io.spillway.api.spi.SegmentTable;
import io.spillway.api.spi.SpillPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * W-TinyLFU adapted to spilling; {@link WindowTinyLfuPolicyProvider} states the rules. Internal, may change.
 *
 * <p>Every known segment has a {@link Node} in a {@link SegmentTable}; resident ones are also on one of three
 * intrusive doubly linked lists, each a circular list around a sentinel, least recent first: the admission
 * window, the probation segment and the protected segment of the main area. Spilled nodes stay in the table (for
 * their size) and on no list. Frequencies live in a {@link FrequencySketch}, keyed by the name's hash, so they
 * survive a spill and even a removal. All events are O(1) amortised; selection is O(1) per victim plus O(1) per
 * segment passed over.
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

  /** Share of the main area's bytes held by the protected segment, as Caffeine does. */
  private static final double PROTECTED_SHARE = 0.8;
  /** Candidates this frequent or more are admitted at random now and then, so a flood of collisions cannot pin main. */
  private static final int RANDOM_ADMIT_FREQUENCY = 6;
  static final double INITIAL_WINDOW = 0.01;
  private static final double MAX_WINDOW = 0.8;
  private static final double CLIMB_STEP = 0.0625;
  private static final double CLIMB_RESTART = 0.05;
  private static final double CLIMB_DECAY = 0.98;

  private final SegmentTable<Node> nodes = new SegmentTable<>();
  private final FrequencySketch sketch = new FrequencySketch();
  private final Node window = Node.sentinel();
  private final Node probation = Node.sentinel();
  private final Node protectedArea = Node.sentinel();
  private final long[] bytes = new long[3];
  private final boolean adaptive;
  private int residentCount;
  private int candidateCount;
  /** Candidates the selection in progress has not passed yet. */
  private int walkCandidatesLeft;
  private double windowShare = INITIAL_WINDOW;
  private long random = 0x2545F4914F6CDD1DL;

  // Hill climbing of the window share: hits and misses seen in the current sample, and the previous hit rate.
  private int sampleHits;
  private int sampleMisses;
  private double previousHitRate;
  /** Starts upwards: from 1% a step down would hit the floor at once and teach nothing. */
  private double step = CLIMB_STEP;

  WindowTinyLfuPolicy(boolean adaptive) {
    this.adaptive = adaptive;
  }

  @Override
  public void onAdmit(String segment, long size) {
    onRemove(segment);
    Node node = new Node(segment);
    node.size = size;
    nodes.add(node);
    sampleMisses++;
    enterWindow(node);
  }

  @Override
  public void onAccess(String segment) {
    Node node = nodes.get(segment);
    if (node == null || node.queue() == SPILLED) {
      return;
    }
    sketch.increment(hash(node));
    sampleHits++;
    switch (node.queue()) {
      case WINDOW -> moveToBack(node, window);
      case PROBATION -> {
        // A second use while on probation earns a place in the protected segment.
        unlink(node);
        link(node, protectedArea, PROTECTED);
      }
      default -> moveToBack(node, protectedArea);
    }
    rebalance();
    climb();
  }

  @Override
  public void onResize(String segment, long oldSize, long newSize) {
    Node node = nodes.get(segment);
    if (node == null) {
      return;
    }
    int queue = node.queue();
    if (queue != SPILLED) {
      bytes[queue] += newSize - node.size;
    }
    node.size = newSize;
    if (queue != SPILLED) {
      rebalance();
    }
  }

  @Override
  public void onSpill(String segment) {
    Node node = nodes.get(segment);
    if (node != null && node.queue() != SPILLED) {
      unlink(node);
      node.state = SPILLED;
    }
  }

  @Override
  public void onReload(String segment) {
    Node node = nodes.get(segment);
    if (node != null && node.queue() == SPILLED) {
      sampleMisses++;
      enterWindow(node);
    }
  }

  @Override
  public void onRemove(String segment) {
    Node node = nodes.remove(segment);
    if (node != null && node.queue() != SPILLED) {
      unlink(node);
    }
  }

  /**
   * Caffeine's eviction walk: the newest candidates (from the tail of probation, then the head of the window)
   * challenge the probation victims (from its head, then protected, then the window); of each pair the less
   * frequent is chosen. Nothing moves; the chosen nodes leave the lists when the core spills them.
   */
  @Override
  public List<String> selectVictims(long bytesToFree, Predicate<String> eligible) {
    Objects.requireNonNull(eligible, "eligible");
    List<String> victims = new ArrayList<>();
    if (bytesToFree <= 0) {
      return victims;
    }
    List<Node> chosen = new ArrayList<>();
    long missing = bytesToFree;
    int victimQueue = PROBATION;
    Node victim = first(probation);
    boolean candidatesFromWindow = false;
    walkCandidatesLeft = candidateCount;
    Node candidate = null;
    if (walkCandidatesLeft > 0) {
      candidate = previousCandidate(probation);
    }
    while (missing > 0) {
      if (candidate != null && (candidate.is(CHOSEN) || !eligible.test(candidate.segment()))) {
        candidate = nextCandidate(candidate, candidatesFromWindow);
        continue;
      }
      if (victim != null && (victim.is(CHOSEN) || !eligible.test(victim.segment()))) {
        victim = after(victim);
        continue;
      }
      if (candidate == null && !candidatesFromWindow) {
        candidatesFromWindow = true;
        candidate = first(window);
        continue;
      }
      if (candidate == null && victim == null) {
        if (victimQueue == PROBATION) {
          victimQueue = PROTECTED;
          victim = first(protectedArea);
          continue;
        }
        if (victimQueue == PROTECTED) {
          victimQueue = WINDOW;
          victim = first(window);
          continue;
        }
        break;
      }
      Node loser;
      if (victim == null || candidate == victim) {
        loser = candidate;
      } else if (candidate == null || admit(candidate, victim)) {
        loser = victim;
      } else {
        loser = candidate;
      }
      if (candidate != null) {
        candidate = nextCandidate(candidate, candidatesFromWindow);
      }
      if (loser == victim) {
        victim = after(victim);
      }
      loser.state |= CHOSEN;
      chosen.add(loser);
      victims.add(loser.segment());
      missing -= loser.size;
    }
    for (Node node : chosen) {
      node.state &= ~CHOSEN;
    }
    clearCandidates();
    return victims;
  }

  /** The share of resident bytes the window may hold now, for tests. */
  double windowShare() {
    return windowShare;
  }

  /** The list a known segment is on, for tests. */
  int queueOf(String segment) {
    Node node = nodes.get(segment);
    if (node == null) {
      throw new IllegalArgumentException("unknown segment " + segment);
    }
    return node.queue();
  }

  /** The sketch's estimate for a segment, for tests. */
  int frequency(String segment) {
    return sketch.frequency(SegmentTable.spread(segment.hashCode()));
  }

  /**
   * The candidate after {@code candidate}: the next one towards the head of probation (candidates sit at its tail,
   * possibly mixed with nodes demoted from protected), or the next one in the window.
   */
  private @Nullable Node nextCandidate(Node candidate, boolean fromWindow) {
    if (fromWindow) {
      return after(candidate);
    }
    if (--walkCandidatesLeft == 0) {
      return null;
    }
    return previousCandidate(candidate);
  }

  /** The nearest candidate before {@code node} on probation, or null at its head. */
  private @Nullable Node previousCandidate(Node node) {
    Node previous = node.prev;
    while (previous != probation && !previous.is(CANDIDATE)) {
      previous = previous.prev;
    }
    return previous == probation ? null : previous;
  }

  private void enterWindow(Node node) {
    sketch.increment(hash(node));
    link(node, window, WINDOW);
    sketch.ensureCapacity(residentCount);
    rebalance();
    climb();
  }

  /** Moves the window's overflow to probation as candidates, and protected's overflow to probation. */
  private void rebalance() {
    long resident = bytes[WINDOW] + bytes[PROBATION] + bytes[PROTECTED];
    long windowMax = (long) (resident * windowShare);
    while (bytes[WINDOW] > windowMax && window.next != window) {
      Node node = window.next;
      unlink(node);
      link(node, probation, PROBATION);
      node.state |= CANDIDATE;
      candidateCount++;
    }
    long protectedMax = (long) ((resident - bytes[WINDOW]) * PROTECTED_SHARE);
    while (bytes[PROTECTED] > protectedMax && protectedArea.next != protectedArea) {
      Node node = protectedArea.next;
      unlink(node);
      link(node, probation, PROBATION);
    }
  }

  /** Caffeine's hill climber: moves the window share in the direction that last raised the hit rate. */
  private void climb() {
    if (!adaptive) {
      return;
    }
    int requests = sampleHits + sampleMisses;
    if (requests < Math.max(1_000, 10L * residentCount)) {
      return;
    }
    double hitRate = (double) sampleHits / requests;
    double change = hitRate - previousHitRate;
    double amount = change >= 0 ? step : -step;
    step = Math.abs(change) >= CLIMB_RESTART ? Math.copySign(CLIMB_STEP, amount) : amount * CLIMB_DECAY;
    previousHitRate = hitRate;
    sampleHits = 0;
    sampleMisses = 0;
    windowShare = Math.max(0, Math.min(MAX_WINDOW, windowShare + amount));
    rebalance();
  }

  private boolean admit(Node candidate, Node victim) {
    int candidateFrequency = sketch.frequency(hash(candidate));
    int victimFrequency = sketch.frequency(hash(victim));
    if (candidateFrequency > victimFrequency) {
      return true;
    }
    if (candidateFrequency >= RANDOM_ADMIT_FREQUENCY) {
      // xorshift: deterministic, so runs repeat exactly.
      random ^= random << 13;
      random ^= random >>> 7;
      random ^= random << 17;
      return (random & 127) == 0;
    }
    return false;
  }

  private void clearCandidates() {
    Node node = probation.prev;
    // Candidates are all on probation, so the walk ends before the sentinel; the bound only guards the loop.
    while (candidateCount > 0 && node != probation) {
      if (node.is(CANDIDATE)) {
        node.state &= ~CANDIDATE;
        candidateCount--;
      }
      node = node.prev;
    }
  }

  private void link(Node node, Node list, int queue) {
    Node last = list.prev;
    node.prev = last;
    node.next = list;
    last.next = node;
    list.prev = node;
    node.state = queue;
    bytes[queue] += node.size;
    residentCount++;
  }

  private void unlink(Node node) {
    int queue = node.queue();
    if (node.is(CANDIDATE)) {
      candidateCount--;
    }
    if (queue != SPILLED) {
      bytes[queue] -= node.size;
      residentCount--;
    }
    node.prev.next = node.next;
    node.next.prev = node.prev;
    node.prev = node;
    node.next = node;
    node.state = queue;
  }

  private void moveToBack(Node node, Node list) {
    int queue = node.queue();
    unlink(node);
    link(node, list, queue);
  }

  private static @Nullable Node first(Node list) {
    return list.next == list ? null : list.next;
  }

  /** The node after {@code node} on its list, or null at the end. */
  private @Nullable Node after(Node node) {
    Node next = node.next;
    return next == window || next == probation || next == protectedArea ? null : next;
  }

  private static int hash(Node node) {
    return SegmentTable.spread(node.segment().hashCode());
  }

  /** What the policy knows of one segment: 12-byte header, 3 references, a size and a state, 40 bytes in all. */
  static final class Node extends SegmentTable.Entry {
    Node prev = this;
    Node next = this;
    long size;
    int state;

    Node(String segment) {
      super(segment);
    }

    /** The head of a circular list; never in the table, never flagged. */
    static Node sentinel() {
      return new Node("");
    }

    int queue() {
      return state & QUEUE_MASK;
    }

    boolean is(int flag) {
      return (state & flag) != 0;
    }
  }
}
