package io.spillway.graph;

import io.spillway.api.CorruptSegmentException;
import io.spillway.api.SpillCodec;
import java.util.Arrays;

/**
 * The spilled form of a {@link Partition}: varints throughout, node ids and each neighbour list delta-encoded
 * (sorted and distinct, so every delta after the first is at least 1), the first neighbour of a list relative to its
 * node, zig-zagged. An R-MAT graph's lists take 2–3 bytes per entry instead of 8. Decoding checks every count
 * against the bytes left before it allocates and rejects lists that are not strictly increasing, so a damaged
 * payload is a {@link CorruptSegmentException}, never a wrong partition. Stateless and thread-safe. Internal, may
 * change.
 */
final class PartitionCodec implements SpillCodec<Partition> {
  private static final int VERSION = 1;

  private final boolean directed;

  PartitionCodec(boolean directed) {
    this.directed = directed;
  }

  @Override
  public long sizeOf(Partition value) {
    return value.bytes();
  }

  @Override
  public byte[] encode(Partition p) {
    if (p.directed != directed) {
      throw new IllegalArgumentException("a " + (directed ? "directed" : "undirected") + " codec got a "
          + (p.directed ? "directed" : "undirected") + " partition");
    }
    Out out = new Out(16 + p.nodes.length * 3 + (p.out.length + (directed ? p.in.length : 0)) * 3);
    out.raw(VERSION);
    out.varint(p.nodes.length);
    out.varint(p.out.length);
    out.varint(directed ? p.in.length : 0);
    long prev = 0;
    for (int i = 0; i < p.nodes.length; i++) {
      out.varint(i == 0 ? zigzag(p.nodes[0]) : p.nodes[i] - prev);
      prev = p.nodes[i];
    }
    lists(out, p.nodes, p.outOff, p.out);
    if (directed) {
      lists(out, p.nodes, p.inOff, p.in);
    }
    return out.bytes();
  }

  private static void lists(Out out, long[] nodes, int[] off, long[] lists) {
    for (int i = 0; i < nodes.length; i++) {
      out.varint(off[i + 1] - off[i]);
    }
    for (int i = 0; i < nodes.length; i++) {
      long prev = 0;
      for (int k = off[i]; k < off[i + 1]; k++) {
        out.varint(k == off[i] ? zigzag(lists[k] - nodes[i]) : lists[k] - prev);
        prev = lists[k];
      }
    }
  }

  @Override
  public Partition decode(byte[] bytes) {
    In in = new In(bytes);
    int version = in.raw();
    if (version != VERSION) {
      throw corrupt(CorruptSegmentException.Reason.UNSUPPORTED_VERSION, "partition format " + version);
    }
    int n = in.count();
    int outLength = in.count();
    int inLength = in.count();
    if (!directed && inLength != 0) {
      throw corrupt(CorruptSegmentException.Reason.MALFORMED_HEADER, "undirected partition with in-lists");
    }
    long[] nodes = new long[n];
    for (int i = 0; i < n; i++) {
      long v = in.varint();
      if (i == 0) {
        nodes[0] = unzigzag(v);
      } else {
        long next = nodes[i - 1] + v;
        if (v == 0 || next <= nodes[i - 1]) {
          throw corrupt(CorruptSegmentException.Reason.MALFORMED_HEADER, "node ids not increasing at " + i);
        }
        nodes[i] = next;
      }
    }
    int[] outOff = new int[n + 1];
    long[] out = lists(in, nodes, outOff, outLength);
    int[] inOff = outOff;
    long[] inList = out;
    if (directed) {
      inOff = new int[n + 1];
      inList = lists(in, nodes, inOff, inLength);
    }
    if (in.remaining() != 0) {
      throw corrupt(CorruptSegmentException.Reason.TRAILING_BYTES, in.remaining() + " bytes after the partition");
    }
    int loops = 0;
    for (int i = 0; i < n; i++) {
      if (Arrays.binarySearch(out, outOff[i], outOff[i + 1], nodes[i]) >= 0) {
        loops++;
      }
    }
    return new Partition(directed, nodes, outOff, out, inOff, inList, loops);
  }

  private static long[] lists(In in, long[] nodes, int[] off, int length) {
    if (length > in.remaining()) {
      throw corrupt(CorruptSegmentException.Reason.TRUNCATED, length + " entries declared, " + in.remaining()
          + " bytes left");
    }
    for (int i = 0; i < nodes.length; i++) {
      long degree = in.varint();
      if (degree < 0 || off[i] + degree > length) {
        throw corrupt(CorruptSegmentException.Reason.MALFORMED_HEADER, "degrees exceed the " + length
            + " entries declared");
      }
      off[i + 1] = off[i] + (int) degree;
    }
    if (off[nodes.length] != length) {
      throw corrupt(CorruptSegmentException.Reason.MALFORMED_HEADER, "degrees sum to " + off[nodes.length]
          + ", not " + length);
    }
    long[] lists = new long[length];
    for (int i = 0; i < nodes.length; i++) {
      for (int k = off[i]; k < off[i + 1]; k++) {
        long v = in.varint();
        if (k == off[i]) {
          lists[k] = nodes[i] + unzigzag(v);
        } else {
          long next = lists[k - 1] + v;
          if (v == 0 || next <= lists[k - 1]) {
            throw corrupt(CorruptSegmentException.Reason.MALFORMED_HEADER, "neighbours not increasing");
          }
          lists[k] = next;
        }
      }
    }
    return lists;
  }

  private static long zigzag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  private static long unzigzag(long v) {
    return (v >>> 1) ^ -(v & 1);
  }

  private static CorruptSegmentException corrupt(CorruptSegmentException.Reason reason, String detail) {
    return new CorruptSegmentException(reason, "graph partition: " + detail);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PartitionCodec && ((PartitionCodec) o).directed == directed;
  }

  @Override
  public int hashCode() {
    return Boolean.hashCode(directed);
  }

  /** A growable output of varints. */
  private static final class Out {
    private byte[] buf;
    private int pos;

    Out(int initial) {
      buf = new byte[Math.max(16, initial)];
    }

    void raw(int b) {
      ensure(1);
      buf[pos++] = (byte) b;
    }

    void varint(long v) {
      ensure(10);
      while ((v & ~0x7FL) != 0) {
        buf[pos++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[pos++] = (byte) v;
    }

    private void ensure(int n) {
      if (pos + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(pos + n, buf.length + (buf.length >> 1)));
      }
    }

    byte[] bytes() {
      return pos == buf.length ? buf : Arrays.copyOf(buf, pos);
    }
  }

  /** A checked reader of varints. */
  private static final class In {
    private final byte[] buf;
    private int pos;

    In(byte[] buf) {
      this.buf = buf;
    }

    int remaining() {
      return buf.length - pos;
    }

    int raw() {
      if (pos >= buf.length) {
        throw corrupt(CorruptSegmentException.Reason.TRUNCATED, "empty payload");
      }
      return buf[pos++] & 0xFF;
    }

    long varint() {
      long result = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= buf.length) {
          throw corrupt(CorruptSegmentException.Reason.TRUNCATED, "varint cut short");
        }
        byte b = buf[pos++];
        result |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          return result;
        }
      }
      throw corrupt(CorruptSegmentException.Reason.MALFORMED_HEADER, "varint longer than 10 bytes");
    }

    /** A count no larger than the bytes left: each counted item takes at least one byte. */
    int count() {
      long v = varint();
      if (v < 0 || v > remaining()) {
        throw corrupt(CorruptSegmentException.Reason.TRUNCATED, "count " + v + " with " + remaining()
            + " bytes left");
      }
      return (int) v;
    }
  }
}
