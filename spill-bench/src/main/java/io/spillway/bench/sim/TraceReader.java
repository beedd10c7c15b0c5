package io.spillway.bench.sim;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;

/**
 * Reads a trace file: one request a line, {@code <key> <size>}, separated by spaces or tabs. A key is any 64-bit
 * decimal integer, negative included (key-hash traces have those), or any other token without blanks, read as a
 * string; the same number always means the same key ({@code 007} is {@code 7}), and a number is never the same key
 * as a string. The size is a decimal byte count from 0 to {@code Integer.MAX_VALUE}. Blank lines are skipped. The
 * file may be gzip-compressed (recognised by its magic bytes, whatever its name) or plain UTF-8 text. Keys are
 * renumbered {@code 0..distinct-1} in order of first appearance. Internal, may change; one instance per file.
 */
final class TraceReader {
  private static final int GZIP_MAGIC = 0x8b1f;

  private final Path file;
  private final Map<Long, Integer> numericIds = new HashMap<>(1 << 16);
  private final Map<String, Integer> stringIds = new HashMap<>();
  private int[] keys = new int[1 << 16];
  private int[] sizes = new int[1 << 16];
  private int requests;

  private TraceReader(Path file) {
    this.file = file;
  }

  /**
   * The requests of {@code file}.
   *
   * @throws IOException if the file cannot be read or a line is malformed (the message names the file, the line and
   *     what was expected)
   */
  static Trace read(Path file, String name) throws IOException {
    TraceReader reader = new TraceReader(file);
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(open(file), StandardCharsets.UTF_8),
        1 << 16)) {
      long number = 0;
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        number++;
        reader.request(line, number);
      }
    }
    return reader.trace(name);
  }

  private static InputStream open(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    in.mark(2);
    int magic = in.read() | (in.read() << 8);
    in.reset();
    return magic == GZIP_MAGIC ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
  }

  private void request(String line, long number) throws IOException {
    int start = skipBlanks(line, 0);
    if (start == line.length()) {
      return;
    }
    int keyEnd = skipToken(line, start);
    int sizeStart = skipBlanks(line, keyEnd);
    int sizeEnd = skipToken(line, sizeStart);
    if (sizeStart == sizeEnd || skipBlanks(line, sizeEnd) != line.length()) {
      throw malformed(number, "expected '<key> <size>'");
    }
    int size = size(line, sizeStart, sizeEnd, number);
    if (requests == keys.length) {
      keys = Arrays.copyOf(keys, requests * 2);
      sizes = Arrays.copyOf(sizes, requests * 2);
    }
    keys[requests] = id(line.substring(start, keyEnd));
    sizes[requests] = size;
    requests++;
  }

  private int id(String token) {
    int next = numericIds.size() + stringIds.size();
    Long numeric = numeric(token);
    return numeric != null ? numericIds.computeIfAbsent(numeric, k -> next)
        : stringIds.computeIfAbsent(token, k -> next);
  }

  /** {@code token} as a 64-bit integer, or null if it is not one (a string key). */
  private static @Nullable Long numeric(String token) {
    int digitsFrom = token.charAt(0) == '-' || token.charAt(0) == '+' ? 1 : 0;
    if (digitsFrom == token.length()) {
      return null;
    }
    for (int i = digitsFrom; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
    }
    try {
      return Long.parseLong(token);
    } catch (NumberFormatException e) {
      return null; // digits beyond 64 bits: a string key, as any other token
    }
  }

  private int size(String line, int from, int to, long number) throws IOException {
    long size = 0;
    for (int i = from; i < to; i++) {
      char c = line.charAt(i);
      if (c < '0' || c > '9') {
        throw malformed(number, "expected a size in bytes, got '" + line.substring(from, to) + "'");
      }
      size = size * 10 + (c - '0');
      if (size > Integer.MAX_VALUE) {
        throw malformed(number, "size too large: " + line.substring(from, to));
      }
    }
    return (int) size;
  }

  private IOException malformed(long number, String problem) {
    return new IOException(file + " line " + number + ": " + problem);
  }

  private static int skipBlanks(String line, int from) {
    int i = from;
    while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  private static int skipToken(String line, int from) {
    int i = from;
    while (i < line.length() && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
      i++;
    }
    return i;
  }

  private Trace trace(String name) {
    return Trace.of(name, Arrays.copyOf(keys, requests), Arrays.copyOf(sizes, requests),
        numericIds.size() + stringIds.size());
  }
}
