package io.spillway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class S3SpillTest {
  @Test
  void main_withoutEndpoint_spillsToEmbeddedServerAndReloadsVerified() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      S3Spill.main(new String[0]);
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);

    assertThat(out).contains("started an embedded S3 server")
        .contains("to s3://spillway-example/spill-sessions/session-")
        .contains("verified identical")
        .containsPattern("stats: SpillStats\\{memory [0-9.]+ MiB of 24.0 MiB .*, spills [1-9][0-9]* \\(")
        .contains(", reloads 1 (6.0 MiB, 0 failed)");
  }
}
