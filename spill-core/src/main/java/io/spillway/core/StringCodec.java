package io.spillway.core;

import io.spillway.api.SpillCodec;
import io.spillway.api.SpillException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** {@link SpillCodecs#string()}: strict UTF-8 both ways. Internal, may change. */
final class StringCodec implements SpillCodec<String> {
  static final StringCodec INSTANCE = new StringCodec();

  private StringCodec() {}

  @Override
  public byte[] encode(String value) {
    Objects.requireNonNull(value, "value");
    // String.getBytes would write '?' for an unpaired surrogate, and decode would then return another string.
    int bad = unpairedSurrogate(value);
    if (bad >= 0) {
      throw new SpillException(String.format(
          "Cannot encode a string of %d chars as UTF-8: it has an unpaired surrogate U+%04X at index %d",
          value.length(), (int) value.charAt(bad), bad));
    }
    return value.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String decode(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (isAscii(bytes)) {
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
    // A fresh decoder per call: decoders are stateful, and REPORT turns malformed input into an error instead of
    // U+FFFD, which would hand back a string other than the one encoded.
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    // UTF-8 never yields more chars than bytes (a 4-byte sequence is 2 chars), so this buffer cannot overflow.
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      throw new SpillException("Cannot decode a string: the bytes are not well-formed UTF-8 (" + result.length()
          + " malformed byte(s) at offset " + in.position() + " of " + bytes.length + ")");
    }
    if (result.isOverflow()) {
      throw new IllegalStateException("UTF-8 decoding of " + bytes.length + " bytes overflowed its buffer");
    }
    return new String(out.array(), 0, out.position());
  }

  @Override
  public long sizeOf(String value) {
    long n = value.length();
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) > 0xFF) {
        return SpillCodecs.STRING_OVERHEAD + 2 * n;
      }
    }
    return SpillCodecs.STRING_OVERHEAD + n;
  }

  @Override
  public String toString() {
    return "SpillCodecs.string()";
  }

  /** The index of the first surrogate that is not part of a high-low pair, or -1. */
  private static int unpairedSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean isAscii(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }
}
