package io.spillway.core.testing;

import io.spillway.api.SpillCodec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Test codec for {@code byte[]}: a copy each way, sized by length. Also makes self-checking values: {@link #value}
 * derives every byte from a tag, and {@link #tagOf} recovers the tag or fails if any byte is off.
 */
public final class BytesCodec implements SpillCodec<byte[]> {
  public static final BytesCodec INSTANCE = new BytesCodec();

  private BytesCodec() {}

  @Override
  public byte[] encode(byte[] value) {
    return value.clone();
  }

  @Override
  public byte[] decode(byte[] bytes) {
    return bytes.clone();
  }

  @Override
  public long sizeOf(byte[] value) {
    return value.length;
  }

  /** {@code length} bytes derived from {@code tag} (at least 8 bytes: the tag's hash is stored first). */
  public static byte[] value(String tag, int length) {
    byte[] bytes = new byte[Math.max(8, length)];
    long seed = seed(tag);
    for (int i = 0; i < 8; i++) {
      bytes[i] = (byte) (seed >>> (8 * i));
    }
    for (int i = 8; i < bytes.length; i++) {
      bytes[i] = (byte) (seed * 31 + i * 7);
    }
    return bytes;
  }

  /** Whether {@code bytes} is exactly {@code value(tag, bytes.length)}. */
  public static boolean matches(byte[] bytes, String tag, int length) {
    return bytes.length == Math.max(8, length) && Arrays.equals(bytes, value(tag, length));
  }

  private static long seed(String tag) {
    long h = 1125899906842597L;
    for (byte b : tag.getBytes(StandardCharsets.UTF_8)) {
      h = 31 * h + b;
    }
    return h;
  }
}
