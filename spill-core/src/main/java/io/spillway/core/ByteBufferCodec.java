package io.spillway.core;

import io.spillway.api.SpillCodec;
import java.nio.ByteBuffer;
import java.util.Objects;

/** {@link SpillCodecs#byteBuffer()}: a buffer's remaining bytes. Internal, may change. */
final class ByteBufferCodec implements SpillCodec<ByteBuffer> {
  static final ByteBufferCodec INSTANCE = new ByteBufferCodec();

  private ByteBufferCodec() {}

  @Override
  public byte[] encode(ByteBuffer value) {
    Objects.requireNonNull(value, "value");
    byte[] out = new byte[value.remaining()];
    // An absolute bulk get leaves position, limit and mark alone, so even concurrent encodes of one buffer are safe.
    value.get(value.position(), out);
    return out;
  }

  @Override
  public ByteBuffer decode(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    return ByteBuffer.wrap(bytes);
  }

  @Override
  public long sizeOf(ByteBuffer value) {
    return SpillCodecs.BUFFER_OVERHEAD + (long) value.remaining();
  }

  @Override
  public String toString() {
    return "SpillCodecs.byteBuffer()";
  }
}
