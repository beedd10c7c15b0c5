package io.spillway.api;

import java.time.Duration;
import java.util.Locale;

/**
 * Byte counts and durations as people read them, for the {@code toString()} of the stats records. Binary units
 * (1 KiB = 1024 B), one decimal below 100 of a unit ({@code 40.0 MiB}, {@code 512 MiB}), and a dot as the decimal
 * separator whatever the default locale, so that logs read alike everywhere. Internal, may change.
 */
final class Units {
  private static final String[] BYTE_UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

  private Units() {}

  /** {@code bytes} in the largest binary unit it reaches: {@code 0 B}, {@code 1023 B}, {@code 1.5 KiB}. */
  static String bytes(long bytes) {
    if (bytes < 0) {
      return "unknown";
    }
    if (bytes < 1024) {
      return bytes + " B";
    }
    int unit = (63 - Long.numberOfLeadingZeros(bytes)) / 10;
    return scaled(bytes / Math.pow(1024, unit), BYTE_UNITS[unit]);
  }

  /** {@code duration} in ns, us, ms or s: {@code 850 ns}, {@code 31.9 ms}, {@code 2.50 s}. */
  static String duration(Duration duration) {
    long nanos = duration.toNanos();
    if (nanos < 1_000) {
      return nanos + " ns";
    }
    if (nanos < 1_000_000) {
      return scaled(nanos / 1e3, "us");
    }
    if (nanos < 1_000_000_000) {
      return scaled(nanos / 1e6, "ms");
    }
    return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
  }

  /** {@code fraction} as a percentage with one decimal: {@code 7.8%}. */
  static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.1f%%", fraction * 100);
  }

  private static String scaled(double value, String unit) {
    // 99.95 rounds to "100.0": decide on the rounded value, so that no "100.0" ever appears.
    return value < 99.95 ? String.format(Locale.ROOT, "%.1f %s", value, unit)
        : String.format(Locale.ROOT, "%.0f %s", value, unit);
  }
}
