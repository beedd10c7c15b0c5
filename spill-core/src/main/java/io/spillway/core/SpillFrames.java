package io.spillway.core;

import io.spillway.api.CorruptSegmentException;
import io.spillway.api.CorruptSegmentException.Reason;
import io.spillway.api.SpillConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.util.zip.CRC32;

/**
 * THROWAWAY stand-in for the real SpillFrames (branch frames): writes RedDB v2 frames only. Deleted before main
 * is merged.
 */
public final class SpillFrames {
  private static final int HEADER = 17;

  private SpillFrames() {}

  /** A framer for {@code config}. */
  public static SpillFrames create(SpillConfig config) {
    return new SpillFrames();
  }

  /** Frames {@code payload}. */
  public ByteBuffer[] encode(String segment, byte[] payload) {
    CRC32 crc = new CRC32();
    crc.update(payload);
    ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
    header.put(new byte[] {'S', 'P', 'I', 'L', 2}).putInt((int) crc.getValue()).putLong(payload.length).flip();
    return new ByteBuffer[] {header, ByteBuffer.wrap(payload)};
  }

  /** Decodes a frame from {@code channel}. */
  public byte[] decode(String segment, SeekableByteChannel channel) throws IOException {
    long size = channel.size();
    if (size > Integer.MAX_VALUE - 8) {
      throw new CorruptSegmentException(Reason.LENGTH_OVERFLOW, segment, "frame too large");
    }
    ByteBuffer all = ByteBuffer.allocate((int) size);
    while (all.hasRemaining() && channel.read(all) >= 0) {
      // keep reading
    }
    try {
      return decode(all.array());
    } catch (CorruptSegmentException e) {
      throw e.forSegment(segment);
    }
  }

  /** Decodes a whole frame. */
  public static byte[] decode(byte[] frame) {
    if (frame.length < HEADER) {
      throw new CorruptSegmentException(Reason.TRUNCATED, "short header");
    }
    ByteBuffer b = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
    if (b.get() != 'S' || b.get() != 'P' || b.get() != 'I' || b.get() != 'L') {
      throw new CorruptSegmentException(Reason.BAD_MAGIC, "bad magic");
    }
    if (b.get() != 2) {
      throw new CorruptSegmentException(Reason.UNSUPPORTED_VERSION, "version");
    }
    int expected = b.getInt();
    long length = b.getLong();
    if (length != frame.length - HEADER) {
      throw new CorruptSegmentException(Reason.TRUNCATED, "length");
    }
    byte[] payload = new byte[(int) length];
    b.get(payload);
    CRC32 crc = new CRC32();
    crc.update(payload);
    if ((int) crc.getValue() != expected) {
      throw new CorruptSegmentException(Reason.CHECKSUM_MISMATCH, "crc");
    }
    return payload;
  }
}
