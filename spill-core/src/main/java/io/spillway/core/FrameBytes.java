package io.spillway.core;

import io.spillway.api.CorruptSegmentException;
import io.spillway.api.CorruptSegmentException.Reason;
import io.spillway.api.spi.ChecksumCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;
import java.util.zip.Checksum;
import org.jspecify.annotations.Nullable;

/**
 * The byte-level helpers of {@link SpillFrames}: checksums and their verification, little-endian reads, the frame
 * prefix a header is parsed from, and the renderings used in messages. Thread-safe, except each prefix, which
 * belongs to one decode.
 */
final class FrameBytes {
  private FrameBytes() {}

  /** The start of a frame, made available a few bytes at a time so that nothing is read past the header. */
  interface Prefix {
    /** Makes up to the first {@code n} bytes available in {@link #bytes()}; returns how many are (fewer at the end). */
    int fill(int n) throws IOException;

    /** Holds the bytes made available, from offset 0; may be a new array after each {@link #fill}. */
    byte[] bytes();
  }

  /** A whole frame in an array. */
  static final class ArrayPrefix implements Prefix {
    private final byte[] frame;

    ArrayPrefix(byte[] frame) {
      this.frame = frame;
    }

    @Override
    public int fill(int n) {
      return Math.min(n, frame.length);
    }

    @Override
    public byte[] bytes() {
      return frame;
    }
  }

  /**
   * A frame read from a channel, from its position on. {@link #fill} reads exactly the bytes asked for, so after a
   * header has been parsed the channel stands at the first byte after it.
   */
  static final class ChannelPrefix implements Prefix {
    private final SeekableByteChannel channel;
    private final long start;
    private byte[] bytes = new byte[64];
    private int have;

    ChannelPrefix(SeekableByteChannel channel, long start) {
      this.channel = channel;
      this.start = start;
    }

    @Override
    public int fill(int n) throws IOException {
      if (n > bytes.length) {
        bytes = Arrays.copyOf(bytes, n);
      }
      while (have < n) {
        int read = channel.read(ByteBuffer.wrap(bytes, have, n - have));
        if (read < 0) {
          break;
        }
        have += read;
      }
      return Math.min(have, n);
    }

    @Override
    public byte[] bytes() {
      return bytes;
    }

    /** The bytes from the frame's start to the channel's end. */
    long frameLength() throws IOException {
      return channel.size() - start;
    }
  }

  /** Throws {@link Reason#CHECKSUM_MISMATCH} (both values) unless {@code codec} over the range gives {@code stored}. */
  static void verify(ChecksumCodec codec, byte[] bytes, int offset, int length, int stored, String what,
      @Nullable String segment) {
    int computed;
    try {
      computed = compute(codec, bytes, offset, length);
    } catch (RuntimeException e) {
      throw corrupt(Reason.UNSUPPORTED_ENCODING, segment,
          "checksum codec '" + codec.name() + "' failed: " + e, e);
    }
    if (computed != stored) {
      throw new CorruptSegmentException(Reason.CHECKSUM_MISMATCH, segment,
          String.format("%s checksum mismatch (%s): stored 0x%08x, computed 0x%08x", what, codec.name(), stored,
              computed));
    }
  }

  static int compute(ChecksumCodec codec, byte[] bytes, int offset, int length) {
    Checksum checksum = codec.newChecksum();
    checksum.update(bytes, offset, length);
    return (int) checksum.getValue();
  }

  /** Fills {@code into} from {@code channel}; a channel that ends first is {@link Reason#TRUNCATED}. */
  static void readFully(SeekableByteChannel channel, ByteBuffer into, String segment) throws IOException {
    while (into.hasRemaining()) {
      if (channel.read(into) < 0) {
        throw new CorruptSegmentException(Reason.TRUNCATED, segment,
            "the frame shrank while it was read: " + into.remaining() + " bytes are missing");
      }
    }
  }

  static CorruptSegmentException corrupt(Reason reason, @Nullable String segment, String detail,
      Throwable cause) {
    CorruptSegmentException e = new CorruptSegmentException(reason, segment, detail);
    e.initCause(cause);
    return e;
  }

  static int intAt(byte[] b, int at) {
    return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
  }

  static long longAt(byte[] b, int at) {
    return (intAt(b, at) & 0xFFFF_FFFFL) | (long) intAt(b, at + 4) << 32;
  }

  /** The first {@code length} bytes in hex, for a message. */
  static String hex(byte[] b, int length) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < length; i++) {
      out.append(i == 0 ? "" : " ").append(String.format("%02x", b[i] & 0xFF));
    }
    return length == 0 ? "(nothing)" : out.toString();
  }

  /** A name from a frame, fit for a message: control characters escaped, at most 80 code points. */
  static String printable(String name) {
    StringBuilder out = new StringBuilder();
    name.codePoints().limit(80).forEach(cp -> {
      if (Character.isISOControl(cp)) {
        out.append(String.format("\\u%04x", cp));
      } else {
        out.appendCodePoint(cp);
      }
    });
    return name.codePointCount(0, name.length()) > 80 ? out + "..." : out.toString();
  }
}
