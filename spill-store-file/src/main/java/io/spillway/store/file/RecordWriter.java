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

  /** Something to do between a value's bytes and its header: a force, with fsync. */
  @FunctionalInterface
  interface Step {
    void run() throws IOException;
  }

  /**
   * Writes {@code header} and then every remaining byte of {@code chunks} at {@code position}, consuming the chunks.
   *
   * @return the bytes written
   */
  long write(LogFile file, long position, ByteBuffer header, ByteBuffer[] chunks) throws IOException {
    ByteBuffer staging = pool.take();
    try {
      staging.put(header);
      long at = writeChunks(file, staging, position, chunks);
      return at - position;
    } finally {
      pool.give(staging);
    }
  }

  /**
   * Writes every remaining byte of {@code chunks} after the place of {@code header}, runs {@code beforeHeader},
   * then writes {@code header} at {@code position}: so that a header is in the file only once its whole value is,
   * which is how a recovery scan knows a record it finds complete (persistent sessions). Consumes the chunks.
   *
   * @return the bytes written
   */
  long writeHeaderLast(LogFile file, long position, ByteBuffer header, ByteBuffer[] chunks, Step beforeHeader)
      throws IOException {
    int headerLength = header.remaining();
    ByteBuffer staging = pool.take();
    try {
      long at = writeChunks(file, staging, position + headerLength, chunks);
      beforeHeader.run();
      file.writeFully(header, position);
      return at - position;
    } finally {
      pool.give(staging);
    }
  }

  /** Writes what {@code staging} holds and then the chunks at {@code position}; returns where the bytes end. */
  private long writeChunks(LogFile file, ByteBuffer staging, long position, ByteBuffer[] chunks) throws IOException {
    long at = position;
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
    return flush(file, staging, at);
  }

  /**
   * Writes {@code prefix} at {@code to} of {@code target}, followed by a copy of the {@code length} bytes at
   * {@code from} of {@code source}. An empty prefix copies the bytes alone.
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

  /**
   * Marks the record that starts at {@code recordStart} of {@code file} dead in place (persistent sessions): reads
   * its header, and if it is a value record writes it back as {@link RecordFormat#dead}. A header that is already
   * dead, or fails its checks, is left alone.
   *
   * @return whether a value record was marked
   */
  static boolean markDead(LogFile file, long recordStart, int keyLength) throws IOException {
    byte[] header = new byte[RecordFormat.HEADER_BYTES + keyLength];
    file.readFully(ByteBuffer.wrap(header), recordStart);
    RecordFormat.Header found = RecordFormat.decode(header, header.length, recordStart, file.number()).header();
    if (found == null || found.kind() != RecordFormat.KIND_VALUE) {
      return false;
    }
    file.writeFully(RecordFormat.dead(header), recordStart);
    return true;
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
