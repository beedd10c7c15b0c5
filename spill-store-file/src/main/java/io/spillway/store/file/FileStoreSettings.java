package io.spillway.store.file;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The {@code file.*} options of a {@link SpillConfig}, checked; see {@link FileSpillStoreProvider} for what each
 * means. Immutable. Internal, may change.
 *
 * @param logFileSize bytes after which a log file takes no more appends, or {@link #AUTO}
 * @param ownFileThreshold values of at least this many bytes get a log file of their own
 * @param compactBelow a sealed log file whose live share falls below this is compacted
 * @param fsync whether writes are forced to the device before they return
 * @param maxUsedShare with several spill directories, one whose file system is fuller than this takes no new log file
 * @param appendFiles how many log files take appends at once, so that concurrent writers need not share one
 */
record FileStoreSettings(long logFileSize, long ownFileThreshold, double compactBelow, boolean fsync,
    double maxUsedShare, int appendFiles) {
  static final long AUTO = -1;
  static final long KIB = 1024;
  static final long MIB = 1024 * KIB;
  static final long GIB = 1024 * MIB;
  static final long MIN_LOG_FILE_SIZE = 64 * KIB;
  static final long MAX_LOG_FILE_SIZE = 4 * GIB;
  static final long AUTO_MIN = 8 * MIB;
  static final long AUTO_MAX = 256 * MIB;
  /** With {@link #AUTO}, a new log file is this fraction of the live bytes, between the two bounds above. */
  static final long AUTO_DIVISOR = 32;
  static final long DEFAULT_OWN_FILE_THRESHOLD = 64 * MIB;
  static final double DEFAULT_COMPACT_BELOW = 0.5;
  static final double MIN_COMPACT_BELOW = 0.05;
  static final double MAX_COMPACT_BELOW = 0.95;
  /** Default used share of a file system above which it takes no new log file, as Trino's spill threshold. */
  static final double DEFAULT_MAX_USED_SHARE = 0.9;
  /** The most log files taking appends at once. */
  static final int MAX_APPEND_FILES = 64;
  /**
   * Default log files taking appends at once: one per processor, at most 4. Why more than one: a file system
   * serializes buffered writes to one file (ext4 and XFS hold the inode's lock for each), so parallel spills into a
   * single file would wait for each other in the kernel.
   */
  static final int DEFAULT_APPEND_FILES = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

  /** The option keys {@link #from} reads, and the only {@code file.*} keys it accepts. */
  static final List<String> KNOWN = List.of(FileSpillStoreProvider.LOG_FILE_SIZE,
      FileSpillStoreProvider.OWN_FILE_THRESHOLD, FileSpillStoreProvider.COMPACT_BELOW,
      FileSpillStoreProvider.MAX_USED_SHARE, FileSpillStoreProvider.APPEND_FILES);

  FileStoreSettings {
    if (logFileSize != AUTO && (logFileSize < MIN_LOG_FILE_SIZE || logFileSize > MAX_LOG_FILE_SIZE)) {
      throw new IllegalArgumentException("log file size must be auto or " + MIN_LOG_FILE_SIZE + " to "
          + MAX_LOG_FILE_SIZE + " bytes, was " + logFileSize);
    }
    if (ownFileThreshold < 0) {
      throw new IllegalArgumentException("own-file threshold must not be negative, was " + ownFileThreshold);
    }
    if (!(compactBelow >= MIN_COMPACT_BELOW && compactBelow <= MAX_COMPACT_BELOW)) {
      throw new IllegalArgumentException("compaction threshold must be " + MIN_COMPACT_BELOW + " to "
          + MAX_COMPACT_BELOW + ", was " + compactBelow);
    }
    if (!(maxUsedShare > 0 && maxUsedShare <= 1)) {
      throw new IllegalArgumentException("used-share threshold must be above 0 and at most 1, was " + maxUsedShare);
    }
    if (appendFiles < 1 || appendFiles > MAX_APPEND_FILES) {
      throw new IllegalArgumentException("append files must be 1 to " + MAX_APPEND_FILES + ", was " + appendFiles);
    }
  }

  /** Settings with the default used-share threshold and number of append files. */
  FileStoreSettings(long logFileSize, long ownFileThreshold, double compactBelow, boolean fsync) {
    this(logFileSize, ownFileThreshold, compactBelow, fsync, DEFAULT_MAX_USED_SHARE, DEFAULT_APPEND_FILES);
  }

  /** The defaults, with {@code fsync}. */
  static FileStoreSettings defaults(boolean fsync) {
    return new FileStoreSettings(AUTO, DEFAULT_OWN_FILE_THRESHOLD, DEFAULT_COMPACT_BELOW, fsync);
  }

  /**
   * Reads the options of {@code config}.
   *
   * @throws SpillConfigurationException naming the option, if one is malformed, out of range or unknown
   */
  static FileStoreSettings from(SpillConfig config) {
    for (String key : config.options().keySet()) {
      if (key.startsWith("file.") && !KNOWN.contains(key)) {
        throw new SpillConfigurationException("Unknown file store option " + key + "; the file store reads "
            + String.join(", ", KNOWN));
      }
    }
    Map<String, String> options = config.options();
    long logFileSize = option(options, FileSpillStoreProvider.LOG_FILE_SIZE, AUTO, raw -> {
      if (raw.trim().equalsIgnoreCase("auto")) {
        return AUTO;
      }
      long size = parseSize(raw);
      if (size < MIN_LOG_FILE_SIZE || size > MAX_LOG_FILE_SIZE) {
        throw new IllegalArgumentException("expected auto or " + MIN_LOG_FILE_SIZE + " to " + MAX_LOG_FILE_SIZE
            + " bytes (64KiB to 4GiB)");
      }
      return size;
    });
    long ownFileThreshold = option(options, FileSpillStoreProvider.OWN_FILE_THRESHOLD, DEFAULT_OWN_FILE_THRESHOLD,
        raw -> {
          long size = parseSize(raw);
          if (size < 0) {
            throw new IllegalArgumentException("expected a size of 0 bytes or more");
          }
          return size;
        });
    double compactBelow = option(options, FileSpillStoreProvider.COMPACT_BELOW, DEFAULT_COMPACT_BELOW, raw -> {
      double share = Double.parseDouble(raw.trim());
      if (!(share >= MIN_COMPACT_BELOW && share <= MAX_COMPACT_BELOW)) {
        throw new IllegalArgumentException("expected a share from " + MIN_COMPACT_BELOW + " to " + MAX_COMPACT_BELOW);
      }
      return share;
    });
    double maxUsedShare = option(options, FileSpillStoreProvider.MAX_USED_SHARE, DEFAULT_MAX_USED_SHARE, raw -> {
      double share = Double.parseDouble(raw.trim());
      if (!(share > 0 && share <= 1)) {
        throw new IllegalArgumentException("expected a share above 0 and at most 1");
      }
      return share;
    });
    int appendFiles = option(options, FileSpillStoreProvider.APPEND_FILES, DEFAULT_APPEND_FILES, raw -> {
      int files = Integer.parseInt(raw.trim());
      if (files < 1 || files > MAX_APPEND_FILES) {
        throw new IllegalArgumentException("expected 1 to " + MAX_APPEND_FILES);
      }
      return files;
    });
    return new FileStoreSettings(logFileSize, ownFileThreshold, compactBelow, config.fsync(), maxUsedShare,
        appendFiles);
  }

  private static <T> T option(Map<String, String> options, String key, T fallback, Function<String, T> parse) {
    String raw = options.get(key);
    if (raw == null) {
      return fallback;
    }
    try {
      return parse.apply(raw);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new SpillConfigurationException("File store option " + key + " has an unusable value '" + raw + "': "
          + e.getMessage(), e);
    }
  }

  /** Bytes after which a new log file takes no more appends, when the live values take {@code liveBytes}. */
  long targetFileSize(long liveBytes) {
    if (logFileSize != AUTO) {
      return logFileSize;
    }
    long wanted = (liveBytes / AUTO_DIVISOR + MIB - 1) / MIB * MIB;
    return Math.max(AUTO_MIN, Math.min(AUTO_MAX, wanted));
  }

  /** A byte count, or a number with {@code KiB}, {@code MiB} or {@code GiB} ({@code 64MiB}). */
  static long parseSize(String s) {
    String lower = s.toLowerCase(Locale.ROOT).replace(" ", "");
    long unit = 1;
    for (String[] suffix : new String[][] {{"kib", "1024"}, {"mib", "1048576"}, {"gib", "1073741824"}}) {
      if (lower.endsWith(suffix[0])) {
        unit = Long.parseLong(suffix[1]);
        lower = lower.substring(0, lower.length() - suffix[0].length());
        break;
      }
    }
    return Math.multiplyExact(Long.parseLong(lower), unit);
  }
}
