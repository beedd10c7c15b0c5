package io.spillway.config;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.config.Source.Entry;
import io.spillway.config.Source.Kind;
import java.util.Objects;

/** Puts one entry of a source into a builder, or fails naming the source and the key. Internal, may change. */
final class Apply {
  private Apply() {}

  /**
   * Puts {@code entry} of {@code source} into {@code builder}: a setting through its builder method, an option
   * through {@link SpillConfig.Builder#option}.
   *
   * @throws SpillConfigurationException if the key is unknown, or the value not of its setting's form, or refused by
   *     the builder
   */
  static void one(Source source, Entry entry, SpillConfig.Builder builder, KnownKeys known) {
    switch (known.verdict(entry.key())) {
      case SETTING:
        Settings.Setting setting = Objects.requireNonNull(Settings.ALL.get(entry.key()));
        try {
          setting.apply().accept(builder, entry.value());
        } catch (Values.BadValue e) {
          throw fail(source, entry, "expected " + setting.expected() + ", got " + entry.value().shown());
        } catch (IllegalArgumentException | IllegalStateException e) {
          // Of the form, but refused by the builder: a session name with a slash, two equal spill directories, or
          // spillDir beside spillDirs. The builder's message says why.
          throw fail(source, entry, String.valueOf(e.getMessage()));
        }
        return;
      case OPTION:
      case PASSED_THROUGH:
        if (entry.value().kind() == Kind.LIST || entry.value().kind() == Kind.NULL) {
          throw fail(source, entry, "expected " + Values.SINGLE + ", got " + entry.value().shown());
        }
        // Plugins parse their own options (and name the key when a value is wrong); the text goes as written.
        builder.option(entry.key(), entry.value().text());
        return;
      default:
        Settings.Setting parent = Settings.ALL.get(entry.parent());
        if (parent != null && !known.hasOptionsUnder(entry.parent())) {
          throw new SpillConfigurationException(source.name() + ": key '" + entry.parent() + "': expected "
              + parent.expected() + ", got a mapping" + line(entry));
        }
        String hint = known.ownsNamespaceOf(entry.key()) ? "" : "; no plugin on the class path reads options under '"
            + entry.key().substring(0, entry.key().indexOf('.') + 1) + "'";
        throw new SpillConfigurationException(source.name() + ": unknown key '" + entry.written() + "' (did you mean '"
            + known.nearest(entry.written(), source.spelling()) + "'?)" + line(entry) + hint);
    }
  }

  private static SpillConfigurationException fail(Source source, Entry entry, String problem) {
    return new SpillConfigurationException(source.name() + ": key '" + entry.written() + "': " + problem
        + line(entry));
  }

  private static String line(Entry entry) {
    return entry.line() > 0 ? " (line " + entry.line() + ")" : "";
  }
}
