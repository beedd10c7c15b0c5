package io.spillway.bench.sim;

import io.spillway.api.spi.ByteArrayReadChannel;
import io.spillway.api.spi.SpillStore;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link SpillStore} that keeps values in a map on the heap, for the simulator. Internal, may change.
 *
 * <p>Thread-safe. Each instance is its own session.
 */
final class MemoryStore implements SpillStore {
  private static final AtomicLong SESSIONS = new AtomicLong();

  private final ConcurrentHashMap<String, byte[]> values = new ConcurrentHashMap<>();
  private final AtomicLong usage = new AtomicLong();
  private final URI location = URI.create("sim-memory://session-" + SESSIONS.incrementAndGet() + "/");
  private volatile boolean closed;

  @Override
  public URI write(String key, ByteBuffer... chunks) throws IOException {
    ensureOpen();
    long total = 0;
    for (ByteBuffer chunk : chunks) {
      total += chunk.remaining();
    }
    if (total > Integer.MAX_VALUE - 8) {
      throw new IOException("Value of '" + key + "' is " + total + " bytes, too large for the memory store");
    }
    byte[] value = new byte[(int) total];
    int at = 0;
    for (ByteBuffer chunk : chunks) {
      int length = chunk.remaining();
      chunk.get(value, at, length);
      at += length;
    }
    byte[] old = values.put(key, value);
    usage.addAndGet(value.length - (old == null ? 0L : old.length));
    return location;
  }

  @Override
  public SeekableByteChannel openRead(String key) throws IOException {
    ensureOpen();
    byte[] value = values.get(key);
    if (value == null) {
      throw new NoSuchFileException(key);
    }
    return new ByteArrayReadChannel(value);
  }

  @Override
  public byte[] read(String key) throws IOException {
    ensureOpen();
    byte[] value = values.get(key);
    if (value == null) {
      throw new NoSuchFileException(key);
    }
    return value.clone();
  }

  @Override
  public boolean delete(String key) {
    ensureOpen();
    byte[] old = values.remove(key);
    if (old == null) {
      return false;
    }
    usage.addAndGet(-old.length);
    return true;
  }

  @Override
  public Set<String> list() {
    ensureOpen();
    return Set.copyOf(values.keySet());
  }

  @Override
  public long usage() {
    ensureOpen();
    return usage.get();
  }

  @Override
  public void close() {
    closed = true;
    values.clear();
    usage.set(0);
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("The memory store " + location + " is closed");
    }
  }
}
