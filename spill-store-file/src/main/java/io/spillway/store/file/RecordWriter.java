package io.spillway.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Puts record bytes at a reserved position of a log file: a new record from the caller's buffers, or a copy of one
 * from another file. Heap bytes go through the pool's direct buffers (see {@link BufferPool} for why); large direct
 * buffers go straight to the file.
 *
 * <p>Thread-safe: it holds no state beyond the pool, and writers write at disjoint positions. Internal, may change.
 */
final class RecordWriter {
  /** A direct chunk at least this large is written as it is rather than copied into a pooled buffer. */
  private static final int DIRECT_PASS_THROUGH = 64 * 1024;

  private final BufferPool pool;

  RecordWriter(BufferPool pool) {
    this.pool = pool;
  }

  /**
   * Writes {@code header} and then every remaining byte of {@code chunks} at {@code position}, consuming the chunks.
   *
   * @return the bytes written
   */
  long write(LogFile file, long position, ByteBuffer header, ByteBuffer[] chunks) throws IOException {
    ByteBuffer staging = pool.take();
    try {
      long at = position;
      staging.put(header);
      for (ByteBuffer chunk : chunks) {
        if (chunk.isDirect() && chunk.remaining() >= DIRECT_PASS_THROUGH) {
          at = flush(file, staging, at);
          int length = chunk.remaining();
          file.writeFully(chunk, at);
          at += length;
          continue;
        }
        while (chunk.hasRemaining()) {
          int n = Math.min(chunk.remaining(), staging.remaining());
          staging.put(chunk.slice(chunk.position(), n));
          chunk.position(chunk.position() + n);
          if (!staging.hasRemaining()) {
            at = flush(file, staging, at);
          }
        }
      }
      at = flush(file, staging, at);
      return at - position;
    } finally {
      pool.give(staging);
    }
  }

  /**
   * Writes {@code prefix} at {@code to} of {@code target}, followed by a copy of the {@code length} bytes at
   * {@code from} of {@code source}.
   */
  void copy(ByteBuffer prefix, LogFile source, long from, LogFile target, long to, long length) throws IOException {
    ByteBuffer staging = pool.take();
    try {
      staging.put(prefix);
      long read = 0;
      long at = to;
      do {
        int n = (int) Math.min(staging.remaining(), length - read);
        staging.limit(staging.position() + n);
        source.readFully(staging, from + read);
        read += n;
        at = flush(target, staging, at);
      } while (read < length);
    } finally {
      pool.give(staging);
    }
  }

  private static long flush(LogFile file, ByteBuffer staging, long at) throws IOException {
    staging.flip();
    int length = staging.remaining();
    if (length > 0) {
      file.writeFully(staging, at);
    }
    staging.clear();
    return at + length;
  }
}
