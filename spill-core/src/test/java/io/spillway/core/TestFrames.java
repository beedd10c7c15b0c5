package io.spillway.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/** Builds frames byte by byte from the format, independently of {@link SpillFrames}, for tests. */
final class TestFrames {
  static final byte[] DIGITS = "123456789".getBytes(StandardCharsets.US_ASCII);

  private TestFrames() {}

  static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex.replace(" ", ""));
  }

  /** The bytes of the buffers, concatenated, without consuming them. */
  static byte[] concat(ByteBuffer... chunks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ByteBuffer chunk : chunks) {
      ByteBuffer copy = chunk.duplicate();
      byte[] bytes = new byte[copy.remaining()];
      copy.get(bytes);
      out.writeBytes(bytes);
    }
    return out.toByteArray();
  }

  /** A RedDB v1/v2 frame with the given stored checksum and declared length. */
  static byte[] legacy(int version, int checksum, long declaredLength, byte[] payload) {
    return ByteBuffer.allocate(17 + payload.length).order(ByteOrder.LITTLE_ENDIAN)
        .put("SPIL".getBytes(StandardCharsets.US_ASCII)).put((byte) version).putInt(checksum)
        .putLong(declaredLength).put(payload).array();
  }

  /** A v3 frame with CRC-32C checksums (codec id as given), fields as given; the header checksum is correct. */
  static byte[] v3(int flags, int codecId, int compression, byte[] name, long declaredLength, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(26 + name.length + payload.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put("SPIL".getBytes(StandardCharsets.US_ASCII)).put((byte) 3).put((byte) flags).put((byte) codecId)
        .put((byte) compression).putShort((short) name.length).putLong(declaredLength).put(name);
    b.putInt(crc32c(b.array(), 0, 18 + name.length));
    b.put(payload).putInt(crc32c(payload, 0, payload.length));
    return b.array();
  }

  /**
   * A v3 frame with CRC-32C checksums carrying a registered size (the flags as given, normally 0x01), fields as
   * given; the header checksum, over the size too, is correct.
   */
  static byte[] v3Sized(int flags, byte[] name, long declaredLength, long registeredSize, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(34 + name.length + payload.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put("SPIL".getBytes(StandardCharsets.US_ASCII)).put((byte) 3).put((byte) flags).put((byte) 2)
        .put((byte) 0).putShort((short) name.length).putLong(declaredLength).put(name).putLong(registeredSize);
    b.putInt(crc32c(b.array(), 0, 26 + name.length));
    b.put(payload).putInt(crc32c(payload, 0, payload.length));
    return b.array();
  }

  static byte[] v3(String name, byte[] payload) {
    byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
    return v3(0, 2, 0, utf8, payload.length, payload);
  }

  static int crc32c(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }

  /** An in-memory channel that hands out at most {@code chunk} bytes per read, to exercise partial reads. */
  static final class ByteArrayChannel implements SeekableByteChannel {
    private final byte[] bytes;
    private final int chunk;
    private long position;
    private long bytesRead;
    private boolean open = true;

    ByteArrayChannel(byte[] bytes, int chunk) {
      this.bytes = bytes;
      this.chunk = chunk;
    }

    /** How many bytes were handed out so far. */
    long bytesRead() {
      return bytesRead;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      if (!open) {
        throw new ClosedChannelException();
      }
      if (position >= bytes.length) {
        return -1;
      }
      int n = (int) Math.min(Math.min(dst.remaining(), chunk), bytes.length - position);
      dst.put(bytes, (int) position, n);
      position += n;
      bytesRead += n;
      return n;
    }

    @Override
    public int write(ByteBuffer src) {
      throw new NonWritableChannelException();
    }

    @Override
    public long position() {
      return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) {
      position = newPosition;
      return this;
    }

    @Override
    public long size() {
      return bytes.length;
    }

    @Override
    public SeekableByteChannel truncate(long size) {
      throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() {
      open = false;
    }
  }
}
