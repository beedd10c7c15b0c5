package io.spillway.policy.lfu;

import io.spillway.api.spi.SpillPolicy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Least frequently used first, with dynamic aging; {@link LfuPolicyProvider} states the rules. Internal, may
 * change.
 *
 * <p>Every known segment has a {@link Node} in a hash map; resident ones are also in a tree ordered by
 * (priority, last touch, unique id), so the lowest priority is first and ties go to the least recently touched.
 * A node's ordering fields change only while it is out of the tree. Events cost O(1) for the map and O(log n)
 * for the tree; selection walks the tree in order, O(log n) to start and amortised O(1) per node after that.
 *
 * <p>Events about segments the policy does not know in the required state (an access to a spilled or unknown
 * segment, a reload of a resident one, ...) are ignored rather than thrown on, so that a policy never breaks
 * the core's bookkeeping; an admit of a known name replaces the old segment.
 *
 * <p>Not thread-safe: the core calls it from one thread at a time.
 */
final class LfuPolicy implements SpillPolicy {
  private static final Comparator<Node> RANKING = Comparator.<Node>comparingLong(node -> node.priority)
      .thenComparingLong(node -> node.lastTouch)
      .thenComparingLong(node -> node.id);

  private final Map<String, Node> nodes = new HashMap<>();
  private final TreeSet<Node> ranking = new TreeSet<>(RANKING);
  /** Victims of the latest selection, with the priority each had when chosen. */
  private final Map<String, Long> chosen = new HashMap<>();
  /** LFU-DA's L: raised to the priority of each chosen victim that is spilled; never lowered. */
  private long inflation;
  /** Counts touches, so that equal priorities rank by recency. */
  private long clock;
  private long nextId;

  @Override
  public void onAdmit(String segment, long size) {
    onRemove(segment);
    Node node = new Node(segment, nextId++, size);
    nodes.put(segment, node);
    use(node);
  }

  @Override
  public void onAccess(String segment) {
    Node node = nodes.get(segment);
    if (node != null && node.resident) {
      ranking.remove(node);
      use(node);
    }
  }

  @Override
  public void onResize(String segment, long oldSize, long newSize) {
    Node node = nodes.get(segment);
    if (node != null) {
      // Size is not part of the ordering, so the node may change in place.
      node.size = newSize;
    }
  }

  @Override
  public void onSpill(String segment) {
    Node node = nodes.get(segment);
    if (node == null || !node.resident) {
      return;
    }
    ranking.remove(node);
    node.resident = false;
    Long chosenPriority = chosen.remove(segment);
    if (chosenPriority != null && chosenPriority > inflation) {
      inflation = chosenPriority;
    }
  }

  @Override
  public void onReload(String segment) {
    Node node = nodes.get(segment);
    if (node != null && !node.resident) {
      use(node);
    }
  }

  @Override
  public void onRemove(String segment) {
    Node node = nodes.remove(segment);
    if (node != null && node.resident) {
      ranking.remove(node);
    }
    chosen.remove(segment);
  }

  @Override
  public List<String> selectVictims(long bytesToFree, Predicate<String> eligible) {
    Objects.requireNonNull(eligible, "eligible");
    chosen.clear();
    List<String> victims = new ArrayList<>();
    // Counting down what is still missing cannot overflow, unlike adding up what was freed.
    long missing = bytesToFree;
    for (Node node : ranking) {
      if (missing <= 0) {
        break;
      }
      if (eligible.test(node.segment)) {
        victims.add(node.segment);
        chosen.put(node.segment, node.priority);
        missing -= node.size;
      }
    }
    return victims;
  }

  /** LFU-DA's L, for tests. */
  long inflation() {
    return inflation;
  }

  /** The use count of a known segment, for tests. */
  long frequency(String segment) {
    return nodes.get(segment).frequency;
  }

  /** The priority of a known segment (as of its last use if it is spilled), for tests. */
  long priority(String segment) {
    return nodes.get(segment).priority;
  }

  /** Counts a use of a node that is not in the tree, makes it resident and puts it back in the tree. */
  private void use(Node node) {
    node.frequency = saturatedAdd(node.frequency, 1);
    node.priority = saturatedAdd(inflation, node.frequency);
    node.lastTouch = clock++;
    node.resident = true;
    ranking.add(node);
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    // Both operands are non-negative, so overflow shows as a negative sum; reaching it takes ~2^63 events.
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  /** What the policy knows of one segment. */
  private static final class Node {
    final String segment;
    final long id;
    long size;
    long frequency;
    long priority;
    long lastTouch;
    boolean resident;

    Node(String segment, long id, long size) {
      this.segment = segment;
      this.id = id;
      this.size = size;
    }
  }
}
