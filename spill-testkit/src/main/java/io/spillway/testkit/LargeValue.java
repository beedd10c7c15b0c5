package io.spillway.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;

/**
 * A large value made of read-only views into one pseudo-random pattern at varying offsets, so that it costs a
 * few MiB of memory whatever its size, yet every chunk differs and a reordered, repeated or shifted chunk is
 * detected when the value is streamed back. Used by {@link SpillStoreContractTest}; not thread-safe.
 */
final class LargeValue {
  private static final int CHUNK = 4 * 1024 * 1024;
  private static final int PATTERN = 2 * CHUNK;

  private final byte[] pattern = StoreTestData.randomBytes(PATTERN, 29);
  private final long size;

  LargeValue(long size) {
    this.size = size;
  }

  private int chunkCount() {
    return (int) ((size + CHUNK - 1) / CHUNK);
  }

  private int chunkLength(int index) {
    return (int) Math.min(CHUNK, size - (long) index * CHUNK);
  }

  private static int chunkOffset(int index) {
    return (int) ((index * 131_071L) % CHUNK);
  }

  ByteBuffer[] chunks() {
    ByteBuffer[] chunks = new ByteBuffer[chunkCount()];
    for (int i = 0; i < chunks.length; i++) {
      chunks[i] = ByteBuffer.wrap(pattern, chunkOffset(i), chunkLength(i)).asReadOnlyBuffer();
    }
    return chunks;
  }

  void assertMatches(SeekableByteChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(1024 * 1024);
    long position = 0;
    while (true) {
      buffer.clear();
      int n = channel.read(buffer);
      if (n < 0) {
        break;
      }
      int done = 0;
      while (done < n) {
        if (position >= size) {
          fail("stored value is longer than the %d bytes written", size);
        }
        int index = (int) (position / CHUNK);
        int within = (int) (position % CHUNK);
        int length = Math.min(n - done, chunkLength(index) - within);
        int from = chunkOffset(index) + within;
        int mismatch = Arrays.mismatch(buffer.array(), done, done + length, pattern, from, from + length);
        if (mismatch >= 0) {
          fail("stored value differs from the written one at byte %d", position + mismatch);
        }
        done += length;
        position += length;
      }
    }
    assertThat(position).as("bytes read back").isEqualTo(size);
  }
}
