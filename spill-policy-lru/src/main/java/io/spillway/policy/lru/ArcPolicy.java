package io.spillway.policy.lru;

import io.spillway.api.spi.SpillPolicy;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/**
 * ARC adapted to spilling and to sizes; {@link ArcPolicyProvider} states the rules. Internal, may change.
 *
 * <p>Every known segment has a {@link Node}, found by its id in an array, and is on at most one of four intrusive
 * circular lists, least recent first: {@code T1} and {@code T2} hold the resident segments, the ghost lists
 * {@code B1} and {@code B2} the recently spilled ones (a spilled segment the ghosts no longer remember is on no list).
 * The policy knows every registered segment, so a ghost costs no extra node. Sizes and the target {@code p} are in
 * bytes. Events are O(1) amortised; selection is O(1) per victim and per segment passed over.
 *
 * <p>Not thread-safe: the core calls it from one thread at a time.
 */
final class ArcPolicy implements SpillPolicy {
  static final int T1 = 0;
  static final int T2 = 1;
  static final int B1 = 2;
  static final int B2 = 3;
  static final int FORGOTTEN = 4;

  /** By id: the node of each known segment, null for an id not in use. */
  private @Nullable Node[] nodes = new Node[IdArrays.INITIAL];
  private final Node[] lists = {Node.sentinel(), Node.sentinel(), Node.sentinel(), Node.sentinel()};
  private final long[] bytes = new long[4];
  /** ARC's p: the bytes {@code T1} should hold; the rest of the resident bytes belong to {@code T2}. */
  private long target;

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
    node.list = FORGOTTEN;
    nodes[segment] = node;
    link(node, T1);
    trimGhosts();
  }

  @Override
  public void onAccess(int segment) {
    Node node = node(segment);
    if (node != null && (node.list == T1 || node.list == T2)) {
      unlink(node);
      link(node, T2);
    }
  }

  @Override
  public void onResize(int segment, long oldSize, long newSize) {
    Node node = node(segment);
    if (node == null) {
      return;
    }
    if (node.list != FORGOTTEN) {
      bytes[node.list] += newSize - node.size;
    }
    node.size = newSize;
  }

  @Override
  public void onSpill(int segment) {
    Node node = node(segment);
    if (node == null || (node.list != T1 && node.list != T2)) {
      return;
    }
    int from = node.list;
    unlink(node);
    link(node, from == T1 ? B1 : B2);
    trimGhosts();
  }

  @Override
  public void onReload(int segment) {
    Node node = node(segment);
    if (node == null || node.list == T1 || node.list == T2) {
      return;
    }
    long capacity = residentBytes() + node.size;
    long weight = Math.max(1, node.size);
    if (node.list == B1) {
      // A miss that a larger T1 would have avoided: recency deserves more room.
      long ratio = bytes[B1] == 0 ? 1 : Math.max(1, bytes[B2] / bytes[B1]);
      target = Math.min(capacity, target + saturatedMultiply(weight, ratio));
    } else if (node.list == B2) {
      long ratio = bytes[B2] == 0 ? 1 : Math.max(1, bytes[B1] / bytes[B2]);
      target = Math.max(0, target - saturatedMultiply(weight, ratio));
    }
    boolean ghost = node.list == B1 || node.list == B2;
    if (node.list != FORGOTTEN) {
      unlink(node);
    }
    link(node, ghost ? T2 : T1);
    trimGhosts();
  }

  @Override
  public void onRemove(int segment) {
    Node node = node(segment);
    if (node == null) {
      return;
    }
    nodes[segment] = null;
    if (node.list != FORGOTTEN) {
      unlink(node);
    }
  }

  /**
   * ARC's replace, repeated: the least recent segment of {@code T1} while {@code T1} still holds more than its
   * target (counting only what is not chosen yet), else the least recent of {@code T2}; when one list has nothing
   * eligible left, the other.
   */
  @Override
  public int[] selectVictims(long bytesToFree, IntPredicate eligible) {
    Objects.requireNonNull(eligible, "eligible");
    IntStream.Builder victims = IntStream.builder();
    long missing = bytesToFree;
    long t1Left = bytes[T1];
    Node fromT1 = nextEligible(lists[T1].next, T1, eligible);
    Node fromT2 = nextEligible(lists[T2].next, T2, eligible);
    while (missing > 0 && (fromT1 != null || fromT2 != null)) {
      Node victim;
      if (fromT1 != null && (fromT2 == null || t1Left > target)) {
        victim = fromT1;
        t1Left -= victim.size;
        fromT1 = nextEligible(victim.next, T1, eligible);
      } else {
        victim = Objects.requireNonNull(fromT2);
        fromT2 = nextEligible(victim.next, T2, eligible);
      }
      victims.add(victim.id);
      missing -= victim.size;
    }
    return victims.build().toArray();
  }

  /** ARC's p in bytes, for tests. */
  long target() {
    return target;
  }

  /** The list a known segment is on, for tests. */
  int listOf(int segment) {
    Node node = node(segment);
    if (node == null) {
      throw new IllegalArgumentException("unknown segment " + segment);
    }
    return node.list;
  }

  /** The node of a known segment, or null. */
  private @Nullable Node node(int segment) {
    return segment >= 0 && segment < nodes.length ? nodes[segment] : null;
  }

  private @Nullable Node nextEligible(Node start, int list, IntPredicate eligible) {
    for (Node node = start; node != lists[list]; node = node.next) {
      if (eligible.test(node.id)) {
        return node;
      }
    }
    return null;
  }

  private long residentBytes() {
    return bytes[T1] + bytes[T2];
  }

  /** Keeps {@code T1 + B1} within the resident bytes and all four lists within twice that, as ARC does. */
  private void trimGhosts() {
    long capacity = residentBytes();
    while (bytes[T1] + bytes[B1] > capacity && lists[B1].next != lists[B1]) {
      forget(lists[B1].next);
    }
    while (capacity + bytes[B1] + bytes[B2] > 2 * capacity && lists[B2].next != lists[B2]) {
      forget(lists[B2].next);
    }
  }

  private void forget(Node node) {
    unlink(node);
    node.list = FORGOTTEN;
  }

  private void link(Node node, int list) {
    Node head = lists[list];
    Node last = head.prev;
    node.prev = last;
    node.next = head;
    last.next = node;
    head.prev = node;
    node.list = list;
    bytes[list] += node.size;
  }

  private void unlink(Node node) {
    bytes[node.list] -= node.size;
    node.prev.next = node.next;
    node.next.prev = node.prev;
    node.prev = node;
    node.next = node;
  }

  private static long saturatedMultiply(long a, long b) {
    long high = Math.multiplyHigh(a, b);
    long product = a * b;
    return high != 0 || product < 0 ? Long.MAX_VALUE : product;
  }

  /** What the policy knows of one segment: 12-byte header, 2 references, a size, a list and the id: 40 bytes. */
  static final class Node {
    final int id;
    Node prev = this;
    Node next = this;
    long size;
    int list;

    Node(int id) {
      this.id = id;
    }

    static Node sentinel() {
      return new Node(-1);
    }
  }
}
