package io.spillway.api.spi;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.util.Set;

/**
 * Holds spilled bytes for one manager session under string keys. Stores move opaque bytes: framing, checksums and
 * compression belong to the core, so every store gets the same integrity checks for free.
 *
 * <p><b>Keys</b> are segment names, valid by {@link io.spillway.api.SegmentNames}' rules. They may contain any
 * character, {@code /}, {@code ..} and control characters included; a store maps them to its own safe form and
 * must never read or write outside its area because of a key.
 *
 * <p><b>Threading:</b> implementations are thread-safe. The core never runs two operations on the same key at
 * once, but runs operations on different keys concurrently.
 *
 * <p><b>Errors:</b> methods throw {@link IOException} (or a subclass); the core turns it into a
 * {@link io.spillway.api.SpillStoreException} naming the segment. A failed {@link #write} leaves no trace: the
 * previous value of the key, if any, is still there and nothing partial is visible.
 */
public interface SpillStore extends Closeable {

  /**
   * Stores the concatenation of the remaining bytes of {@code chunks} under {@code key}, replacing any previous
   * value, atomically: a reader sees either the old value or the whole new one. Consumes the buffers.
   *
   * @return where the value was written, for logs and {@link io.spillway.api.SegmentInfo#location()}
   * @throws IOException if the bytes could not all be stored (disk full, permission, network)
   */
  URI write(String key, ByteBuffer... chunks) throws IOException;

  /**
   * Opens the value under {@code key} for reading from its start. The channel's {@code size()} is the stored
   * length. The caller closes it.
   *
   * @throws NoSuchFileException if nothing is stored under {@code key}
   * @throws IOException on any other failure
   */
  SeekableByteChannel openRead(String key) throws IOException;

  /**
   * Reads the whole value under {@code key}.
   *
   * @throws NoSuchFileException if nothing is stored under {@code key}
   * @throws IOException on any other failure, or if the value is larger than an array can hold
   */
  default byte[] read(String key) throws IOException {
    try (SeekableByteChannel channel = openRead(key)) {
      long size = channel.size();
      if (size > Integer.MAX_VALUE - 8) {
        throw new IOException("Value of '" + key + "' is " + size + " bytes, too large for one array");
      }
      ByteBuffer buffer = ByteBuffer.allocate((int) size);
      while (buffer.hasRemaining()) {
        if (channel.read(buffer) < 0) {
          throw new IOException("Value of '" + key + "' ended after " + buffer.position() + " of " + size + " bytes");
        }
      }
      return buffer.array();
    }
  }

  /**
   * Removes the value under {@code key}.
   *
   * @return whether a value was there
   */
  boolean delete(String key) throws IOException;

  /** The keys stored in this session; for a persistent session taken over, those it held, from the start. */
  Set<String> list() throws IOException;

  /**
   * Where the value under {@code key} is, as {@link #write} returned it, for a value this instance did not write:
   * one a persistent session held when it was taken over. Required of stores whose provider
   * {@linkplain SpillStoreProvider#supportsPersistentSessions() supports persistent sessions}.
   *
   * @throws NoSuchFileException if nothing is stored under {@code key}
   * @throws IOException on any other failure
   * @throws UnsupportedOperationException by default
   */
  default URI location(String key) throws IOException {
    throw new UnsupportedOperationException(getClass().getName() + " does not support persistent sessions");
  }

  /** Bytes this session holds, as stored (frame headers included). */
  long usage() throws IOException;

  /**
   * Ends the session and releases its resources: an ephemeral session's values are deleted, a persistent session's
   * ({@link io.spillway.api.SpillConfig#persistentSession()}) are kept, complete, for its next owner. Idempotent.
   * After it, other methods throw {@link IllegalStateException}.
   */
  @Override
  void close() throws IOException;

  /**
   * Ends the session and deletes every value it holds, persistent or not; the session is gone for good. Idempotent,
   * also after {@link #close()} (then it does nothing: a closed persistent session is dropped by its next owner).
   * By default {@link #close()}, right for a store without persistent sessions.
   */
  default void discard() throws IOException {
    close();
  }
}
