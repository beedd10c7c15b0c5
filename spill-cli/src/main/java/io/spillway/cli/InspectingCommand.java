package io.spillway.cli;

import io.spillway.api.spi.SpillStoreInspector.Session;
import io.spillway.api.spi.SpillStoreInspector.Value;
import java.io.PrintWriter;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What every subcommand shares: the location options, the tool, and how sessions and segments are named on the
 * command line and in the output. Internal, may change.
 */
abstract class InspectingCommand implements Callable<Integer> {
  @Mixin
  Location location = new Location();

  @ParentCommand
  @Nullable SpillCli cli;

  @Spec
  @Nullable CommandSpec spec;

  final PrintWriter out() {
    return Objects.requireNonNull(spec, "picocli injects the spec").commandLine().getOut();
  }

  final PrintWriter err() {
    return Objects.requireNonNull(spec, "picocli injects the spec").commandLine().getErr();
  }

  final SpillCli cli() {
    return Objects.requireNonNull(cli, "picocli injects the parent command");
  }

  /** The session named {@code name}, by its name or, for a persistent one, by the name it is opened by. */
  static @Nullable Session find(List<Session> sessions, String name) {
    for (Session session : sessions) {
      if (session.name().equals(name)) {
        return session;
      }
    }
    for (Session session : sessions) {
      if (!session.persistentName().isEmpty() && session.persistentName().equals(name)) {
        return session;
      }
    }
    return null;
  }

  /** The value stored under segment {@code key}, or whose store name is {@code key} when its name is unknown. */
  static @Nullable Value find(Session session, String key) {
    for (Value value : session.values()) {
      if (value.key().equals(key) && value.keyKnown()) {
        return value;
      }
    }
    for (Value value : session.values()) {
      if (value.key().equals(key)) {
        return value;
      }
    }
    return null;
  }

  /** A segment for the output: its name quoted, control characters spelled out so that a line stays one line. */
  static String segment(Value value) {
    return value.keyKnown() ? quote(value.key()) : "(name unknown, stored as " + value.key() + ")";
  }

  static String quote(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('\'');
    text.codePoints().forEach(cp -> {
      if (Character.isISOControl(cp)) {
        out.append(String.format("\\u%04x", cp));
      } else {
        out.appendCodePoint(cp);
      }
    });
    return out.append('\'').toString();
  }

  /** {@code "3 segments, 1.5 KiB"}. */
  static String contents(Session session) {
    int count = session.values().size();
    return count + (count == 1 ? " segment, " : " segments, ") + Sizes.format(session.storedBytes());
  }
}
