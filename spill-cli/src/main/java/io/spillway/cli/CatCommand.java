package io.spillway.cli;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillStoreInspector;
import io.spillway.api.spi.SpillStoreInspector.Session;
import io.spillway.api.spi.SpillStoreInspector.Value;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cat}: one segment's verified payload to standard output. Internal, may change. */
@Command(name = "cat", mixinStandardHelpOptions = true,
    description = {"Writes the payload of one segment to standard output, verified as a reload verifies it (and "
        + "decompressed, and decrypted with --key-file); nothing is written for a segment that is absent, corrupt "
        + "or cannot be verified, which exits 1 with a message naming it. Reads only."})
final class CatCommand extends InspectingCommand {
  @Parameters(index = "0", paramLabel = "SESSION",
      description = "The session, as ls names it (a persistent one also by its own name).")
  String session = "";

  @Parameters(index = "1", paramLabel = "SEGMENT",
      description = "The segment's name (for a value whose name the store does not know, its stored name).")
  String segment = "";

  @Override
  public Integer call() throws IOException {
    SpillConfig config = location.config(List.of());
    try (SpillStoreInspector inspector = location.open(config)) {
      Session found = find(inspector.sessions(), session);
      if (found == null) {
        err().println("spill-cli cat: no session " + quote(session) + " in " + inspector.location());
        return SpillCli.FINDINGS;
      }
      Value value = find(found, segment);
      if (value == null) {
        err().println("spill-cli cat: no segment " + quote(segment) + " in session " + found.name() + " of "
            + inspector.location());
        return SpillCli.FINDINGS;
      }
      FrameCheck.Result result = new FrameCheck(config).check(inspector, found, value);
      if (result.outcome() != FrameCheck.Outcome.OK) {
        String what = result.outcome() == FrameCheck.Outcome.CORRUPT ? "is corrupt: " + result.reason() + ": "
            : result.outcome() == FrameCheck.Outcome.GONE ? "is " : "cannot be verified: ";
        err().println("spill-cli cat: segment " + segment(value) + " of session " + found.name() + " " + what
            + result.detail() + "; nothing written");
        return SpillCli.FINDINGS;
      }
      OutputStream out = cli().binaryOut();
      out.write(Objects.requireNonNull(result.payload(), "a verified frame has a payload"));
      out.flush();
      return SpillCli.OK;
    }
  }
}
