package io.spillway.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The argument checks of {@link SpillConfig.Builder}: each throws what the builder's Javadoc says. */
final class ConfigChecks {
  private ConfigChecks() {}

  /**
   * {@code value} within [min, max], as RedDB clamps; a fraction outside [0, 1] (or NaN) is refused, since it cannot
   * be meant as a share of the budget and clamping it would hide the mistake.
   */
  static double fraction(String setting, double value, double min, double max) {
    if (!(value >= 0.0 && value <= 1.0)) {
      throw new IllegalArgumentException(setting + " must be a fraction of the budget between 0 and 1 (values below "
          + min + " or above " + max + " are raised or lowered to them, as RedDB does), was " + value);
    }
    return Math.max(min, Math.min(max, value));
  }

  /** {@code value}, which must not be negative. */
  static long nonNegative(String setting, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(setting + " must not be negative, was " + value);
    }
    return value;
  }

  /** {@code value}, which must be positive. */
  static long positive(String setting, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(setting + " must be positive, was " + value);
    }
    return value;
  }

  /** {@code version}, which must be 2 or 3. */
  static int frameVersion(int version) {
    if (version != 2 && version != 3) {
      throw new IllegalArgumentException("frameVersion must be 2 or 3, was " + version);
    }
    return version;
  }

  /** {@code factor}, which must be in (0, 1]. */
  static double decay(double factor) {
    if (!(factor > 0.0 && factor <= 1.0)) {
      throw new IllegalArgumentException("accessDecay must be in (0, 1], was " + factor);
    }
    return factor;
  }

  /** {@code wait}, which must not be null or negative. */
  static Duration nonNegative(Duration wait) {
    Objects.requireNonNull(wait, "maxBlock");
    if (wait.isNegative()) {
      throw new IllegalArgumentException("maxBlock must not be negative, was " + wait);
    }
    return wait;
  }

  /** Puts {@code key} and {@code value}, neither null, into {@code options}, where the key must not be yet. */
  static void putOnce(Map<String, String> options, String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    if (options.putIfAbsent(key, value) != null) {
      throw new IllegalStateException("option " + key + " was already set");
    }
  }

  /** Throws {@link IllegalStateException} if {@code compression} (named explicitly) cannot go in v{@code version}. */
  static void compressionFits(int version, String compression, String encryption) {
    if (version == 2 && !compression.equals("none")) {
      throw new IllegalStateException("compression '" + compression + "' needs frame version 3; v2 frames carry none");
    }
    if (version == 2 && !encryption.equals("none")) {
      throw new IllegalStateException("encryption '" + encryption + "' needs frame version 3; v2 frames carry none");
    }
  }

  /** Throws if {@code otherSet}: {@code spillDir} and {@code spillDirs} exclude each other. */
  static void notBoth(boolean otherSet, String other) {
    if (otherSet) {
      throw new IllegalStateException(other + " was already set; give spillDir or spillDirs, not both");
    }
  }

  /** {@code name}, which must be {@code none} or {@code aes-gcm}. */
  static String encryption(String name) {
    Objects.requireNonNull(name, "encryption");
    if (!name.equals("none") && !name.equals("aes-gcm")) {
      throw new IllegalArgumentException("encryption must be none or aes-gcm, was '" + name + "'");
    }
    return name;
  }

  /** {@code name}, which must not be null or blank. */
  static String requireName(String setting, String name) {
    Objects.requireNonNull(name, setting);
    if (name.isBlank()) {
      throw new IllegalArgumentException(setting + " name must not be blank");
    }
    return name;
  }

  /** {@code name}, if it is 1 to 64 characters among {@code A-Z a-z 0-9 . _ -} not starting with {@code .}. */
  static String sessionName(String name) {
    Objects.requireNonNull(name, "persistentSession");
    if (!name.matches("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}")) {
      throw new IllegalArgumentException("persistentSession must be 1 to 64 characters among A-Z a-z 0-9 . _ -, "
          + "not starting with '.', was '" + name + "'");
    }
    return name;
  }

  /** {@code dirs}, at least one, none null, none twice (compared as absolute, normalised paths). */
  static List<Path> distinctDirs(Path... dirs) {
    Objects.requireNonNull(dirs, "spillDirs");
    if (dirs.length == 0) {
      throw new IllegalArgumentException("spillDirs needs at least one directory");
    }
    Set<Path> seen = new HashSet<>();
    for (Path dir : dirs) {
      if (!seen.add(Objects.requireNonNull(dir, "spillDirs").toAbsolutePath().normalize())) {
        throw new IllegalArgumentException("spillDirs names " + dir + " twice");
      }
    }
    return List.of(dirs);
  }
}
