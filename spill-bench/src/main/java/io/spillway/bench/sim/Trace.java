package io.spillway.bench.sim;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
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

  /**
   * Reads a gzip file of {@code <key> <size>} lines (decimal, one request a line; blank lines ignored).
   *
   * @throws IOException if the file cannot be read or a line is malformed (the message names the line)
   */
  static Trace read(Path file) throws IOException {
    String fileName = file.getFileName().toString();
    String name = fileName.endsWith(".trace.gz") ? fileName.substring(0, fileName.length() - ".trace.gz".length())
        : fileName;
    int[] keys = new int[1 << 16];
    int[] sizes = new int[1 << 16];
    int n = 0;
    Map<Long, Integer> ids = new HashMap<>(1 << 16);
    try (InputStream in = new BufferedInputStream(new GZIPInputStream(Files.newInputStream(file), 1 << 16),
        1 << 16)) {
      long line = 1;
      while (true) {
        int c = in.read();
        while (c == '\n' || c == '\r') {
          if (c == '\n') {
            line++;
          }
          c = in.read();
        }
        if (c < 0) {
          break;
        }
        long key = 0;
        int digits = 0;
        while (c >= '0' && c <= '9') {
          key = Math.multiplyExact(key, 10) + (c - '0');
          digits++;
          c = in.read();
        }
        if (digits == 0 || c != ' ') {
          throw new IOException(file + " line " + line + ": expected '<key> <size>'");
        }
        c = in.read();
        long size = 0;
        digits = 0;
        while (c >= '0' && c <= '9') {
          size = size * 10 + (c - '0');
          digits++;
          if (size > Integer.MAX_VALUE) {
            throw new IOException(file + " line " + line + ": size too large");
          }
          c = in.read();
        }
        if (digits == 0 || (c != '\n' && c != '\r' && c >= 0)) {
          throw new IOException(file + " line " + line + ": expected '<key> <size>'");
        }
        if (n == keys.length) {
          keys = Arrays.copyOf(keys, n * 2);
          sizes = Arrays.copyOf(sizes, n * 2);
        }
        Integer id = ids.get(key);
        if (id == null) {
          id = ids.size();
          ids.put(key, id);
        }
        keys[n] = id;
        sizes[n] = (int) size;
        n++;
        if (c < 0) {
          break;
        }
        if (c == '\n') {
          line++;
        }
      }
    }
    return new Trace(name, Arrays.copyOf(keys, n), Arrays.copyOf(sizes, n), ids.size());
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
