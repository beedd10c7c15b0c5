package io.spillway.cli;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillStoreInspector;
import io.spillway.api.spi.SpillStoreInspector.Kind;
import io.spillway.api.spi.SpillStoreInspector.Owner;
import io.spillway.api.spi.SpillStoreInspector.Session;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gc}: removes dead ephemeral sessions by the store's own rule (the one a new session applies when it opens:
 * {@link SpillStoreInspector#removeStaleSessions()}), or the sessions named with {@code --session}; a persistent
 * session or one whose owner is not known to be dead only with {@code --force}. Internal, may change.
 */
@Command(name = "gc", mixinStandardHelpOptions = true,
    description = {"Removes the dead ephemeral sessions, by the store's own rule, and prints what it removed. Never "
        + "a live or a persistent session, unless named with --session and --force."})
final class GcCommand extends InspectingCommand {
  @Parameters(paramLabel = "DIR", arity = "0..*", description = "Spill directories (as --dir).")
  List<Path> dirs = new ArrayList<>();

  @Option(names = "--session", paramLabel = "SESSION",
      description = "Remove this session (as ls names it) instead; repeatable. A persistent session, or one whose "
          + "owner is alive or not known to be dead, needs --force.")
  List<String> sessions = new ArrayList<>();

  @Option(names = "--force",
      description = "Allow --session to remove a persistent session or a live one: its owner loses its data.")
  boolean force;

  @Override
  public Integer call() throws IOException {
    SpillConfig config = location.config(dirs);
    try (SpillStoreInspector inspector = location.open(config)) {
      List<Session> before = inspector.sessions();
      return sessions.isEmpty() ? removeStale(inspector, before) : removeNamed(inspector, before);
    }
  }

  private int removeStale(SpillStoreInspector inspector, List<Session> before) throws IOException {
    PrintWriter out = out();
    int removed = inspector.removeStaleSessions();
    Set<String> left = new HashSet<>();
    List<Session> after = inspector.sessions();
    for (Session session : after) {
      left.add(session.name());
    }
    int listed = 0;
    for (Session session : before) {
      if (!left.contains(session.name())) {
        listed++;
        out.println("removed " + session.name() + " (" + describe(session) + ")");
      }
    }
    int live = 0;
    int persistent = 0;
    for (Session session : after) {
      if (session.kind() == Kind.PERSISTENT) {
        persistent++;
        if (session.owner() != Owner.ALIVE) {
          out.println("kept " + session.name() + " (" + describe(session) + "): persistent; remove it with --session "
              + session.name() + " --force");
        }
      } else if (session.owner() == Owner.ALIVE) {
        live++;
      }
    }
    String remains = removed > listed ? ", and " + (removed - listed) + " remains of interrupted removals" : "";
    out.println("gc " + inspector.location() + ": removed " + listed
        + (listed == 1 ? " dead session" : " dead sessions") + remains + "; kept " + after.size()
        + " (" + live + " live ephemeral, " + persistent + " persistent)");
    return SpillCli.OK;
  }

  private int removeNamed(SpillStoreInspector inspector, List<Session> before) throws IOException {
    List<Session> doomed = new ArrayList<>();
    for (String name : sessions) {
      Session session = find(before, name);
      if (session == null) {
        err().println("spill-cli gc: no session " + quote(name) + " in " + inspector.location());
        return SpillCli.USAGE;
      }
      boolean guarded = session.kind() == Kind.PERSISTENT || session.owner() != Owner.DEAD;
      if (guarded && !force) {
        String why = session.kind() == Kind.PERSISTENT ? "is persistent" : "has an owner that is "
            + session.owner().name().toLowerCase(Locale.ROOT) + " (" + session.ownerDescription() + ")";
        err().println("spill-cli gc: session " + session.name() + " " + why + "; add --force to remove it, and its "
            + "data, anyway. Nothing was removed");
        return SpillCli.USAGE;
      }
      doomed.add(session);
    }
    for (Session session : doomed) {
      inspector.removeSession(session);
      out().println("removed " + session.name() + " (" + describe(session) + ")");
    }
    return SpillCli.OK;
  }

  private static String describe(Session session) {
    return session.kind().name().toLowerCase(Locale.ROOT) + ", owner " + session.owner().name().toLowerCase(Locale.ROOT)
        + ", " + contents(session);
  }
}
