package io.spillway.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/** Values, reads and file listings for the store contract suite. Stateless. */
final class StoreTestData {
  private StoreTestData() {}

  static byte[] randomBytes(int length, long seed) {
    byte[] bytes = new byte[length];
    new SplittableRandom(seed).nextBytes(bytes);
    return bytes;
  }

  static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] all = new byte[length];
    int offset = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, all, offset, part.length);
      offset += part.length;
    }
    return all;
  }

  static byte[] readFully(SeekableByteChannel channel) throws IOException {
    long remaining = channel.size() - channel.position();
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.max(0, remaining));
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) {
        break;
      }
    }
    assertThat(channel.read(ByteBuffer.allocate(1))).as("read past the end").isEqualTo(-1);
    return Arrays.copyOf(buffer.array(), buffer.position());
  }

  static List<Path> regularFilesUnder(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      return paths.filter(Files::isRegularFile).toList();
    }
  }

  /** {@code key} for a test name or message: control characters spelled out, long keys cut after 60 code points. */
  static String printable(String key) {
    StringBuilder out = new StringBuilder();
    key.codePoints().limit(60).forEach(cp -> {
      if (Character.isISOControl(cp)) {
        out.append(String.format("\\u%04x", cp));
      } else {
        out.appendCodePoint(cp);
      }
    });
    int codePoints = key.codePointCount(0, key.length());
    if (codePoints > 60) {
      out.append("... (").append(codePoints).append(" code points)");
    }
    return out.toString();
  }
}
