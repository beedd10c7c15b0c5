package io.spillway.policy.lru;

import io.spillway.api.spi.SpillPolicy;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/**
 * LIRS adapted to spilling and to sizes; {@link LirsPolicyProvider} states the rules. Internal, may change.
 *
 * <p>Every known segment has a {@link Node}, found by its id in an array. Two intrusive circular lists around
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

  /** By id: the node of each known segment, null for an id not in use. */
  private @Nullable Node[] nodes = new Node[IdArrays.INITIAL];
  private final Node stack = Node.sentinel();
  private final Node queue = Node.sentinel();
  private long residentBytes;
  private long lirBytes;
  private int lirCount;

  @Override
  public void onAdmit(int segment, String name, long size) {
    if (segment < 0) {
      return;
    }
    onRemove(segment);
    if (segment >= nodes.length) {
      nodes = Arrays.copyOf(nodes, IdArrays.lengthFor(segment, nodes.length));
    }
    Node node = new Node(segment);
    node.size = size;
    node.state = SPILLED;
    nodes[segment] = node;
    enter(node);
  }

  @Override
  public void onAccess(int segment) {
    Node node = node(segment);
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
  public void onResize(int segment, long oldSize, long newSize) {
    Node node = node(segment);
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
  public void onSpill(int segment) {
    Node node = node(segment);
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
  public void onReload(int segment) {
    Node node = node(segment);
    if (node != null && node.state == SPILLED) {
      enter(node);
    }
  }

  @Override
  public void onRemove(int segment) {
    Node node = node(segment);
    if (node == null) {
      return;
    }
    nodes[segment] = null;
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
  public int[] selectVictims(long bytesToFree, IntPredicate eligible) {
    Objects.requireNonNull(eligible, "eligible");
    IntStream.Builder victims = IntStream.builder();
    long missing = bytesToFree;
    for (Node node = queue.queueNext(); node != queue && missing > 0; node = node.queueNext()) {
      if (eligible.test(node.id)) {
        victims.add(node.id);
        missing -= node.size;
      }
    }
    for (Node node = stack.stackNext(); node != stack && missing > 0; node = node.stackNext()) {
      if (node.state == LIR && eligible.test(node.id)) {
        victims.add(node.id);
        missing -= node.size;
      }
    }
    return victims.build().toArray();
  }

  /** The state of a known segment ({@link #LIR}, {@link #HIR} or {@link #SPILLED}), for tests. */
  int stateOf(int segment) {
    Node node = node(segment);
    if (node == null) {
      throw new IllegalArgumentException("unknown segment " + segment);
    }
    return node.state;
  }

  /** The node of a known segment, or null. */
  private @Nullable Node node(int segment) {
    return segment >= 0 && segment < nodes.length ? nodes[segment] : null;
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
      Node bottom = stack.stackNext();
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
    Node bottom = stack.stackNext();
    while (bottom != stack && bottom.state != LIR) {
      unlinkStack(bottom);
      bottom = stack.stackNext();
    }
  }

  private void pushOnStack(Node node) {
    if (node.inStack()) {
      unlinkStack(node);
    }
    Node top = stack.stackPrev();
    node.sPrev = top;
    node.sNext = stack;
    top.sNext = node;
    stack.sPrev = node;
  }

  private static void unlinkStack(Node node) {
    Node prev = node.stackPrev();
    Node next = node.stackNext();
    prev.sNext = next;
    next.sPrev = prev;
    node.sPrev = null;
    node.sNext = null;
  }

  private void linkQueue(Node node) {
    Node last = queue.queuePrev();
    node.qPrev = last;
    node.qNext = queue;
    last.qNext = node;
    queue.qPrev = node;
  }

  private static void unlinkQueue(Node node) {
    Node prev = node.queuePrev();
    Node next = node.queueNext();
    prev.qNext = next;
    next.qPrev = prev;
    node.qPrev = null;
    node.qNext = null;
  }

  /**
   * What the policy knows of one segment: 12-byte header, 4 references, a size, a state and the id: 48 bytes. The
   * links of a list are both null while the node is not on it and both set while it is; the sentinels' circles are
   * never broken, so walking a list from its sentinel meets no null link.
   */
  static final class Node {
    final int id;
    @Nullable Node sPrev;
    @Nullable Node sNext;
    @Nullable Node qPrev;
    @Nullable Node qNext;
    long size;
    int state;

    Node(int id) {
      this.id = id;
    }

    /** The head of both lists: an empty circle; real nodes start on no list. */
    static Node sentinel() {
      Node node = new Node(-1);
      node.sPrev = node;
      node.sNext = node;
      node.qPrev = node;
      node.qNext = node;
      return node;
    }

    boolean inStack() {
      return sNext != null;
    }

    /** The next node towards the top of the stack; only for a node on the stack, or its sentinel. */
    Node stackNext() {
      return Objects.requireNonNull(sNext, "not on the stack");
    }

    /** The next node towards the bottom of the stack; only for a node on the stack, or its sentinel. */
    Node stackPrev() {
      return Objects.requireNonNull(sPrev, "not on the stack");
    }

    /** The next newer node of the queue; only for a node in the queue, or its sentinel. */
    Node queueNext() {
      return Objects.requireNonNull(qNext, "not in the queue");
    }

    /** The next older node of the queue; only for a node in the queue, or its sentinel. */
    Node queuePrev() {
      return Objects.requireNonNull(qPrev, "not in the queue");
    }
  }
}
