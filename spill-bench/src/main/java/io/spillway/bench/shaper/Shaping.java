package io.spillway.bench.shaper;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;

/**
 * How {@link ShapedProxy} shapes each connection: the time to first byte of every response, and the bandwidth of
 * each direction of each connection. Immutable.
 *
 * <p>{@link #fromSystemProperties()} reads {@value #LATENCY_PROPERTY} (default {@value #DEFAULT_LATENCY}: a duration
 * such as {@code 20ms}, {@code 1s}, {@code 500us}, {@code 0} or ISO-8601 {@code PT0.02S}) and
 * {@value #BANDWIDTH_PROPERTY} (default {@value #DEFAULT_BANDWIDTH}: bytes per second, a plain count or with
 * {@code KiB}, {@code MiB} or {@code GiB}, optionally followed by {@code /s}). The defaults are what one connection to
 * AWS S3 gets from an EC2 instance in the same region, roughly: tens of milliseconds to the first byte, tens of MiB/s.
 *
 * @param latency the time to first byte of each response, measured from the first byte of its request; not negative
 * @param bytesPerSecond the bandwidth of each direction of each connection; positive
 */
public record Shaping(Duration latency, long bytesPerSecond) {
  /** System property of the time to first byte: {@value}. */
  public static final String LATENCY_PROPERTY = "bench.s3.latency";
  /** System property of the bandwidth per connection and direction: {@value}. */
  public static final String BANDWIDTH_PROPERTY = "bench.s3.bandwidth";
  /** Default time to first byte: {@value}. */
  public static final String DEFAULT_LATENCY = "20ms";
  /** Default bandwidth per connection and direction, per second: {@value}. */
  public static final String DEFAULT_BANDWIDTH = "64MiB";

  private static final long KIB = 1024;
  private static final long MIB = KIB * 1024;
  private static final long GIB = MIB * 1024;

  /**
   * @throws IllegalArgumentException if {@code latency} is negative or {@code bytesPerSecond} not positive
   */
  public Shaping {
    Objects.requireNonNull(latency, "latency");
    if (latency.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative, was " + latency);
    }
    if (bytesPerSecond <= 0) {
      throw new IllegalArgumentException("bytesPerSecond must be positive, was " + bytesPerSecond);
    }
  }

  /** {@value #DEFAULT_LATENCY} to first byte, {@value #DEFAULT_BANDWIDTH}/s per connection and direction. */
  public static Shaping defaults() {
    return parse(DEFAULT_LATENCY, DEFAULT_BANDWIDTH);
  }

  /**
   * The shaping given by {@value #LATENCY_PROPERTY} and {@value #BANDWIDTH_PROPERTY}, the defaults where unset.
   *
   * @throws IllegalArgumentException if a property cannot be read; the message names it and the accepted forms
   */
  public static Shaping fromSystemProperties() {
    return parse(System.getProperty(LATENCY_PROPERTY, DEFAULT_LATENCY),
        System.getProperty(BANDWIDTH_PROPERTY, DEFAULT_BANDWIDTH));
  }

  /**
   * The shaping of a latency and a bandwidth written as the system properties take them.
   *
   * @throws IllegalArgumentException if either cannot be read; the message names the property and the accepted forms
   */
  public static Shaping parse(String latency, String bandwidth) {
    Duration parsedLatency;
    try {
      parsedLatency = parseDuration(latency);
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new IllegalArgumentException(LATENCY_PROPERTY + " must be a duration such as 20ms, 1s, 500us, 0 or"
          + " PT0.02S, was '" + latency + "'", e);
    }
    long parsedBandwidth;
    try {
      parsedBandwidth = parseBandwidth(bandwidth);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new IllegalArgumentException(BANDWIDTH_PROPERTY + " must be bytes per second such as 64MiB, 512KiB/s"
          + " or 1048576, was '" + bandwidth + "'", e);
    }
    return new Shaping(parsedLatency, parsedBandwidth);
  }

  static Duration parseDuration(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    if (s.startsWith("p")) {
      return Duration.parse(s.toUpperCase(Locale.ROOT));
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    // Longest suffixes first: "ms" and "us" also end in "s".
    String[][] units = {{"ms", "1000000"}, {"us", "1000"}, {"ns", "1"}, {"s", "1000000000"}};
    for (String[] unit : units) {
      if (s.endsWith(unit[0])) {
        long amount = Long.parseLong(s.substring(0, s.length() - unit[0].length()).trim());
        return Duration.ofNanos(Math.multiplyExact(amount, Long.parseLong(unit[1])));
      }
    }
    throw new IllegalArgumentException("no unit");
  }

  static long parseBandwidth(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT).replace(" ", "");
    if (s.endsWith("/s")) {
      s = s.substring(0, s.length() - 2);
    }
    long unit = 1;
    String[] suffixes = {"kib", "mib", "gib"};
    long[] factors = {KIB, MIB, GIB};
    for (int i = 0; i < suffixes.length; i++) {
      if (s.endsWith(suffixes[i])) {
        unit = factors[i];
        s = s.substring(0, s.length() - suffixes[i].length());
        break;
      }
    }
    return Math.multiplyExact(Long.parseLong(s), unit);
  }

  /** For tables: {@code "20 ms to first byte, 64 MiB/s per connection each way"}. */
  public String describe() {
    return latencyText() + " to first byte, " + bandwidthText() + " per connection each way";
  }

  private String latencyText() {
    long nanos = latency.toNanos();
    if (nanos % 1_000_000 == 0) {
      return nanos / 1_000_000 + " ms";
    }
    return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
  }

  private String bandwidthText() {
    long[] factors = {GIB, MIB, KIB};
    String[] names = {"GiB", "MiB", "KiB"};
    for (int i = 0; i < factors.length; i++) {
      if (bytesPerSecond % factors[i] == 0) {
        return bytesPerSecond / factors[i] + " " + names[i] + "/s";
      }
    }
    return bytesPerSecond + " B/s";
  }
}
