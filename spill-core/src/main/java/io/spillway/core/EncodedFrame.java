package io.spillway.core;

import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * A frame to write, from {@link SpillFrames#encodeFrame}: its buffers, the serial of its encryption (or
 * {@link SpillFrames#NOT_SEALED}), and {@link #release()} to give an encrypted frame's array back for reuse once the
 * buffers are written. Not thread-safe: one writer uses it, once.
 */
public final class EncodedFrame {
  private final ByteBuffer[] buffers;
  private final long serial;
  private final byte @Nullable [] pooled;
  private final @Nullable RegionPool pool;

  EncodedFrame(ByteBuffer[] buffers, long serial, byte @Nullable [] pooled, @Nullable RegionPool pool) {
    this.buffers = buffers;
    this.serial = serial;
    this.pooled = pooled;
    this.pool = pool;
  }

  /** The buffers to write one after another. */
  public ByteBuffer[] buffers() {
    return buffers;
  }

  /** The bytes the buffers hold together: the frame's length. */
  public long length() {
    long length = 0;
    for (ByteBuffer buffer : buffers) {
      length += buffer.remaining();
    }
    return length;
  }

  /** The serial of the frame's encryption, or {@link SpillFrames#NOT_SEALED}. */
  public long serial() {
    return serial;
  }

  /**
   * Gives the array behind an encrypted frame's payload back to its {@code SpillFrames}, for later frames: call it
   * once the buffers were written (or will not be), and read them no more. A frame that is not encrypted has none;
   * not calling it only costs a new array next time.
   */
  public void release() {
    byte[] array = pooled;
    RegionPool owner = pool;
    if (array != null && owner != null) {
      owner.give(array);
    }
  }
}
