package io.spillway.cli;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillStoreInspector;
import io.spillway.api.spi.SpillStoreInspector.Session;
import io.spillway.api.spi.SpillStoreInspector.Value;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ls}: the sessions of a location in a table. Internal, may change. */
@Command(name = "ls", mixinStandardHelpOptions = true,
    description = {"Lists the sessions of spill directories or an S3 prefix: kind (ephemeral or persistent), "
        + "whether the owner is alive, segments and stored sizes. Reads only; live owners are not disturbed."})
final class ListCommand extends InspectingCommand {
  @Parameters(paramLabel = "DIR", arity = "0..*", description = "Spill directories (as --dir).")
  List<Path> dirs = new ArrayList<>();

  @Option(names = {"-l", "--segments"}, description = "Also list each session's segments and their stored sizes.")
  boolean segments;

  @Override
  public Integer call() throws IOException {
    SpillConfig config = location.config(dirs);
    try (SpillStoreInspector inspector = location.open(config)) {
      List<Session> sessions = inspector.sessions();
      PrintWriter out = out();
      if (sessions.isEmpty()) {
        out.println("No sessions in " + inspector.location());
        return SpillCli.OK;
      }
      int width = "SESSION".length();
      for (Session session : sessions) {
        width = Math.max(width, session.name().length());
      }
      String format = "%-" + width + "s  %-10s  %-7s  %8s  %10s  %10s  %s%n";
      out.printf(Locale.ROOT, format, "SESSION", "KIND", "OWNER", "SEGMENTS", "STORED", "OCCUPIED", "OWNER DETAILS");
      for (Session session : sessions) {
        out.printf(Locale.ROOT, format, session.name(), session.kind().name().toLowerCase(Locale.ROOT),
            session.owner().name().toLowerCase(Locale.ROOT), session.values().size(),
            Sizes.format(session.storedBytes()), Sizes.format(session.occupiedBytes()), session.ownerDescription());
        if (segments) {
          for (Value value : session.values()) {
            out.printf(Locale.ROOT, "    %10s  %s%n", Sizes.format(value.storedBytes()), segment(value));
          }
        }
      }
      long stored = 0;
      int values = 0;
      for (Session session : sessions) {
        stored += session.storedBytes();
        values += session.values().size();
      }
      out.println(sessions.size() + (sessions.size() == 1 ? " session, " : " sessions, ") + values + " segments, "
          + Sizes.format(stored) + " stored, in " + inspector.location());
      return SpillCli.OK;
    }
  }
}
