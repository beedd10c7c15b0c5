package io.spillway.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code spill-cli}: lists, verifies, prints and cleans up the sessions Spillway's stores keep in spill directories
 * and under S3 prefixes.
 *
 * <pre>{@code
 * java -jar spill-cli/target/spill-cli-<version>.jar ls /var/tmp/app-spill
 * java -jar spill-cli/target/spill-cli-<version>.jar verify /var/tmp/app-spill      # exit 1 names each corrupt one
 * java -jar spill-cli/target/spill-cli-<version>.jar cat -d /var/tmp/app-spill persistent-index part-7 > part-7.bin
 * java -jar spill-cli/target/spill-cli-<version>.jar gc /var/tmp/app-spill
 * java -jar spill-cli/target/spill-cli-<version>.jar ls --s3-bucket b --s3-endpoint http://127.0.0.1:9000
 * }</pre>
 *
 * <p>Exit codes: {@value #OK} when all is well, {@value #FINDINGS} when the command found what it looks for (a corrupt
 * segment; for {@code cat}, a segment absent or corrupt), {@value #USAGE} for a usage error or a location that
 * cannot be read (a missing directory, an unreachable server, a bad option), with one line on standard error and no
 * stack trace unless {@code --verbose}.
 *
 * <p>The commands read through {@link io.spillway.api.spi.SpillStoreProvider#inspect}, which never disturbs a live
 * session's owner, and verify with the core's frame decoder. Not thread-safe: one run per instance.
 */
@Command(name = "spill-cli", mixinStandardHelpOptions = true, versionProvider = SpillCli.Version.class,
    description = "Lists, verifies, prints and cleans up the sessions of Spillway spill directories and S3 prefixes.",
    subcommands = {ListCommand.class, VerifyCommand.class, CatCommand.class, GcCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:all is well", "1:findings: a corrupt segment (verify), a segment absent or corrupt (cat)",
        "2:usage error, or a location that cannot be read"})
public final class SpillCli implements Runnable {
  /** Exit code when all is well: {@value}. */
  public static final int OK = 0;
  /** Exit code when the command found a problem in the store (a corrupt or absent segment): {@value}. */
  public static final int FINDINGS = 1;
  /** Exit code of a usage error or a location that cannot be read: {@value}. */
  public static final int USAGE = 2;

  private final OutputStream binaryOut;

  @Spec
  @Nullable CommandSpec spec;

  private SpillCli(OutputStream binaryOut) {
    this.binaryOut = binaryOut;
  }

  /** Where {@code cat} writes a payload's bytes: standard output, as bytes rather than text. */
  OutputStream binaryOut() {
    return binaryOut;
  }

  /**
   * The tool's command line, printing text to {@code out} and {@code err} and {@code cat}'s payloads to
   * {@code binaryOut}; {@link CommandLine#execute} runs one command and returns its exit code.
   */
  static CommandLine commandLine(OutputStream binaryOut, PrintWriter out, PrintWriter err) {
    CommandLine commandLine = new CommandLine(new SpillCli(binaryOut));
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setExecutionExceptionHandler(SpillCli::failed);
    return commandLine;
  }

  /** Runs the tool with {@code args} and exits with its exit code. */
  public static void main(String[] args) {
    // The stores report removals and recoveries at INFO through System.Logger; the tool says what it did itself.
    Logger.getLogger("").setLevel(Level.WARNING);
    PrintStream stdout = System.out;
    int code = commandLine(stdout, new PrintWriter(stdout, true), new PrintWriter(System.err, true)).execute(args);
    stdout.flush();
    System.exit(code);
  }

  /** Without a subcommand: the usage. */
  @Override
  public void run() {
    CommandSpec command = Objects.requireNonNull(spec, "picocli injects the spec");
    throw new CommandLine.ParameterException(command.commandLine(), "Name a command: ls, verify, cat or gc");
  }

  /** One line for a failure that kept a command from running (the stack trace too with --verbose): exit 2. */
  private static int failed(Exception e, CommandLine commandLine, ParseResult parsed) {
    PrintWriter err = commandLine.getErr();
    err.println("spill-cli " + commandLine.getCommandName() + ": " + describe(e));
    if (verbose(parsed)) {
      e.printStackTrace(err);
    } else {
      err.println("(--verbose prints the stack trace)");
    }
    err.flush();
    return USAGE;
  }

  private static String describe(Exception e) {
    if (e instanceof NoSuchFileException missing) {
      return "no such file or directory: " + missing.getFile()
          + (missing.getReason() != null ? " (" + missing.getReason() + ")" : "");
    }
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.toString() : message.replace('\n', ' ');
  }

  private static boolean verbose(ParseResult parsed) {
    for (ParseResult at = parsed; at != null; at = at.subcommand()) {
      if (at.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  /** The version, from the jar's manifest when there is one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = SpillCli.class.getPackage().getImplementationVersion();
      return new String[] {"spill-cli " + (version != null ? version : "(development build)")};
    }
  }
}
