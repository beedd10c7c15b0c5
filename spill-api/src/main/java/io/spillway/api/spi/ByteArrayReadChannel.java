package io.spillway.api.spi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.util.Objects;

/**
 * A read-only {@link SeekableByteChannel} over a byte array, for {@link SpillStore#openRead} implementations that
 * hold or fetch a stored value whole. The array is not copied: it must not change while the channel is in use.
 *
 * <p>Reads past the end return -1; a position past the end is allowed, as for files. Writing and truncating throw
 * {@link NonWritableChannelException}; every other call after {@link #close()} throws
 * {@link ClosedChannelException}. Not thread-safe: a channel is meant for one reader.
 */
public final class ByteArrayReadChannel implements SeekableByteChannel {
  private final byte[] bytes;
  private long position;
  private boolean open = true;

  /**
   * @param bytes the channel's content, not copied
   * @throws NullPointerException if {@code bytes} is null
   */
  public ByteArrayReadChannel(byte[] bytes) {
    this.bytes = Objects.requireNonNull(bytes, "bytes");
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    ensureOpen();
    if (position >= bytes.length) {
      return -1;
    }
    int n = (int) Math.min(dst.remaining(), bytes.length - position);
    dst.put(bytes, (int) position, n);
    position += n;
    return n;
  }

  /** Always throws {@link NonWritableChannelException}: the channel is read-only. */
  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public long position() throws IOException {
    ensureOpen();
    return position;
  }

  /** @throws IllegalArgumentException if {@code newPosition} is negative */
  @Override
  public SeekableByteChannel position(long newPosition) throws IOException {
    ensureOpen();
    if (newPosition < 0) {
      throw new IllegalArgumentException("position must not be negative, was " + newPosition);
    }
    position = newPosition;
    return this;
  }

  @Override
  public long size() throws IOException {
    ensureOpen();
    return bytes.length;
  }

  /** Always throws {@link NonWritableChannelException}: the channel is read-only. */
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

  private void ensureOpen() throws ClosedChannelException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }
}
