package io.spillway.api;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** The argument checks of {@link SpillConfig.Builder}: each throws what the builder's Javadoc says. */
final class ConfigChecks {
  private ConfigChecks() {}

  /** {@code value} within [min, max], as RedDB clamps; a NaN is refused. */
  static double clamp(String setting, double value, double min, double max) {
    if (Double.isNaN(value)) {
      throw new IllegalArgumentException(setting + " must be a number, was NaN");
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
