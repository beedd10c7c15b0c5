package io.spillway.store.file;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A read-only view of one value: {@code size} bytes from {@code start} of a log file, read with positional reads.
 *
 * <p>It holds a reference on the file from creation to {@link #close()}, so the bytes stay readable even if the
 * value is deleted, replaced or moved by compaction meanwhile, or the store is closed: the file is deleted only once
 * its last reader is done. A read into a heap buffer takes at most {@value BufferPool#BUFFER_BYTES} bytes at a
 * time (see {@link BufferPool} for why); callers loop, as a channel's callers do anyway.
 *
 * <p>Not thread-safe: a channel is meant for one reader, as a file channel's position is. Internal, may change.
 */
final class LogReadChannel implements SeekableByteChannel {
  private final LogFile file;
  private final long start;
  private final long size;
  private long position;
  private boolean open = true;

  /** Takes over a reference the caller holds on {@code file}; {@link #close()} drops it. */
  LogReadChannel(LogFile file, long start, long size) {
    this.file = file;
    this.start = start;
    this.size = size;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    ensureOpen();
    if (position >= size) {
      return -1;
    }
    long left = size - position;
    int wanted = (int) Math.min(dst.remaining(), dst.isDirect() ? left : Math.min(left, BufferPool.BUFFER_BYTES));
    if (wanted == 0) {
      return 0;
    }
    ByteBuffer view = dst.slice(dst.position(), wanted);
    int n = file.read(view, start + position);
    if (n < 0) {
      // The index only points at whole records, so a short file means it was changed behind the store's back.
      throw new EOFException("Log file " + file.path() + " ends at byte " + (start + position) + ", inside a value of "
          + size + " bytes that starts at byte " + start);
    }
    dst.position(dst.position() + n);
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
    return size;
  }

  /** Always throws {@link NonWritableChannelException}: the channel is read-only. */
  @Override
  public SeekableByteChannel truncate(long newSize) {
    throw new NonWritableChannelException();
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    if (open) {
      open = false;
      file.unpin();
    }
  }

  private void ensureOpen() throws ClosedChannelException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }
}
