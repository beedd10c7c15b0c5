package io.spillway.core.testing;

import io.spillway.api.spi.ByteArrayReadChannel;
import io.spillway.api.spi.SpillStore;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A test-scope {@link SpillStore} holding values in a map, with hooks to inject faults: failing writes, reads and
 * deletes, and corrupting stored bytes. Each instance is a session; sessions created through
 * {@link InMemorySpillStoreProvider} with option {@value #ID_OPTION} can be found with {@link #session(String)}.
 *
 * <p>Thread-safe.
 */
public final class InMemorySpillStore implements SpillStore {
  /** Option naming the session, so that a test can reach the store a manager created. */
  public static final String ID_OPTION = "memory.id";

  private static final Map<String, InMemorySpillStore> SESSIONS = new ConcurrentHashMap<>();

  private final String id;
  private final Map<String, byte[]> values = new ConcurrentHashMap<>();
  private volatile Predicate<String> failWrites = key -> false;
  private volatile Predicate<String> failReads = key -> false;
  private volatile Predicate<String> failDeletes = key -> false;
  private volatile boolean closed;

  public InMemorySpillStore() {
    this(UUID.randomUUID().toString());
  }

  public InMemorySpillStore(String id) {
    this.id = id;
    SESSIONS.put(id, this);
  }

  /** The session that returned {@code location} from a write. */
  public static InMemorySpillStore sessionOf(URI location) {
    String path = location.getPath();
    return session(path.substring(1, path.indexOf('/', 1)));
  }

  /** The session created with option {@value #ID_OPTION} = {@code id}. */
  public static InMemorySpillStore session(String id) {
    InMemorySpillStore store = SESSIONS.get(id);
    if (store == null) {
      throw new IllegalArgumentException("no in-memory store session " + id);
    }
    return store;
  }

  /** Writes of keys matching {@code keys} throw IOException. */
  public void failWrites(Predicate<String> keys) {
    this.failWrites = keys;
  }

  /** Reads of keys matching {@code keys} throw IOException. */
  public void failReads(Predicate<String> keys) {
    this.failReads = keys;
  }

  /** Deletes of keys matching {@code keys} throw IOException. */
  public void failDeletes(Predicate<String> keys) {
    this.failDeletes = keys;
  }

  /** Replaces the stored bytes of {@code key} by {@code change} applied to a copy of them. */
  public void corrupt(String key, UnaryOperator<byte[]> change) {
    values.computeIfPresent(key, (k, v) -> change.apply(v.clone()));
  }

  /** A copy of the bytes stored under {@code key}, or null. */
  public byte[] raw(String key) {
    byte[] value = values.get(key);
    return value == null ? null : value.clone();
  }

  /** The keys stored, whatever the session state. */
  public Set<String> keys() {
    return new TreeSet<>(values.keySet());
  }

  public boolean isClosed() {
    return closed;
  }

  @Override
  public URI write(String key, ByteBuffer... chunks) throws IOException {
    checkOpen();
    int total = 0;
    for (ByteBuffer chunk : chunks) {
      total = Math.addExact(total, chunk.remaining());
    }
    if (failWrites.test(key)) {
      throw new IOException("injected write failure for " + key);
    }
    ByteBuffer all = ByteBuffer.allocate(total);
    for (ByteBuffer chunk : chunks) {
      all.put(chunk);
    }
    values.put(key, all.array());
    return uriOf(key);
  }

  @Override
  public SeekableByteChannel openRead(String key) throws IOException {
    checkOpen();
    if (failReads.test(key)) {
      throw new IOException("injected read failure for " + key);
    }
    byte[] value = values.get(key);
    if (value == null) {
      throw new NoSuchFileException(uriOf(key).toString());
    }
    return new ByteArrayReadChannel(value);
  }

  @Override
  public boolean delete(String key) throws IOException {
    checkOpen();
    if (failDeletes.test(key)) {
      throw new IOException("injected delete failure for " + key);
    }
    return values.remove(key) != null;
  }

  @Override
  public Set<String> list() {
    checkOpen();
    return keys();
  }

  @Override
  public long usage() {
    checkOpen();
    long sum = 0;
    for (byte[] value : values.values()) {
      sum += value.length;
    }
    return sum;
  }

  @Override
  public void close() {
    closed = true;
    values.clear();
  }

  private URI uriOf(String key) {
    return URI.create("memory:/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/"
        + URLEncoder.encode(key, StandardCharsets.UTF_8));
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("store session " + id + " is closed");
    }
  }
}
