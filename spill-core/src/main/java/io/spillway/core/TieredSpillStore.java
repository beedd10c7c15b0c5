package io.spillway.core;

import io.spillway.api.spi.SpillStore;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two stores as one: see {@link TieredSpillStoreProvider}. Which tier holds each key is kept in memory, as is the
 * primary's share of bytes, reserved before a primary write so that concurrent writes never overrun the quota
 * together.
 *
 * <p>Internal, may change.
 */
final class TieredSpillStore implements SpillStore {
  private static final Logger LOG = LoggerFactory.getLogger(TieredSpillStore.class);

  /** Where a key lives and how many bytes it has there. */
  private record Placement(boolean primary, long size) {}

  private final SpillStore primary;
  private final String primaryName;
  private final SpillStore secondary;
  private final String secondaryName;
  private final long quota;
  private final AtomicLong primaryBytes = new AtomicLong();
  private final ConcurrentHashMap<String, Placement> placements = new ConcurrentHashMap<>();
  private volatile boolean closed;

  TieredSpillStore(SpillStore primary, String primaryName, SpillStore secondary, String secondaryName, long quota) {
    this.primary = primary;
    this.primaryName = primaryName;
    this.secondary = secondary;
    this.secondaryName = secondaryName;
    this.quota = quota;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("Tiered store (" + primaryName + " + " + secondaryName + ") is closed");
    }
  }

  /** Bytes held by the primary tier, for tests and monitoring. */
  long primaryBytes() {
    return primaryBytes.get();
  }

  /** Whether {@code key} lives in the primary tier; {@code null} when not stored. */
  @Nullable Boolean inPrimary(String key) {
    Placement p = placements.get(key);
    return p == null ? null : p.primary();
  }

  private static ByteBuffer[] views(ByteBuffer[] chunks) {
    ByteBuffer[] views = new ByteBuffer[chunks.length];
    for (int i = 0; i < chunks.length; i++) {
      views[i] = chunks[i].duplicate();
    }
    return views;
  }

  @Override
  public URI write(String key, ByteBuffer... chunks) throws IOException {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(chunks, "chunks");
    ensureOpen();
    long size = 0;
    for (ByteBuffer chunk : chunks) {
      size += Objects.requireNonNull(chunk, "chunk").remaining();
    }
    Placement previous = placements.get(key);
    long replaced = previous != null && previous.primary() ? previous.size() : 0;
    URI location = null;
    boolean inPrimary = false;
    if (reserve(size - replaced)) {
      try {
        // Views, so that a failed primary write leaves the caller's buffers whole for the secondary.
        location = primary.write(key, views(chunks));
        inPrimary = true;
      } catch (IOException e) {
        primaryBytes.addAndGet(-(size - replaced));
        LOG.warn("Tier '{}' could not store '{}' ({}); writing it to tier '{}'", primaryName, key, e.toString(),
            secondaryName);
      }
    }
    if (!inPrimary) {
      location = secondary.write(key, views(chunks));
    }
    placements.put(key, new Placement(inPrimary, size));
    if (previous != null && previous.primary() != inPrimary) {
      // The replaced value sits in the other tier: remove it now that the new one is stored.
      if (previous.primary()) {
        primaryBytes.addAndGet(-previous.size());
      }
      try {
        (previous.primary() ? primary : secondary).delete(key);
      } catch (IOException e) {
        LOG.warn("Could not delete the replaced copy of '{}' in tier '{}': {}", key,
            previous.primary() ? primaryName : secondaryName, e.toString());
      }
    }
    for (ByteBuffer chunk : chunks) {
      chunk.position(chunk.limit());
    }
    return Objects.requireNonNull(location, "tier returned no location");
  }

  /** Reserves {@code delta} bytes of the primary's quota; false when they do not fit. */
  private boolean reserve(long delta) {
    while (true) {
      long current = primaryBytes.get();
      if (current + delta > quota) {
        return false;
      }
      if (primaryBytes.compareAndSet(current, current + delta)) {
        return true;
      }
    }
  }

  private Placement placement(String key) throws NoSuchFileException {
    Objects.requireNonNull(key, "key");
    ensureOpen();
    Placement p = placements.get(key);
    if (p == null) {
      throw new NoSuchFileException(key, null, "not stored in either tier (" + primaryName + ", " + secondaryName
          + ")");
    }
    return p;
  }

  @Override
  public SeekableByteChannel openRead(String key) throws IOException {
    return (placement(key).primary() ? primary : secondary).openRead(key);
  }

  @Override
  public byte[] read(String key) throws IOException {
    return (placement(key).primary() ? primary : secondary).read(key);
  }

  @Override
  public boolean delete(String key) throws IOException {
    Objects.requireNonNull(key, "key");
    ensureOpen();
    Placement p = placements.get(key);
    if (p == null) {
      return false;
    }
    boolean existed = (p.primary() ? primary : secondary).delete(key);
    placements.remove(key);
    if (p.primary()) {
      primaryBytes.addAndGet(-p.size());
    }
    return existed;
  }

  @Override
  public Set<String> list() throws IOException {
    ensureOpen();
    Set<String> keys = new HashSet<>(primary.list());
    keys.addAll(secondary.list());
    return keys;
  }

  @Override
  public long usage() throws IOException {
    ensureOpen();
    return primary.usage() + secondary.usage();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    IOException failure = null;
    for (SpillStore tier : new SpillStore[] {primary, secondary}) {
      try {
        tier.close();
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    placements.clear();
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return "TieredSpillStore[" + primaryName + " up to " + quota + " bytes, then " + secondaryName + "]";
  }
}
