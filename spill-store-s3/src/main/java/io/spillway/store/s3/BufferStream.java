package io.spillway.store.s3;

import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * An input stream over the remaining bytes of some buffers, read through duplicates so that the buffers themselves
 * are untouched and a retried request can read them again. Not thread-safe.
 *
 * <p>Internal, may change.
 */
final class BufferStream extends InputStream {
  private final ByteBuffer[] buffers;
  private int index;

  BufferStream(ByteBuffer[] buffers) {
    this.buffers = new ByteBuffer[buffers.length];
    for (int i = 0; i < buffers.length; i++) {
      this.buffers[i] = buffers[i].duplicate();
    }
  }

  @Override
  public int read() {
    while (index < buffers.length) {
      if (buffers[index].hasRemaining()) {
        return buffers[index].get() & 0xff;
      }
      index++;
    }
    return -1;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (len == 0) {
      return 0;
    }
    while (index < buffers.length && !buffers[index].hasRemaining()) {
      index++;
    }
    if (index == buffers.length) {
      return -1;
    }
    ByteBuffer current = buffers[index];
    int n = Math.min(len, current.remaining());
    current.get(b, off, n);
    return n;
  }

  @Override
  public int available() {
    long total = 0;
    for (int i = index; i < buffers.length; i++) {
      total += buffers[i].remaining();
    }
    return (int) Math.min(Integer.MAX_VALUE, total);
  }
}
