package io.spillway.policy.lru;

import io.spillway.api.spi.SegmentTable;
import io.spillway.api.spi.SpillPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * LIRS adapted to spilling and to sizes; {@link LirsPolicyProvider} states the rules. Internal, may change.
 *
 * <p>Every known segment has a {@link Node} in a {@link SegmentTable}. Two intrusive circular lists around
 * sentinels thread through the nodes: the LIRS stack {@code S} (bottom = oldest first) holding every LIR segment
 * and the recently used HIR ones, resident or spilled; and the queue {@code Q} of resident HIR segments, oldest
 * first. A spilled segment in {@code S} is LIRS's "non-resident HIR block": the policy knows every registered
 * segment, so this history costs no extra node. Events are O(1) amortised (stack pruning removes each entry once);
 * selection is O(1) per victim and per segment passed over.
 *
 * <p>Not thread-safe: the core calls it from one thread at a time.
 */
final class LirsPolicy implements SpillPolicy {
  static final int LIR = 0;
  static final int HIR = 1;
  static final int SPILLED = 2;
  /** Share of the resident bytes LIR segments may hold; the rest is the HIR queue, as in the LIRS paper. */
  private static final double LIR_SHARE = 0.99;

  private final SegmentTable<Node> nodes = new SegmentTable<>();
  private final Node stack = Node.sentinel();
  private final Node queue = Node.sentinel();
  private long residentBytes;
  private long lirBytes;
  private int lirCount;

  @Override
  public void onAdmit(String segment, long size) {
    onRemove(segment);
    Node node = new Node(segment);
    node.size = size;
    node.state = SPILLED;
    nodes.add(node);
    enter(node);
  }

  @Override
  public void onAccess(String segment) {
    Node node = nodes.get(segment);
    if (node == null) {
      return;
    }
    if (node.state == LIR) {
      boolean wasBottom = stack.sNext == node;
      pushOnStack(node);
      if (wasBottom) {
        prune();
      }
    } else if (node.state == HIR) {
      if (node.inStack()) {
        // Its reuse distance is shorter than the oldest LIR segment's recency: it takes that one's place.
        unlinkQueue(node);
        makeLir(node);
        pushOnStack(node);
        rebalance();
      } else {
        pushOnStack(node);
        unlinkQueue(node);
        linkQueue(node);
      }
    }
  }

  @Override
  public void onResize(String segment, long oldSize, long newSize) {
    Node node = nodes.get(segment);
    if (node == null) {
      return;
    }
    long delta = newSize - node.size;
    node.size = newSize;
    if (node.state != SPILLED) {
      residentBytes += delta;
      if (node.state == LIR) {
        lirBytes += delta;
      }
      rebalance();
    }
  }

  @Override
  public void onSpill(String segment) {
    Node node = nodes.get(segment);
    if (node == null || node.state == SPILLED) {
      return;
    }
    residentBytes -= node.size;
    if (node.state == HIR) {
      unlinkQueue(node);
    } else {
      lirBytes -= node.size;
      lirCount--;
    }
    // It stays in the stack, if it is there, as a spilled HIR entry: its recency still tells its reuse distance.
    node.state = SPILLED;
    prune();
  }

  @Override
  public void onReload(String segment) {
    Node node = nodes.get(segment);
    if (node != null && node.state == SPILLED) {
      enter(node);
    }
  }

  @Override
  public void onRemove(String segment) {
    Node node = nodes.remove(segment);
    if (node == null) {
      return;
    }
    if (node.state != SPILLED) {
      residentBytes -= node.size;
      if (node.state == HIR) {
        unlinkQueue(node);
      } else {
        lirBytes -= node.size;
        lirCount--;
      }
    }
    node.state = SPILLED;
    if (node.inStack()) {
      unlinkStack(node);
    }
    prune();
  }

  /** The HIR queue from its oldest end, then the LIR segments from the bottom of the stack. */
  @Override
  public List<String> selectVictims(long bytesToFree, Predicate<String> eligible) {
    Objects.requireNonNull(eligible, "eligible");
    List<String> victims = new ArrayList<>();
    long missing = bytesToFree;
    for (Node node = queue.qNext; node != queue && missing > 0; node = node.qNext) {
      if (eligible.test(node.segment())) {
        victims.add(node.segment());
        missing -= node.size;
      }
    }
    for (Node node = stack.sNext; node != stack && missing > 0; node = node.sNext) {
      if (node.state == LIR && eligible.test(node.segment())) {
        victims.add(node.segment());
        missing -= node.size;
      }
    }
    return victims;
  }

  /** The state of a known segment ({@link #LIR}, {@link #HIR} or {@link #SPILLED}), for tests. */
  int stateOf(String segment) {
    Node node = nodes.get(segment);
    if (node == null) {
      throw new IllegalArgumentException("unknown segment " + segment);
    }
    return node.state;
  }

  /** A miss: a new or reloaded segment becomes resident. */
  private void enter(Node node) {
    residentBytes += node.size;
    boolean recentlyUsed = node.inStack();
    if (recentlyUsed || lirBytes + node.size <= limit()) {
      // Reused while its previous use is still in the stack, or the LIR set is not full yet.
      makeLir(node);
      pushOnStack(node);
      rebalance();
    } else {
      node.state = HIR;
      pushOnStack(node);
      linkQueue(node);
    }
  }

  private long limit() {
    return (long) (residentBytes * LIR_SHARE);
  }

  private void makeLir(Node node) {
    node.state = LIR;
    lirBytes += node.size;
    lirCount++;
  }

  /** Turns the oldest LIR segments into resident HIR ones while LIR holds more than its share. */
  private void rebalance() {
    long limit = limit();
    while (lirBytes > limit && lirCount > 1) {
      prune();
      Node bottom = stack.sNext;
      unlinkStack(bottom);
      bottom.state = HIR;
      lirBytes -= bottom.size;
      lirCount--;
      linkQueue(bottom);
    }
    prune();
  }

  /** Removes HIR entries from the bottom of the stack, so that its bottom is the oldest LIR segment. */
  private void prune() {
    Node bottom = stack.sNext;
    while (bottom != stack && bottom.state != LIR) {
      unlinkStack(bottom);
      bottom = stack.sNext;
    }
  }

  private void pushOnStack(Node node) {
    if (node.inStack()) {
      unlinkStack(node);
    }
    Node top = stack.sPrev;
    node.sPrev = top;
    node.sNext = stack;
    top.sNext = node;
    stack.sPrev = node;
  }

  private static void unlinkStack(Node node) {
    node.sPrev.sNext = node.sNext;
    node.sNext.sPrev = node.sPrev;
    node.sPrev = null;
    node.sNext = null;
  }

  private void linkQueue(Node node) {
    Node last = queue.qPrev;
    node.qPrev = last;
    node.qNext = queue;
    last.qNext = node;
    queue.qPrev = node;
  }

  private static void unlinkQueue(Node node) {
    node.qPrev.qNext = node.qNext;
    node.qNext.qPrev = node.qPrev;
    node.qPrev = null;
    node.qNext = null;
  }

  /** What the policy knows of one segment: 12-byte header, 5 references, a size and a state: 48 bytes. */
  static final class Node extends SegmentTable.Entry {
    @Nullable Node sPrev;
    @Nullable Node sNext;
    @Nullable Node qPrev;
    @Nullable Node qNext;
    long size;
    int state;

    Node(String segment) {
      super(segment);
    }

    /** The head of both lists: an empty circle; real nodes start on no list. */
    static Node sentinel() {
      Node node = new Node("");
      node.sPrev = node;
      node.sNext = node;
      node.qPrev = node;
      node.qNext = node;
      return node;
    }

    boolean inStack() {
      return sNext != null;
    }
  }
}
