package io.spillway.graph;

import java.util.Arrays;
import java.util.List;

/**
 * One partition of a {@link SpillingGraph}'s adjacency, in compressed sparse row form: the partition's node ids,
 * sorted, and for each node a sorted, duplicate-free slice of neighbour ids. A directed partition holds the
 * successors ({@code out}) and the predecessors ({@code in}) of its nodes; an undirected one holds the neighbours
 * once, and {@code in} is the same array as {@code out}. Immutable once built; every change builds a new partition.
 * Internal, may change.
 */
final class Partition {
  /** Fixed cost of the object and its five array headers, in bytes. */
  private static final long OVERHEAD = 32 + 5 * 16;

  final boolean directed;
  final long[] nodes;
  final int[] outOff;
  final long[] out;
  final int[] inOff;
  final long[] in;
  /** Entries of {@code out} that point back at their own node (self-loops). */
  final int loops;

  Partition(boolean directed, long[] nodes, int[] outOff, long[] out, int[] inOff, long[] in, int loops) {
    this.directed = directed;
    this.nodes = nodes;
    this.outOff = outOff;
    this.out = out;
    this.inOff = inOff;
    this.in = in;
    this.loops = loops;
  }

  static Partition empty(boolean directed) {
    int[] off = {0};
    long[] none = new long[0];
    return new Partition(directed, new long[0], off, none, directed ? new int[] {0} : off, directed ? new long[0]
        : none, 0);
  }

  /** The bytes this partition occupies on the heap, as accounted in the budget. */
  long bytes() {
    long b = OVERHEAD + 8L * nodes.length + 4L * outOff.length + 8L * out.length;
    if (directed) {
      b += 4L * inOff.length + 8L * in.length;
    }
    return b;
  }

  int nodeCount() {
    return nodes.length;
  }

  /** The index of {@code node}, or a negative number if the partition does not hold it. */
  int indexOf(long node) {
    return Arrays.binarySearch(nodes, node);
  }

  boolean hasOut(int index, long neighbour) {
    return Arrays.binarySearch(out, outOff[index], outOff[index + 1], neighbour) >= 0;
  }

  int outDegree(int index) {
    return outOff[index + 1] - outOff[index];
  }

  int inDegree(int index) {
    return inOff[index + 1] - inOff[index];
  }

  /**
   * A partition holding everything in {@code sources} and in the pending buffers, neighbour lists sorted and
   * deduplicated. {@code pendingOut} and {@code pendingIn} hold (node, neighbour) pairs; {@code pendingNodes} holds
   * nodes without edges.
   */
  static Partition merge(boolean directed, List<Partition> sources, LongList pendingNodes, LongList pendingOut,
      LongList pendingIn) {
    long[] nodes = mergedNodes(sources, pendingNodes, pendingOut, pendingIn);
    int n = nodes.length;
    int[] outOff = new int[n + 1];
    long[] out = mergedLists(nodes, sources, pendingOut, true, outOff);
    int[] inOff;
    long[] in;
    if (directed) {
      inOff = new int[n + 1];
      in = mergedLists(nodes, sources, pendingIn, false, inOff);
    } else {
      inOff = outOff;
      in = out;
    }
    return new Partition(directed, nodes, outOff, out, inOff, in, countLoops(nodes, outOff, out));
  }

  private static long[] mergedNodes(List<Partition> sources, LongList pendingNodes, LongList pendingOut,
      LongList pendingIn) {
    long total = (long) pendingNodes.size() + pendingOut.size() / 2 + pendingIn.size() / 2;
    for (Partition s : sources) {
      total += s.nodes.length;
    }
    if (total > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException("a partition cannot hold " + total + " nodes; use more partitions");
    }
    long[] all = new long[(int) total];
    int k = 0;
    for (Partition s : sources) {
      System.arraycopy(s.nodes, 0, all, k, s.nodes.length);
      k += s.nodes.length;
    }
    for (int i = 0; i < pendingNodes.size(); i++) {
      all[k++] = pendingNodes.get(i);
    }
    for (int i = 0; i < pendingOut.size(); i += 2) {
      all[k++] = pendingOut.get(i);
    }
    for (int i = 0; i < pendingIn.size(); i += 2) {
      all[k++] = pendingIn.get(i);
    }
    // A single source with nothing pending is already sorted and distinct.
    if (sources.size() != 1 || k != sources.get(0).nodes.length) {
      Arrays.sort(all);
    }
    return distinct(all, all.length);
  }

  private static long[] distinct(long[] sorted, int length) {
    if (length == 0) {
      return new long[0];
    }
    int w = 1;
    for (int r = 1; r < length; r++) {
      if (sorted[r] != sorted[w - 1]) {
        sorted[w++] = sorted[r];
      }
    }
    return w == sorted.length ? sorted : Arrays.copyOf(sorted, w);
  }

  /** Fills {@code off} and returns the merged, sorted, distinct neighbour lists of {@code nodes}. */
  private static long[] mergedLists(long[] nodes, List<Partition> sources, LongList pending, boolean outSide,
      int[] off) {
    int n = nodes.length;
    long total = pending.size() / 2;
    for (Partition s : sources) {
      int[] sOff = outSide ? s.outOff : s.inOff;
      int sn = s.nodes.length;
      total += sOff[sn];
      for (int i = 0; i < sn; i++) {
        off[Arrays.binarySearch(nodes, s.nodes[i]) + 1] += sOff[i + 1] - sOff[i];
      }
    }
    if (total > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException("a partition cannot hold " + total + " adjacency entries; use more partitions");
    }
    for (int i = 0; i < pending.size(); i += 2) {
      off[Arrays.binarySearch(nodes, pending.get(i)) + 1]++;
    }
    for (int i = 0; i < n; i++) {
      off[i + 1] += off[i];
    }
    long[] lists = new long[(int) total];
    int[] fill = Arrays.copyOf(off, n);
    for (Partition s : sources) {
      int[] sOff = outSide ? s.outOff : s.inOff;
      long[] sList = outSide ? s.out : s.in;
      for (int i = 0; i < s.nodes.length; i++) {
        int at = Arrays.binarySearch(nodes, s.nodes[i]);
        int len = sOff[i + 1] - sOff[i];
        System.arraycopy(sList, sOff[i], lists, fill[at], len);
        fill[at] += len;
      }
    }
    for (int i = 0; i < pending.size(); i += 2) {
      int at = Arrays.binarySearch(nodes, pending.get(i));
      lists[fill[at]++] = pending.get(i + 1);
    }
    // Sort and deduplicate each slice, compacting in place: the write position never passes the read position.
    boolean single = sources.size() == 1 && pending.size() == 0;
    int w = 0;
    for (int i = 0; i < n; i++) {
      int from = off[i];
      int to = off[i + 1];
      off[i] = w;
      if (from == to) {
        continue;
      }
      if (!single) {
        Arrays.sort(lists, from, to);
      }
      lists[w++] = lists[from];
      for (int r = from + 1; r < to; r++) {
        if (lists[r] != lists[w - 1]) {
          lists[w++] = lists[r];
        }
      }
    }
    off[n] = w;
    return w == lists.length ? lists : Arrays.copyOf(lists, w);
  }

  private static int countLoops(long[] nodes, int[] off, long[] lists) {
    int loops = 0;
    for (int i = 0; i < nodes.length; i++) {
      if (Arrays.binarySearch(lists, off[i], off[i + 1], nodes[i]) >= 0) {
        loops++;
      }
    }
    return loops;
  }

  /**
   * This partition without {@code node} (if {@code dropNode}) and without every adjacency entry equal to
   * {@code node}: what is left in each partition when the node is removed from the graph.
   */
  Partition withoutNode(long node) {
    int drop = indexOf(node);
    long[] keptNodes = drop >= 0 ? remove(nodes, drop) : nodes;
    int[] newOutOff = new int[keptNodes.length + 1];
    long[] newOut = filtered(drop, outOff, out, node, -1, newOutOff);
    int[] newInOff;
    long[] newIn;
    if (directed) {
      newInOff = new int[keptNodes.length + 1];
      newIn = filtered(drop, inOff, in, node, -1, newInOff);
    } else {
      newInOff = newOutOff;
      newIn = newOut;
    }
    return new Partition(directed, keptNodes, newOutOff, newOut, newInOff, newIn,
        countLoops(keptNodes, newOutOff, newOut));
  }

  /** This partition without the entry {@code neighbour} in the out ({@code outSide}) or in list of {@code node}. */
  Partition withoutEntry(boolean outSide, long node, long neighbour) {
    int at = indexOf(node);
    if (at < 0) {
      return this;
    }
    int[] newOff = new int[nodes.length + 1];
    if (outSide || !directed) {
      long[] newOut = filtered(-1, outOff, out, neighbour, at, newOff);
      int[] iOff = directed ? inOff : newOff;
      long[] iList = directed ? in : newOut;
      return new Partition(directed, nodes, newOff, newOut, iOff, iList, countLoops(nodes, newOff, newOut));
    }
    long[] newIn = filtered(-1, inOff, in, neighbour, at, newOff);
    return new Partition(directed, nodes, outOff, out, newOff, newIn, loops);
  }

  /**
   * Copies the lists without the node at {@code dropIndex} (if not negative) and without entries equal to
   * {@code value} (only in the list at {@code onlyIndex} when that is not negative).
   */
  private static long[] filtered(int dropIndex, int[] off, long[] lists, long value, int onlyIndex, int[] newOff) {
    long[] result = new long[lists.length];
    int w = 0;
    int j = 0;
    for (int i = 0; i < off.length - 1; i++) {
      if (i == dropIndex) {
        continue;
      }
      newOff[j] = w;
      for (int k = off[i]; k < off[i + 1]; k++) {
        if (lists[k] != value || (onlyIndex >= 0 && onlyIndex != i)) {
          result[w++] = lists[k];
        }
      }
      j++;
    }
    newOff[j] = w;
    return w == result.length ? result : Arrays.copyOf(result, w);
  }

  private static long[] remove(long[] array, int index) {
    long[] result = new long[array.length - 1];
    System.arraycopy(array, 0, result, 0, index);
    System.arraycopy(array, index + 1, result, index, array.length - index - 1);
    return result;
  }
}
