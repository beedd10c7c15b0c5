package io.spillway.examples;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * {@link GraphDemo}'s command line: the flags, their checks and the {@code --help} text. A bad flag or value is an
 * {@link IllegalArgumentException} whose message names the flag and what it accepts.
 *
 * @param scale 2^scale vertices, 16 * 2^scale edges; 1 to 30
 * @param budget the manager's budget in bytes, or -1 for a fifth of the graph's estimated size
 * @param roots searches to run, at least 1
 * @param seed the generator's seed
 * @param dir the spill folder, or null for a new temporary folder deleted at the end
 * @param partitions partitions of the graph, or -1 for about a sixteenth of the budget each
 */
record GraphDemoOptions(int scale, long budget, int roots, long seed, @Nullable Path dir, int partitions) {
  static final GraphDemoOptions DEFAULTS = new GraphDemoOptions(18, -1, 4, 1, null, -1);

  static final String USAGE = """
      Usage: GraphDemo [--scale N] [--budget SIZE] [--roots N] [--seed N] [--dir PATH] [--partitions N] [--help]
      Generates a Graph500 Kronecker graph larger than the memory budget, searches it breadth-first from random
      roots while Spillway spills its partitions to files, validates every search and prints TEPS and spill stats.
        --scale N         2^N vertices and 16 * 2^N edges, N from 1 to 30 (default 18)
        --budget SIZE     memory budget: bytes, or a number with suffix k, m or g, e.g. 64m
                          (default: a fifth of the graph's estimated size)
        --roots N         breadth-first searches to run, at least 1 (default 4)
        --seed N          the generator's seed (default 1)
        --dir PATH        spill folder (default: a new temporary folder, deleted at the end)
        --partitions N    graph partitions, at least 1 (default: about a sixteenth of the budget each)
        --help            prints this and exits
      Exit status: 0 when every search validates, 1 when one does not, 2 for a bad command line.
      """;

  /**
   * The options {@code args} give, or empty if they ask for {@code --help}.
   *
   * @throws IllegalArgumentException naming the flag, for an unknown flag, a missing value or a bad one
   */
  static Optional<GraphDemoOptions> parse(String... args) {
    GraphDemoOptions options = DEFAULTS;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--help") || flag.equals("-h")) {
        return Optional.empty();
      }
      if (!flag.startsWith("--") || !isKnown(flag)) {
        throw new IllegalArgumentException("unknown flag " + flag
            + " (known: --scale --budget --roots --seed --dir --partitions --help)");
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      options = options.with(flag, args[++i]);
    }
    return Optional.of(options);
  }

  private static boolean isKnown(String flag) {
    return switch (flag) {
      case "--scale", "--budget", "--roots", "--seed", "--dir", "--partitions" -> true;
      default -> false;
    };
  }

  private GraphDemoOptions with(String flag, String value) {
    return switch (flag) {
      case "--scale" -> new GraphDemoOptions(intIn(flag, value, 1, 30), budget, roots, seed, dir, partitions);
      case "--budget" -> new GraphDemoOptions(scale, bytes(flag, value), roots, seed, dir, partitions);
      case "--roots" -> new GraphDemoOptions(scale, budget, intIn(flag, value, 1, Integer.MAX_VALUE), seed, dir,
          partitions);
      case "--seed" -> new GraphDemoOptions(scale, budget, roots, longValue(flag, value), dir, partitions);
      case "--dir" -> new GraphDemoOptions(scale, budget, roots, seed, Path.of(value), partitions);
      case "--partitions" -> new GraphDemoOptions(scale, budget, roots, seed, dir,
          intIn(flag, value, 1, Integer.MAX_VALUE));
      default -> throw new IllegalArgumentException("unknown flag " + flag);
    };
  }

  private static int intIn(String flag, String value, int min, int max) {
    long parsed = longValue(flag, value);
    if (parsed < min || parsed > max) {
      throw new IllegalArgumentException(flag + " must be " + (max == Integer.MAX_VALUE ? "at least " + min
          : "from " + min + " to " + max) + ", was " + value);
    }
    return (int) parsed;
  }

  private static long longValue(String flag, String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " needs a whole number, was '" + value + "'", e);
    }
  }

  /** Bytes, or a number with suffix k, m or g (binary units); must be positive. */
  static long bytes(String flag, String value) {
    String text = value.trim().toLowerCase(Locale.ROOT);
    long unit = 1;
    if (!text.isEmpty() && "kmg".indexOf(text.charAt(text.length() - 1)) >= 0) {
      char suffix = text.charAt(text.length() - 1);
      unit = suffix == 'k' ? 1L << 10 : suffix == 'm' ? 1L << 20 : 1L << 30;
      text = text.substring(0, text.length() - 1);
    }
    if (text.startsWith("-")) {
      throw new IllegalArgumentException(flag + " must be a positive size, was " + value);
    }
    // Strict digits: Double.parseDouble would also take "NaN", "1e9", "0x1p3" and a trailing "d" or "f".
    if (!text.matches("[0-9]+(\\.[0-9]+)?")) {
      throw new IllegalArgumentException(flag + " needs a size (bytes, or a number with suffix k, m or g, e.g. 64m),"
          + " was '" + value + "'");
    }
    double bytes = Double.parseDouble(text) * unit;
    if (bytes < 1 || bytes > Long.MAX_VALUE) {
      throw new IllegalArgumentException(flag + " must be a positive size, was " + value);
    }
    return Math.round(bytes);
  }
}
