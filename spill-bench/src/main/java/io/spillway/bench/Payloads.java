package io.spillway.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/** The payload kinds of {@link SpillReloadBenchmark}, and the process's written-bytes counter. */
final class Payloads {
  private Payloads() {}

  /** A payload of {@code kind} ({@code random}, {@code json}, {@code graph}) and {@code length} bytes. */
  static byte[] of(String kind, int length, SplittableRandom random) {
    switch (kind) {
      case "random": {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
      }
      case "json":
        return json(length, random);
      case "graph":
        return graph(length, random);
      default:
        throw new IllegalArgumentException("payload must be random, json or graph, was '" + kind + "'");
    }
  }

  /** JSON records of a few typed fields, one per line. */
  private static byte[] json(int length, SplittableRandom random) {
    StringBuilder out = new StringBuilder(length + 256);
    String[] cities = {"Lisbon", "Oslo", "Quito", "Osaka", "Lagos", "Perth", "Turin", "Dakar"};
    for (long id = random.nextLong(1 << 30); out.length() < length; id++) {
      out.append("{\"id\":").append(id).append(",\"user\":\"user-").append(random.nextInt(1_000_000))
          .append("\",\"city\":\"").append(cities[random.nextInt(cities.length)]).append("\",\"active\":")
          .append(random.nextBoolean()).append(",\"score\":").append(random.nextInt(100_000) / 100.0)
          .append(",\"tags\":[\"t").append(random.nextInt(50)).append("\",\"t").append(random.nextInt(50))
          .append("\"]}\n");
    }
    return Arrays.copyOf(out.toString().getBytes(StandardCharsets.UTF_8), length);
  }

  /**
   * Adjacency lists of a graph partition as little-endian ints: per vertex its degree (power law, 1 to 4096), then
   * its neighbours' ids in 2^24, sorted, drawn with a skew towards low ids (the hubs of a Kronecker graph).
   */
  private static byte[] graph(int length, SplittableRandom random) {
    ByteBuffer out = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    int[] neighbours = new int[4096];
    while (out.remaining() >= 8) {
      int degree = (int) Math.min(4096, Math.floor(1 / Math.pow(1 - random.nextDouble(), 1 / 1.2)));
      degree = Math.min(degree, out.remaining() / 4 - 1);
      for (int i = 0; i < degree; i++) {
        double u = random.nextDouble();
        neighbours[i] = (int) ((1 << 24) * u * u * u);
      }
      Arrays.sort(neighbours, 0, degree);
      out.putInt(degree);
      for (int i = 0; i < degree; i++) {
        out.putInt(neighbours[i]);
      }
    }
    return out.array();
  }

  /** The bytes this process has passed to {@code write} calls ({@code wchar} of /proc/self/io), or -1. */
  static long bytesWritten() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
        if (line.startsWith("wchar:")) {
          return Long.parseLong(line.substring(6).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
