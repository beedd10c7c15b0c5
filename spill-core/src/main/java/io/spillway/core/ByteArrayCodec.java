package io.spillway.core;

import io.spillway.api.SpillCodec;
import java.util.Objects;

/** {@link SpillCodecs#bytes()}: the identity, with no copy. Internal, may change. */
final class ByteArrayCodec implements SpillCodec<byte[]> {
  static final ByteArrayCodec INSTANCE = new ByteArrayCodec();

  private ByteArrayCodec() {}

  @Override
  public byte[] encode(byte[] value) {
    // No copy: the manager only reads the array, and a spilled value is dropped (SpillCodecs, "Aliasing").
    return Objects.requireNonNull(value, "value");
  }

  @Override
  public byte[] decode(byte[] bytes) {
    return Objects.requireNonNull(bytes, "bytes");
  }

  @Override
  public long sizeOf(byte[] value) {
    return SpillCodecs.ARRAY_HEADER + (long) value.length;
  }

  @Override
  public String toString() {
    return "SpillCodecs.bytes()";
  }
}
