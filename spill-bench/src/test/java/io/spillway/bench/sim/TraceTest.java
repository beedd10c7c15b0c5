package io.spillway.bench.sim;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceTest {
  @TempDir
  Path dir;

  static Path gzip(Path file, String text) throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(text.getBytes(US_ASCII));
    }
    return file;
  }

  @Test
  void read_remapsKeysInOrderOfFirstUseAndKeepsSizes() throws IOException {
    Path file = gzip(dir.resolve("x.trace.gz"), "42 512\n7 100\n42 512\n\n9000000000 1");

    Trace trace = Trace.read(file);

    assertThat(trace.name).isEqualTo("x");
    assertThat(trace.keys).containsExactly(0, 1, 0, 2);
    assertThat(trace.sizes).containsExactly(512, 100, 512, 1);
    assertThat(trace.distinctKeys()).isEqualTo(3);
    assertThat(trace.distinctBytes()).isEqualTo(613);
    assertThat(trace.nextUse()).containsExactly(2, Trace.NEVER, Trace.NEVER, Trace.NEVER);
    assertThat(trace.names).containsExactly("0", "1", "2");
  }

  @Test
  void read_malformedLine_namesTheLine() throws IOException {
    Path file = gzip(dir.resolve("bad.trace.gz"), "1 1\n2 x\n");

    assertThatThrownBy(() -> Trace.read(file)).isInstanceOf(IOException.class).hasMessageContaining("line 2");
  }
}
