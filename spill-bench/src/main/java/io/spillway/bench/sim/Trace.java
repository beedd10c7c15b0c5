package io.spillway.bench.sim;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A trace read once into primitive arrays: request {@code i} is for the key {@code keys[i]} (remapped to
 * {@code 0..distinct-1} in order of first appearance) of {@code sizes[i]} bytes. Internal, may change.
 *
 * <p>Immutable after construction apart from the lazily computed next-use index, which is computed at most once
 * under the instance lock; safe to share between replay threads.
 */
final class Trace {
  /** Next use of a key never requested again. */
  static final int NEVER = Integer.MAX_VALUE;

  final String name;
  final int[] keys;
  final int[] sizes;
  /** The registered size of each key: its first request's size (the shared traces never change a key's size). */
  final int[] keySizes;
  /** Segment names, one String per key, made once so that replays allocate none. */
  final String[] names;
  final long totalBytes;
  private int @Nullable [] nextUse;

  private Trace(String name, int[] keys, int[] sizes, int distinct) {
    this.name = name;
    this.keys = keys;
    this.sizes = sizes;
    this.keySizes = new int[distinct];
    this.names = new String[distinct];
    long total = 0;
    boolean[] seen = new boolean[distinct];
    for (int i = 0; i < keys.length; i++) {
      total += sizes[i];
      if (!seen[keys[i]]) {
        seen[keys[i]] = true;
        keySizes[keys[i]] = sizes[i];
      }
    }
    for (int k = 0; k < distinct; k++) {
      names[k] = Integer.toString(k);
    }
    this.totalBytes = total;
  }

  /** A trace of the given requests, for tests. */
  static Trace of(String name, long[] rawKeys, int[] sizes) {
    int[] keys = new int[rawKeys.length];
    Map<Long, Integer> ids = new HashMap<>();
    for (int i = 0; i < rawKeys.length; i++) {
      keys[i] = ids.computeIfAbsent(rawKeys[i], k -> ids.size());
    }
    return new Trace(name, keys, sizes.clone(), ids.size());
  }

  /** A trace of requests already numbered {@code 0..distinct-1}; the arrays are kept, not copied. */
  static Trace of(String name, int[] keys, int[] sizes, int distinct) {
    return new Trace(name, keys, sizes, distinct);
  }

  /**
   * Reads a trace file in the format {@link TraceReader} documents: {@code <key> <size>} lines, keys any 64-bit
   * integers or strings, gzip or plain text. The trace's name is the file's name without {@code .trace.gz},
   * {@code .gz} or {@code .trace}.
   *
   * @throws IOException if the file cannot be read or a line is malformed (the message names the line)
   */
  static Trace read(Path file) throws IOException {
    String name = file.getFileName().toString();
    for (String suffix : new String[] {".gz", ".trace"}) {
      if (name.endsWith(suffix) && name.length() > suffix.length()) {
        name = name.substring(0, name.length() - suffix.length());
      }
    }
    return TraceReader.read(file, name);
  }

  int requests() {
    return keys.length;
  }

  int distinctKeys() {
    return names.length;
  }

  /** Sum of the sizes of the distinct keys: a capacity this large misses only the first requests. */
  long distinctBytes() {
    long sum = 0;
    for (int size : keySizes) {
      sum += size;
    }
    return sum;
  }

  /**
   * The requests that every policy misses at {@code capacity}: the first request of each key, and every request
   * larger than the capacity (never admitted). The other misses are reloads.
   *
   * @param requests how many there are
   * @param bytes the sum of their sizes
   */
  record Compulsory(long requests, long bytes) {}

  /** The {@link Compulsory} misses at {@code capacity}, in one pass over the requests. */
  Compulsory compulsory(long capacity) {
    boolean[] seen = new boolean[names.length];
    long requests = 0;
    long bytes = 0;
    for (int i = 0; i < keys.length; i++) {
      int key = keys[i];
      if (sizes[i] > capacity || !seen[key]) {
        requests++;
        bytes += sizes[i];
      }
      seen[key] = true;
    }
    return new Compulsory(requests, bytes);
  }

  /** For each request, the index of the next request of the same key, or {@link #NEVER}. */
  synchronized int[] nextUse() {
    if (nextUse == null) {
      int[] next = new int[keys.length];
      int[] last = new int[names.length];
      Arrays.fill(last, NEVER);
      for (int i = keys.length - 1; i >= 0; i--) {
        next[i] = last[keys[i]];
        last[keys[i]] = i;
      }
      nextUse = next;
    }
    return nextUse;
  }
}
