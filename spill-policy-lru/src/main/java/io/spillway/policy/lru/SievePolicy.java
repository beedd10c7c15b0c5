package io.spillway.policy.lru;

import io.spillway.api.spi.SpillPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/**
 * SIEVE adapted to spilling; {@link SievePolicyProvider} states the rules. Internal, may change.
 *
 * <p>Every known segment has a {@link Node}, found by its id in an array; resident ones are also on one circular
 * list around a sentinel, oldest first, which never reorders: a use only sets the node's {@code visited} bit. The
 * hand is a node reference that persists between selections. Events are O(1); a selection is O(1) per victim and
 * per node passed over, and passes over each node at most twice (once to clear its bit, once to choose it).
 *
 * <p>Not thread-safe: the core calls it from one thread at a time.
 */
final class SievePolicy implements SpillPolicy {
  private static final int RESIDENT = 1;
  private static final int VISITED = 2;
  private static final int CHOSEN = 4;

  /** By id: the node of each known segment, null for an id not in use. */
  private @Nullable Node[] nodes = new Node[IdArrays.INITIAL];
  private final Node list = Node.sentinel();
  /** The next node the hand looks at, or null to start again from the oldest. */
  private @Nullable Node hand;

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
    nodes[segment] = node;
    insert(node);
  }

  @Override
  public void onAccess(int segment) {
    Node node = node(segment);
    if (node != null && (node.flags & RESIDENT) != 0) {
      node.flags |= VISITED;
    }
  }

  @Override
  public void onResize(int segment, long oldSize, long newSize) {
    Node node = node(segment);
    if (node != null) {
      node.size = newSize;
    }
  }

  @Override
  public void onSpill(int segment) {
    Node node = node(segment);
    if (node != null && (node.flags & RESIDENT) != 0) {
      unlink(node);
    }
  }

  @Override
  public void onReload(int segment) {
    Node node = node(segment);
    if (node != null && (node.flags & RESIDENT) == 0) {
      insert(node);
    }
  }

  @Override
  public void onRemove(int segment) {
    Node node = node(segment);
    if (node == null) {
      return;
    }
    nodes[segment] = null;
    if ((node.flags & RESIDENT) != 0) {
      unlink(node);
    }
  }

  /**
   * Moves the hand from the oldest towards the newest, wrapping around: a visited segment is spared once (its bit is
   * cleared), an unvisited one is chosen. Two full turns choose every eligible segment, so the walk always ends.
   */
  @Override
  public int[] selectVictims(long bytesToFree, IntPredicate eligible) {
    Objects.requireNonNull(eligible, "eligible");
    IntStream.Builder victims = IntStream.builder();
    if (bytesToFree <= 0 || list.next == list) {
      return victims.build().toArray();
    }
    List<Node> chosen = new ArrayList<>();
    long missing = bytesToFree;
    Node node = hand == null ? list.next : hand;
    int sentinelsPassed = 0;
    while (missing > 0) {
      if (node == list) {
        // Three passes of the sentinel mean two full turns: every eligible segment has been chosen.
        if (++sentinelsPassed > 2) {
          break;
        }
        node = node.next;
        continue;
      }
      if ((node.flags & CHOSEN) == 0 && eligible.test(node.id)) {
        if ((node.flags & VISITED) != 0) {
          node.flags &= ~VISITED;
        } else {
          node.flags |= CHOSEN;
          chosen.add(node);
          victims.add(node.id);
          missing -= node.size;
        }
      }
      node = node.next;
    }
    hand = node == list ? null : node;
    for (Node victim : chosen) {
      victim.flags &= ~CHOSEN;
    }
    return victims.build().toArray();
  }

  /** Whether a resident segment's visited bit is set, for tests. */
  boolean isVisited(int segment) {
    Node node = node(segment);
    return node != null && (node.flags & VISITED) != 0;
  }

  /** The node of a known segment, or null. */
  private @Nullable Node node(int segment) {
    return segment >= 0 && segment < nodes.length ? nodes[segment] : null;
  }

  /** New and reloaded segments join at the newest end, unvisited. */
  private void insert(Node node) {
    Node last = list.prev;
    node.prev = last;
    node.next = list;
    last.next = node;
    list.prev = node;
    node.flags = RESIDENT;
  }

  private void unlink(Node node) {
    if (hand == node) {
      Node next = node.next;
      hand = next == list ? null : next;
    }
    node.prev.next = node.next;
    node.next.prev = node.prev;
    node.prev = node;
    node.next = node;
    node.flags = 0;
  }

  /** What the policy knows of one segment: 12-byte header, 2 references, a size, flags and the id: 40 bytes. */
  static final class Node {
    final int id;
    Node prev = this;
    Node next = this;
    long size;
    int flags;

    Node(int id) {
      this.id = id;
    }

    static Node sentinel() {
      return new Node(-1);
    }
  }
}
