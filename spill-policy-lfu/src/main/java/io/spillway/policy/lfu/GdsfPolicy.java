package io.spillway.policy.lfu;

import io.spillway.api.spi.SpillPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/**
 * Greedy-Dual-Size-Frequency; {@link GdsfPolicyProvider} states the rules. Internal, may change.
 *
 * <p>Every known segment has a {@link Node}, found by its id in an array; resident ones are also in a binary
 * min-heap (an array of nodes, each knowing its index) ordered by priority and then by last use. Events cost O(1) to
 * find the node and O(log n) for the heap. Selection does not touch the heap: it walks it best-first with a small
 * priority queue of frontier nodes, O(log k) per node looked at.
 *
 * <p>Not thread-safe: the core calls it from one thread at a time.
 */
final class GdsfPolicy implements SpillPolicy {
  private static final Comparator<Node> RANKING = (a, b) -> {
    int byPriority = Double.compare(a.priority, b.priority);
    return byPriority != 0 ? byPriority : Long.compare(a.lastUse, b.lastUse);
  };

  /** By id: the node of each known segment, null for an id not in use. */
  private @Nullable Node[] nodes = new Node[IdArrays.INITIAL];
  private Node[] heap = new Node[16];
  private int heapSize;
  /** Victims of the latest selection, still flagged {@code chosen}, whose spill raises the inflation. */
  private List<Node> chosen = new ArrayList<>();
  /** GDSF's L: the priority of the latest chosen victim spilled; never lowered. */
  private double inflation;
  private long clock;

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
    use(node);
    push(node);
  }

  @Override
  public void onAccess(int segment) {
    Node node = node(segment);
    if (node != null && node.heapIndex >= 0) {
      use(node);
      siftDown(node.heapIndex);
    }
  }

  @Override
  public void onResize(int segment, long oldSize, long newSize) {
    Node node = node(segment);
    if (node == null) {
      return;
    }
    // The aged part of the priority stays: a resize is not a use.
    node.priority += node.frequency / weight(newSize) - node.frequency / weight(node.size);
    node.size = newSize;
    if (node.heapIndex >= 0) {
      siftUp(node.heapIndex);
      siftDown(node.heapIndex);
    }
  }

  @Override
  public void onSpill(int segment) {
    Node node = node(segment);
    if (node == null || node.heapIndex < 0) {
      return;
    }
    removeFromHeap(node);
    if (node.chosen && node.priority > inflation) {
      inflation = node.priority;
    }
    node.chosen = false;
  }

  @Override
  public void onReload(int segment) {
    Node node = node(segment);
    if (node != null && node.heapIndex < 0) {
      use(node);
      push(node);
    }
  }

  @Override
  public void onRemove(int segment) {
    Node node = node(segment);
    if (node == null) {
      return;
    }
    nodes[segment] = null;
    if (node.heapIndex >= 0) {
      removeFromHeap(node);
    }
  }

  @Override
  public int[] selectVictims(long bytesToFree, IntPredicate eligible) {
    Objects.requireNonNull(eligible, "eligible");
    for (Node node : chosen) {
      node.chosen = false;
    }
    chosen = new ArrayList<>();
    IntStream.Builder victims = IntStream.builder();
    if (bytesToFree <= 0 || heapSize == 0) {
      return victims.build().toArray();
    }
    long missing = bytesToFree;
    PriorityQueue<Node> frontier = new PriorityQueue<>(RANKING);
    frontier.add(heap[0]);
    while (missing > 0 && !frontier.isEmpty()) {
      Node node = frontier.poll();
      int child = 2 * node.heapIndex + 1;
      if (child < heapSize) {
        frontier.add(heap[child]);
        if (child + 1 < heapSize) {
          frontier.add(heap[child + 1]);
        }
      }
      if (eligible.test(node.id)) {
        node.chosen = true;
        chosen.add(node);
        victims.add(node.id);
        missing -= node.size;
      }
    }
    return victims.build().toArray();
  }

  /** GDSF's L, for tests. */
  double inflation() {
    return inflation;
  }

  /** The priority of a known segment, for tests. */
  double priority(int segment) {
    Node node = node(segment);
    if (node == null) {
      throw new IllegalArgumentException("unknown segment " + segment);
    }
    return node.priority;
  }

  /** The node of a known segment, or null. */
  private @Nullable Node node(int segment) {
    return segment >= 0 && segment < nodes.length ? nodes[segment] : null;
  }

  /** Counts a use and sets the priority from the present inflation: {@code L + frequency × cost / size}. */
  private void use(Node node) {
    if (node.frequency < Integer.MAX_VALUE) {
      node.frequency++;
    }
    node.priority = inflation + node.frequency / weight(node.size);
    node.lastUse = clock++;
  }

  /** Size per unit of cost; every reload costs one, so the hit ratio is what is optimised. Empty counts as one byte. */
  private static double weight(long size) {
    return Math.max(1, size);
  }

  private void push(Node node) {
    if (heapSize == heap.length) {
      heap = Arrays.copyOf(heap, heapSize * 2);
    }
    heap[heapSize] = node;
    node.heapIndex = heapSize++;
    siftUp(node.heapIndex);
  }

  private void removeFromHeap(Node node) {
    int index = node.heapIndex;
    Node last = heap[--heapSize];
    heap[heapSize] = null;
    node.heapIndex = -1;
    if (last != node) {
      heap[index] = last;
      last.heapIndex = index;
      siftUp(index);
      siftDown(last.heapIndex);
    }
  }

  private void siftUp(int index) {
    Node node = heap[index];
    int i = index;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (RANKING.compare(node, heap[parent]) >= 0) {
        break;
      }
      heap[i] = heap[parent];
      heap[i].heapIndex = i;
      i = parent;
    }
    heap[i] = node;
    node.heapIndex = i;
  }

  private void siftDown(int index) {
    Node node = heap[index];
    int i = index;
    while (true) {
      int child = 2 * i + 1;
      if (child >= heapSize) {
        break;
      }
      if (child + 1 < heapSize && RANKING.compare(heap[child + 1], heap[child]) < 0) {
        child++;
      }
      if (RANKING.compare(heap[child], node) >= 0) {
        break;
      }
      heap[i] = heap[child];
      heap[i].heapIndex = i;
      i = child;
    }
    heap[i] = node;
    node.heapIndex = i;
  }

  /** What the policy knows of one segment: 12-byte header, 3 longs/doubles, 3 ints, a flag: 48 bytes. */
  static final class Node {
    final int id;
    long size;
    double priority;
    long lastUse;
    int frequency;
    /** Position in the heap, or -1 while spilled. */
    int heapIndex = -1;
    boolean chosen;

    Node(int id) {
      this.id = id;
    }
  }
}
