package io.spillway.config;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One source of settings, read but not yet checked: its name for messages ({@code spillway.yaml},
 * {@code system properties}, {@code environment}), its entries in the order met, and how it spells a key (so that a
 * message suggests {@code SPILLWAY_MAX_MEMORY} to the environment and {@code maxMemory} to a file). Immutable.
 * Internal, may change.
 */
record Source(String name, List<Source.Entry> entries, UnaryOperator<String> spelling) {

  Source {
    entries = List.copyOf(entries);
  }

  /**
   * One setting as a source gave it.
   *
   * @param key the key in Spillway's dotted form ({@code maxMemory}, {@code file.appendFiles}); for the environment,
   *     the key the variable maps to, or the variable's own name if it maps to none
   * @param written the key as the source spells it ({@code spillway.maxMemory}, {@code SPILLWAY_MAX_MEMORY})
   * @param value the value
   * @param line the line the key is on, or 0 where the source has no lines
   * @param parent for a key that came from a nested mapping ({@code s3: {bucket: b}}), the key of that mapping
   *     ({@code s3}); empty otherwise
   */
  record Entry(String key, String written, RawValue value, int line, String parent) {}

  /** What a value looked like in its source, before any setting interprets it. */
  enum Kind {
    /** A text (every value of a properties file, system property or environment variable). */
    TEXT,
    /** A YAML or JSON number; {@link RawValue#text()} holds it as written. */
    NUMBER,
    /** A YAML or JSON {@code true} or {@code false}. */
    BOOLEAN,
    /** A YAML or JSON null, or a YAML key with nothing after it. */
    NULL,
    /** A YAML or JSON list of single values, in {@link RawValue#items()}. */
    LIST
  }

  /**
   * A value.
   *
   * @param kind what it looked like
   * @param text the text as written, for every kind but {@link Kind#LIST} and {@link Kind#NULL} (empty for those)
   * @param items the items of a list, each as written; empty for the other kinds
   */
  record RawValue(Kind kind, String text, List<String> items) {
    RawValue {
      items = List.copyOf(items);
    }

    static RawValue text(String text) {
      return new RawValue(Kind.TEXT, text, List.of());
    }

    /** The value as an error message shows it: quoted text, or what it was ({@code a list}, {@code no value}). */
    String shown() {
      switch (kind) {
        case LIST:
          return "a list";
        case NULL:
          return "no value";
        default:
          return "'" + text + "'";
      }
    }
  }
}
