package io.spillway.cli;

import com.google.common.primitives.Bytes;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Runs the tool in this JVM, as {@code java -jar} would, capturing its text, its binary output and its exit code. */
final class Cli {
  /** One run: exit code, standard output as text and as bytes (cat), standard error. */
  record Run(int code, String out, byte[] bytes, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- out\n" + out + "\n--- err\n" + err;
    }
  }

  private Cli() {}

  static Run run(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = SpillCli.commandLine(bytes, new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new Run(code, out.toString(), bytes.toByteArray(), err.toString());
  }

  /** Flips one byte in the middle of the first place {@code payload} is found among the files under {@code dir}. */
  static Path corrupt(Path dir, byte[] payload) throws Exception {
    try (var files = Files.walk(dir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        byte[] content = Files.readAllBytes(file);
        int at = Bytes.indexOf(content, payload);
        if (at >= 0) {
          content[at + payload.length / 2] ^= 0x40;
          Files.write(file, content);
          return file;
        }
      }
    }
    throw new AssertionError("no file under " + dir + " holds the payload " + Arrays.toString(payload));
  }
}
