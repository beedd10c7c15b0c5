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

  @Test
  void read_takesNegativeKeysAndStringKeys_asDistinctKeys() throws IOException {
    Path file = gzip(dir.resolve("hashes.trace.gz"), "-7642028453680059184 64\nuser:42 10\n-7642028453680059184 64\n"
        + "7 1\n007 1\n+7 1\n-7 1\n99999999999999999999 2\nuser:42 10\n");

    Trace trace = Trace.read(file);

    assertThat(trace.keys).containsExactly(0, 1, 0, 2, 2, 2, 3, 4, 1);
    assertThat(trace.sizes).containsExactly(64, 10, 64, 1, 1, 1, 1, 2, 10);
    assertThat(trace.distinctKeys()).isEqualTo(5);
  }

  @Test
  void read_takesPlainTextAndTabs_whateverTheFileIsCalled() throws IOException {
    Path file = Files.writeString(dir.resolve("plain.trace"), "a\t5\n  b   6  \n\n\ta 5\r\n");

    Trace trace = Trace.read(file);

    assertThat(trace.name).isEqualTo("plain");
    assertThat(trace.keys).containsExactly(0, 1, 0);
    assertThat(trace.sizes).containsExactly(5, 6, 5);
  }

  @Test
  void read_badSizesAndExtraFields_nameTheLineAndTheProblem() throws IOException {
    assertThatThrownBy(() -> Trace.read(Files.writeString(dir.resolve("a"), "1 1\n2 -5\n")))
        .hasMessageEndingWith("a line 2: expected a size in bytes, got '-5'");
    assertThatThrownBy(() -> Trace.read(Files.writeString(dir.resolve("b"), "k 1 extra\n")))
        .hasMessageEndingWith("b line 1: expected '<key> <size>'");
    assertThatThrownBy(() -> Trace.read(Files.writeString(dir.resolve("c"), "k\n")))
        .hasMessageEndingWith("c line 1: expected '<key> <size>'");
    assertThatThrownBy(() -> Trace.read(Files.writeString(dir.resolve("d"), "k 4294967296\n")))
        .hasMessageEndingWith("d line 1: size too large: 4294967296");
  }
}
