package io.spillway.cli;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillStoreInspector;
import io.spillway.api.spi.SpillStoreInspector.Owner;
import io.spillway.api.spi.SpillStoreInspector.Session;
import io.spillway.api.spi.SpillStoreInspector.Value;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code verify}: every stored frame of every session decoded as a reload would decode it; a line per corrupt
 * segment, exit 1 if there is one.
 *
 * <p>A live session changes while it is read (a value being written, replaced, compacted away), so a value of a live
 * session that fails is listed and read once more after the pass; it is reported only if it fails again, and counted
 * as changed if it is gone or now passes. Internal, may change.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Verifies every stored frame: header and payload checksums, decompression, and for encrypted "
        + "frames of persistent sessions their authentication when a key is given (--key-file); without one they "
        + "are reported as encrypted, not verified (neither corrupt nor OK). Prints one line per corrupt segment "
        + "(session, segment, reason) and a summary; exits 1 if any is corrupt. Reads only."})
final class VerifyCommand extends InspectingCommand {
  @Parameters(paramLabel = "DIR", arity = "0..*", description = "Spill directories (as --dir).")
  List<Path> dirs = new ArrayList<>();

  private record Failure(Session session, Value value, FrameCheck.Result result) {}

  @Override
  public Integer call() throws IOException {
    SpillConfig config = location.config(dirs);
    FrameCheck check = new FrameCheck(config);
    PrintWriter out = out();
    try (SpillStoreInspector inspector = location.open(config)) {
      List<Session> sessions = inspector.sessions();
      int total = 0;
      int ok = 0;
      int notVerified = 0;
      int changed = 0;
      List<Failure> corrupt = new ArrayList<>();
      List<Failure> again = new ArrayList<>();
      for (Session session : sessions) {
        for (Value value : session.values()) {
          total++;
          FrameCheck.Result result = check.check(inspector, session, value);
          switch (result.outcome()) {
            case OK -> ok++;
            case GONE -> changed++;
            case NOT_VERIFIED -> {
              notVerified++;
              out.println("NOT VERIFIED  " + session.name() + " " + segment(value) + ": " + result.detail());
            }
            case CORRUPT -> (session.owner() == Owner.DEAD ? corrupt : again).add(new Failure(session, value, result));
          }
        }
      }
      if (!again.isEmpty()) {
        List<Session> now = inspector.sessions();
        for (Failure failure : again) {
          Session session = find(now, failure.session().name());
          Value value = session == null ? null : find(session, failure.value().key());
          if (session == null || value == null) {
            changed++;
            continue;
          }
          FrameCheck.Result result = check.check(inspector, session, value);
          switch (result.outcome()) {
            case GONE -> changed++;
            case CORRUPT -> corrupt.add(new Failure(session, value, result));
            case OK -> {
              ok++;
              changed++;
            }
            case NOT_VERIFIED -> {
              notVerified++;
              out.println("NOT VERIFIED  " + session.name() + " " + segment(value) + ": " + result.detail());
            }
          }
        }
      }
      for (Failure failure : corrupt) {
        out.println("CORRUPT  " + failure.session().name() + " " + segment(failure.value()) + ": "
            + failure.result().reason() + ": " + failure.result().detail());
      }
      out.println("verify " + inspector.location() + ": " + sessions.size()
          + (sessions.size() == 1 ? " session, " : " sessions, ") + total + " segments: " + ok + " ok, "
          + corrupt.size() + " corrupt, " + notVerified + " not verified (encrypted or unreadable here), " + changed
          + " changed while read");
      return corrupt.isEmpty() ? SpillCli.OK : SpillCli.FINDINGS;
    }
  }
}
