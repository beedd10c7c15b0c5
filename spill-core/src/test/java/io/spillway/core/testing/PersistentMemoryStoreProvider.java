package io.spillway.core.testing;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.ByteArrayReadChannel;
import io.spillway.api.spi.SpillStore;
import io.spillway.api.spi.SpillStoreProvider;
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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-scope provider of the {@code persistent-memory} store: values in memory, and persistent sessions that
 * really outlive their store instance, kept in a static map by session name for the life of the JVM. A session has
 * at most one live owner (a second opener gets an {@link IOException} naming it); {@link SpillStore#close()} keeps a
 * persistent session's values, {@link SpillStore#discard()} drops the session. Without a persistent session each
 * store is a private, ephemeral session. Tests use a unique session name each, and reach a session's values through
 * {@link #values(String)}.
 *
 * <p>Its priority is below the bundled stores', so that default selection in spill-core's tests still picks
 * {@code file}. Thread-safe.
 */
public final class PersistentMemoryStoreProvider implements SpillStoreProvider {
  public static final String NAME = "persistent-memory";

  private static final Map<String, Session> SESSIONS = new ConcurrentHashMap<>();
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  public PersistentMemoryStoreProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return -100;
  }

  @Override
  public boolean supportsPersistentSessions() {
    return true;
  }

  @Override
  public SpillStore create(SpillConfig config) throws IOException {
    String name = config.persistentSession().orElse(null);
    Session session = name == null ? new Session("ephemeral-" + UUID.randomUUID())
        : SESSIONS.computeIfAbsent(name, Session::new);
    return new Store(session, name != null);
  }

  /** Whether a persistent session of that name exists (created and not discarded). */
  public static boolean exists(String session) {
    return SESSIONS.containsKey(session);
  }

  /**
   * The live map of a persistent session's values, by key, for a test to read, damage or add to (as a crash or
   * another build might); empty if there is no such session.
   */
  public static Map<String, byte[]> values(String session) {
    Session s = SESSIONS.get(session);
    return s == null ? Map.of() : s.values;
  }

  private static final class Session {
    final String name;
    final Map<String, byte[]> values = new ConcurrentHashMap<>();
    /** The live store owning the session, or null. Guarded by this. */
    Store owner;

    Session(String name) {
      this.name = name;
    }
  }

  private static final class Store implements SpillStore {
    private final Session session;
    private final boolean persistent;
    private final int instance = INSTANCES.incrementAndGet();
    private volatile boolean closed;

    Store(Session session, boolean persistent) throws IOException {
      this.session = session;
      this.persistent = persistent;
      synchronized (session) {
        if (session.owner != null) {
          throw new IOException("persistent session '" + session.name + "' is owned by a live store ("
              + session.owner + ")");
        }
        session.owner = this;
      }
    }

    @Override
    public URI write(String key, ByteBuffer... chunks) {
      checkOpen();
      int total = 0;
      for (ByteBuffer chunk : chunks) {
        total = Math.addExact(total, chunk.remaining());
      }
      ByteBuffer all = ByteBuffer.allocate(total);
      for (ByteBuffer chunk : chunks) {
        all.put(chunk);
      }
      session.values.put(key, all.array());
      return uriOf(key);
    }

    @Override
    public SeekableByteChannel openRead(String key) throws IOException {
      checkOpen();
      byte[] value = session.values.get(key);
      if (value == null) {
        throw new NoSuchFileException(uriOf(key).toString());
      }
      return new ByteArrayReadChannel(value);
    }

    @Override
    public boolean delete(String key) {
      checkOpen();
      return session.values.remove(key) != null;
    }

    @Override
    public Set<String> list() {
      checkOpen();
      return new TreeSet<>(session.values.keySet());
    }

    @Override
    public URI location(String key) throws IOException {
      checkOpen();
      if (!session.values.containsKey(key)) {
        throw new NoSuchFileException(uriOf(key).toString());
      }
      return uriOf(key);
    }

    @Override
    public long usage() {
      checkOpen();
      long sum = 0;
      for (byte[] value : session.values.values()) {
        sum += value.length;
      }
      return sum;
    }

    @Override
    public void close() {
      end(!persistent);
    }

    @Override
    public void discard() {
      end(true);
    }

    private void end(boolean delete) {
      synchronized (session) {
        if (closed) {
          return;
        }
        closed = true;
        if (delete) {
          session.values.clear();
          SESSIONS.remove(session.name, session);
        }
        session.owner = null;
      }
    }

    private URI uriOf(String key) {
      return URI.create("pmem:/" + URLEncoder.encode(session.name, StandardCharsets.UTF_8) + "/"
          + URLEncoder.encode(key, StandardCharsets.UTF_8));
    }

    private void checkOpen() {
      if (closed) {
        throw new IllegalStateException("store of session " + session.name + " is closed");
      }
    }

    @Override
    public String toString() {
      return "persistent-memory store #" + instance;
    }
  }
}
