package io.spillway.config;

import io.spillway.config.Source.Kind;
import io.spillway.config.Source.RawValue;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The value syntaxes of the settings (see the package documentation), each strict: a text that is not exactly of
 * the form throws {@link BadValue}, never a rounded or partly read value. Stateless. Internal, may change.
 */
final class Values {
  /** What a size looks like, for messages. */
  static final String SIZE = "a size such as 536870912, 512MiB or 2g (B, KiB, MiB, GiB, TiB or k, m, g, t: powers "
      + "of 1024)";
  static final String FRACTION = "a number between 0 and 1";
  static final String DECAY = "a number above 0 and at most 1";
  static final String COUNT = "a whole number of 1 or more";
  static final String NAME = "a name";
  static final String PATH = "a directory path";
  static final String PATHS = "a list of directory paths (in a text, separated by commas)";
  static final String FRAME_VERSION = "2 or 3";
  static final String ENCRYPTION = "none or aes-gcm";
  static final String BOOLEAN = "true or false";
  static final String DURATION = "a duration such as 30s, 250ms, 5m, 1h, 1d or PT30S";
  static final String STORE_BYTES = SIZE + ", or unlimited";
  static final String SINGLE = "a single value";

  private static final Pattern SIZE_FORM = Pattern.compile("(\\d+) ?([A-Za-z]*)");
  private static final Pattern DURATION_FORM = Pattern.compile("(\\d+) ?(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);
  // Java's Double.parseDouble also takes "NaN", "Infinity", hex floats and a trailing d or f: none of them here.
  private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

  private Values() {}

  /** Thrown when a value does not have its setting's form; the caller's message says what was expected. */
  static final class BadValue extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadValue() {
      super(null, null, false, false);
    }
  }

  /** The text of a single value (a text, number or boolean), stripped of surrounding blanks. */
  static String scalar(RawValue value) {
    if (value.kind() == Kind.LIST || value.kind() == Kind.NULL) {
      throw new BadValue();
    }
    return value.text().strip();
  }

  /** A byte count: digits, then optionally a unit, as {@link #SIZE} says. */
  static long size(RawValue value) {
    Matcher m = SIZE_FORM.matcher(scalar(value));
    if (!m.matches()) {
      throw new BadValue();
    }
    long unit;
    switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "":
      case "b":
        unit = 1;
        break;
      case "k":
      case "kib":
        unit = 1L << 10;
        break;
      case "m":
      case "mib":
        unit = 1L << 20;
        break;
      case "g":
      case "gib":
        unit = 1L << 30;
        break;
      case "t":
      case "tib":
        unit = 1L << 40;
        break;
      default:
        // Including KB, MB, GB: they mean 1000 or 1024 depending on who wrote them, so neither is guessed.
        throw new BadValue();
    }
    try {
      return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new BadValue();
    }
  }

  /** A size, or {@code unlimited} for {@link Long#MAX_VALUE}. */
  static long storeBytes(RawValue value) {
    return scalar(value).equalsIgnoreCase("unlimited") ? Long.MAX_VALUE : size(value);
  }

  /** A decimal number within {@code [min, max]}, or above {@code min} if {@code minExclusive}. */
  static double decimal(RawValue value, double min, boolean minExclusive, double max) {
    String text = scalar(value);
    if (!DECIMAL.matcher(text).matches()) {
      throw new BadValue();
    }
    double d = Double.parseDouble(text);
    if (d < min || (minExclusive && d == min) || d > max) {
      throw new BadValue();
    }
    return d;
  }

  /** A whole number of 1 or more that fits an {@code int}. */
  static int count(RawValue value) {
    String text = scalar(value);
    if (!text.matches("\\d+")) {
      throw new BadValue();
    }
    try {
      int n = Integer.parseInt(text);
      if (n < 1) {
        throw new BadValue();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new BadValue();
    }
  }

  /** {@code true} or {@code false}, in any case. */
  static boolean bool(RawValue value) {
    String text = scalar(value);
    if (text.equalsIgnoreCase("true")) {
      return true;
    }
    if (text.equalsIgnoreCase("false")) {
      return false;
    }
    throw new BadValue();
  }

  /** Non-blank text. */
  static String name(RawValue value) {
    String text = scalar(value);
    if (text.isEmpty()) {
      throw new BadValue();
    }
    return text;
  }

  /** {@code text} as a path of the default file system. */
  static Path path(String text) {
    if (text.isBlank()) {
      throw new BadValue();
    }
    try {
      return Path.of(text.strip());
    } catch (InvalidPathException e) {
      throw new BadValue();
    }
  }

  /** A list of paths: a list's items, or a text's comma-separated parts; at least one. */
  static List<Path> paths(RawValue value) {
    List<String> parts;
    if (value.kind() == Kind.LIST) {
      parts = value.items();
    } else {
      parts = List.of(scalar(value).split(",", -1));
    }
    if (parts.isEmpty()) {
      throw new BadValue();
    }
    List<Path> paths = new ArrayList<>();
    for (String part : parts) {
      paths.add(path(part));
    }
    return paths;
  }

  /** A duration: ISO-8601 ({@code PT30S}), or digits and one of {@code ms s m h d}. */
  static Duration duration(RawValue value) {
    String text = scalar(value);
    if (text.startsWith("P") || text.startsWith("p") || text.startsWith("-P") || text.startsWith("-p")) {
      try {
        return Duration.parse(text);
      } catch (DateTimeParseException e) {
        throw new BadValue();
      }
    }
    Matcher m = DURATION_FORM.matcher(text);
    if (!m.matches()) {
      throw new BadValue();
    }
    long amount;
    try {
      amount = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw new BadValue();
    }
    try {
      switch (m.group(2).toLowerCase(Locale.ROOT)) {
        case "ms":
          return Duration.ofMillis(amount);
        case "s":
          return Duration.ofSeconds(amount);
        case "m":
          return Duration.ofMinutes(amount);
        case "h":
          return Duration.ofHours(amount);
        default:
          return Duration.ofDays(amount);
      }
    } catch (ArithmeticException e) {
      throw new BadValue();
    }
  }

  /** One of {@code choices}, in any case; the choice as listed. */
  static String choice(RawValue value, String... choices) {
    String text = scalar(value);
    for (String choice : choices) {
      if (choice.equalsIgnoreCase(text)) {
        return choice;
      }
    }
    throw new BadValue();
  }
}
