package io.spillway.compress;

import io.spillway.api.SpillConfig;
import io.spillway.core.SpillFrames;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

/** Helpers of the compression tests: writers, payloads, frame surgery. */
final class Frames {
  private Frames() {}

  static SpillFrames writer(String compression) {
    return SpillFrames.create(SpillConfig.builder().compression(compression).build());
  }

  static byte[] concat(ByteBuffer[] chunks) {
    int length = 0;
    for (ByteBuffer chunk : chunks) {
      length += chunk.remaining();
    }
    ByteBuffer out = ByteBuffer.allocate(length);
    for (ByteBuffer chunk : chunks) {
      out.put(chunk.duplicate());
    }
    return out.array();
  }

  static byte[] random(int length, long seed) {
    byte[] bytes = new byte[length];
    new SplittableRandom(seed).nextBytes(bytes);
    return bytes;
  }

  /** JSON-like records: compressible text, as a cache of serialised objects holds. */
  static byte[] json(int length, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    StringBuilder out = new StringBuilder(length + 200);
    for (int i = 0; out.length() < length; i++) {
      out.append("{\"id\":").append(i).append(",\"name\":\"user-").append(random.nextInt(100_000))
          .append("\",\"active\":").append(random.nextBoolean()).append(",\"score\":")
          .append(random.nextInt(1000)).append("},\n");
    }
    byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
    return java.util.Arrays.copyOf(bytes, length);
  }

  /**
   * Zeros, except random bytes in the four 4 KiB slices {@code auto}'s sample reads (start, end, evenly between): a
   * payload the sample calls incompressible although, whole, it shrinks to a few percent.
   */
  static byte[] sampledSlicesRandom(int length, long seed) {
    byte[] bytes = new byte[length];
    SplittableRandom random = new SplittableRandom(seed);
    int slice = 4096;
    for (int i = 0; i < 4; i++) {
      int from = (int) ((long) (length - slice) * i / 3);
      for (int j = from; j < from + slice; j++) {
        bytes[j] = (byte) random.nextInt(256);
      }
    }
    return bytes;
  }

  /** The compression id byte of a v3 frame. */
  static int compressionId(byte[] frame) {
    return frame[7] & 0xFF;
  }

  /** Where the payload region of a v3 frame without registered size starts. */
  static int payloadStart(byte[] frame) {
    int nameLength = (frame[8] & 0xFF) | (frame[9] & 0xFF) << 8;
    return 22 + nameLength + ((frame[5] & 1) != 0 ? 8 : 0);
  }

  /**
   * A copy of a compressed crc32c frame whose declared expanded length is {@code declared}, with its payload
   * checksum recomputed so that it verifies: a writer that lies, not a damaged frame.
   */
  static byte[] withExpandedLength(byte[] frame, long declared) {
    byte[] out = frame.clone();
    int start = payloadStart(out);
    ByteBuffer.wrap(out, start, 4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) declared);
    return withPayloadChecksum(out);
  }

  /** {@code frame} with its trailing payload checksum (crc32c) recomputed over its payload region. */
  static byte[] withPayloadChecksum(byte[] frame) {
    int start = payloadStart(frame);
    int end = frame.length - 4;
    CRC32C crc = new CRC32C();
    crc.update(frame, start, end - start);
    ByteBuffer.wrap(frame, end, 4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue());
    return frame;
  }
}
