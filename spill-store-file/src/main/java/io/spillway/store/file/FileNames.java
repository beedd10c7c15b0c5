package io.spillway.store.file;

import java.util.OptionalInt;

/**
 * Names of the files in a session folder. Keys never appear in a file name: they live inside the log records, so
 * no key can name a path, whatever it holds.
 *
 * <p>Stateless. Internal, may change.
 */
final class FileNames {
  static final String LOCK_FILE = "session.lock";
  static final String LOG_PREFIX = "log-";
  static final String LOG_SUFFIX = ".log";
  private static final int LOG_DIGITS = 10; // the largest unsigned 32-bit number has ten

  private FileNames() {}

  /**
   * The name of log file number {@code number} (an unsigned 32-bit number): {@code log-} and ten decimal digits,
   * then {@code .log}, so that names sort in number order.
   */
  static String logFile(int number) {
    String digits = Integer.toUnsignedString(number);
    return LOG_PREFIX + "0".repeat(LOG_DIGITS - digits.length()) + digits + LOG_SUFFIX;
  }

  /** The number of the log file named {@code fileName}, or empty if the name is not one {@link #logFile} gives. */
  static OptionalInt logNumber(String fileName) {
    if (fileName.length() != LOG_PREFIX.length() + LOG_DIGITS + LOG_SUFFIX.length()
        || !fileName.startsWith(LOG_PREFIX) || !fileName.endsWith(LOG_SUFFIX)) {
      return OptionalInt.empty();
    }
    String digits = fileName.substring(LOG_PREFIX.length(), LOG_PREFIX.length() + LOG_DIGITS);
    for (int i = 0; i < digits.length(); i++) {
      if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
        return OptionalInt.empty();
      }
    }
    long value = Long.parseLong(digits);
    return value > 0xFFFF_FFFFL ? OptionalInt.empty() : OptionalInt.of((int) value);
  }

  /** {@code key} quoted for a message, control characters spelled out so that a log line stays one line. */
  static String describe(String key) {
    StringBuilder out = new StringBuilder(key.length() + 2).append('\'');
    key.codePoints().forEach(cp -> {
      if (Character.isISOControl(cp)) {
        out.append(String.format("\\u%04x", cp));
      } else {
        out.appendCodePoint(cp);
      }
    });
    return out.append('\'').toString();
  }
}
