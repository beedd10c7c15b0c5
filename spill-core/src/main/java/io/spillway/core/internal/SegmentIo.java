package io.spillway.core.internal;

import io.spillway.api.CorruptSegmentException;
import io.spillway.api.SpillStoreException;
import io.spillway.api.StoreQuotaExceededException;
import io.spillway.api.spi.SpillStore;
import io.spillway.core.EncodedFrame;
import io.spillway.core.SpillFrames;
import io.spillway.core.internal.jfr.JfrEvents;
import io.spillway.core.internal.jfr.ReloadJfrEvent;
import io.spillway.core.internal.jfr.SpillJfrEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A manager's store I/O: segments framed and written, read and verified, deleted, with every store failure turned
 * into the manager's exceptions once, here. Internal, may change.
 *
 * <p>An {@link IOException} from the store becomes a {@link SpillStoreException} naming the segment, the store and,
 * when known, the location; a frame that fails verification a {@link CorruptSegmentException} naming the segment.
 * Methods log what they throw at WARN. Each write and each read is a Flight Recorder event ({@code io.spillway.Spill},
 * {@code io.spillway.Reload}), and a frame that fails verification is counted ({@link SpillCounters#corruptFrame})
 * and an {@code io.spillway.CorruptFrame} event (see {@link io.spillway.core.internal.jfr}). Callers order the
 * operations on one key (the store never sees two at once); operations on different keys run in parallel.
 * Thread-safe.
 */
final class SegmentIo {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultSpillManager.class);

  private final SpillStore store;
  private final String storeName;
  private final SpillFrames frames;
  private final SpillCounters counters;
  private final StoreQuota quota;
  private final boolean persistent;
  /**
   * With encryption, the serial of the frame last written for each name that has one stored (see
   * {@link SpillFrames#decode(String, SeekableByteChannel, long)}): a read accepts that frame only, so an older frame
   * of the segment put back in its place is refused. Null without encryption. A persistent session's recovered
   * segments have no entry: their frames are accepted if they authenticate.
   */
  private final @Nullable ConcurrentHashMap<String, Long> serials;

  /**
   * @param storeName the store provider's name, for messages
   * @param maxStoreBytes the store quota at the start ({@link io.spillway.api.SpillConfig#maxStoreBytes()})
   * @param persistent whether the store's session is persistent: its frames then carry the registered size, which
   *     the session's next owner accounts a recovered segment by
   */
  SegmentIo(SpillStore store, String storeName, SpillFrames frames, SpillCounters counters, long maxStoreBytes,
      boolean persistent) {
    this.store = Objects.requireNonNull(store, "store");
    this.storeName = Objects.requireNonNull(storeName, "storeName");
    this.frames = Objects.requireNonNull(frames, "frames");
    this.counters = counters;
    this.quota = new StoreQuota(store, storeName, maxStoreBytes);
    this.persistent = persistent;
    this.serials = frames.encryption().equals("none") ? null : new ConcurrentHashMap<>();
  }

  /** The store quota every {@link #write} is held to. */
  StoreQuota quota() {
    return quota;
  }

  /** The store itself, for {@link SessionRecovery}, which reads what a persistent session held. */
  SpillStore store() {
    return store;
  }

  SpillFrames frames() {
    return frames;
  }

  boolean persistent() {
    return persistent;
  }

  String storeName() {
    return storeName;
  }

  /**
   * Encodes {@code payload} and reserves its frame's bytes under the quota. If they do not fit, and compression
   * {@code auto} stored the payload larger than it could (it weighs time, not bytes), the smallest frame is made and
   * tried once more.
   *
   * @return the frame whose length is now reserved
   * @throws StoreQuotaExceededException if no frame fits; nothing reserved
   */
  private EncodedFrame reserveRoom(String name, byte[] payload, OptionalLong size) throws IOException {
    EncodedFrame encoded = frames.encodeFrame(name, payload, size);
    long length = encoded.length();
    try {
      quota.reserve(name, length);
      return encoded;
    } catch (StoreQuotaExceededException e) {
      EncodedFrame smallest = frames.encodeFrameSmallest(name, payload, size);
      if (smallest == null || smallest.length() >= length) {
        if (smallest != null) {
          smallest.release();
        }
        throw e;
      }
      encoded.release();
      try {
        quota.reserve(name, smallest.length());
      } catch (StoreQuotaExceededException | IOException again) {
        smallest.release();
        throw again;
      }
      return smallest;
    }
  }

  /**
   * Frames {@code payload} and writes it under {@code name}, returning where it went, if the frame fits under the
   * store quota (its bytes are reserved for the write, see {@link StoreQuota}). In a persistent session the frame
   * carries {@code registeredSize}, the segment's size at the spill.
   *
   * @throws StoreQuotaExceededException if the frame would pass the quota; nothing is written
   * @throws SpillStoreException if the store cannot take it; the previous copy, if any, is the store's to keep
   */
  URI write(String name, byte[] payload, long registeredSize) {
    SpillJfrEvent event = JfrEvents.spill();
    long reserved = -1;
    long length = 0;
    String result = "failure";
    try {
      EncodedFrame encoded;
      try {
        encoded = reserveRoom(name, payload, persistent ? OptionalLong.of(registeredSize) : OptionalLong.empty());
      } catch (StoreQuotaExceededException e) {
        result = "quota-exceeded";
        length = e.requestedBytes();
        throw e;
      }
      length = encoded.length();
      ByteBuffer[] frame = encoded.buffers();
      reserved = length;
      long start = System.nanoTime();
      URI location;
      try {
        location = Objects.requireNonNull(store.write(name, frame), "store returned no location");
      } finally {
        encoded.release(); // written or failed, the store is done with the buffers
      }
      frames.storeWriteTook(length, payload.length, System.nanoTime() - start);
      if (serials != null) {
        serials.put(name, encoded.serial());
      }
      result = "success";
      return location;
    } catch (IOException | UncheckedIOException e) {
      throw storeError("spill", "to", name, null, e);
    } finally {
      if (reserved >= 0) {
        // Written or failed: either way the store's usage now tells what it holds.
        quota.release(reserved);
      }
      if (event != null) {
        event.finish(name, storeName, payload.length, registeredSize, length, result);
      }
    }
  }

  /**
   * Reads and verifies the stored frame of {@code name}.
   *
   * @param registeredSize the segment's registered size, for the Flight Recorder event
   * @throws CorruptSegmentException if the frame fails verification (its copy is kept; counted)
   * @throws SpillStoreException if the copy is missing or cannot be read
   */
  byte[] read(String name, URI location, long registeredSize) {
    ReloadJfrEvent event = JfrEvents.reload();
    String result = "failure";
    int bytes = 0;
    long start = System.nanoTime();
    try (SeekableByteChannel channel = store.openRead(name)) {
      Long serial = serials == null ? null : serials.get(name);
      long stored = channel.size() - channel.position();
      byte[] payload = frames.decode(name, channel, serial == null ? SpillFrames.NOT_SEALED : serial);
      frames.reloadTook(stored, payload.length, System.nanoTime() - start);
      result = "success";
      bytes = payload.length;
      return payload;
    } catch (CorruptSegmentException e) {
      CorruptSegmentException named = name.equals(e.segment()) ? e : e.forSegment(name);
      result = "corrupt";
      corruptFrame(name, location, "reload", named);
      LOG.warn("{} (at {}); the segment stays spilled and its stored copy is kept", named.getMessage(), location);
      throw named;
    } catch (NoSuchFileException e) {
      result = "missing";
      SpillStoreException error = new SpillStoreException("Cannot reload segment '" + name + "' from store '"
          + storeName + "' at " + location + ": its stored copy is missing", name, location.toString(), e);
      LOG.warn("{}; the segment stays spilled", error.getMessage());
      throw error;
    } catch (IOException | UncheckedIOException e) {
      SpillStoreException error = storeError("reload", "from", name, location.toString(), e);
      LOG.warn("{}; the segment stays spilled", error.getMessage());
      throw error;
    } finally {
      if (event != null) {
        event.finish(name, storeName, bytes, registeredSize, result);
      }
    }
  }

  /**
   * Counts a stored frame of {@code name} found corrupt by {@code operation} ({@code reload} or {@code recovery})
   * and records it as an {@code io.spillway.CorruptFrame} event; logs nothing (the caller does).
   */
  void corruptFrame(String name, @Nullable URI location, String operation, CorruptSegmentException e) {
    counters.corruptFrame();
    JfrEvents.corruptFrame(name, storeName, location, operation, e.reason().name(), e.getMessage());
  }

  /**
   * Deletes the stored copy of {@code name}; a failure is counted and logged, not thrown: the copy only costs room
   * until the store's session ends. {@code why} says which segment it was (unregistered, replaced, ...).
   */
  void deleteQuietly(String name, URI location, String why) {
    try {
      store.delete(name);
      forget(name);
    } catch (IOException | RuntimeException e) {
      counters.deleteFailed();
      LOG.warn("Cannot delete the stored copy of {} segment '{}' from store '{}' at {}: {}", why, name, storeName,
          location, e.toString(), e);
    }
  }

  /**
   * Deletes the stored copy of {@code name}.
   *
   * @throws SpillStoreException if it cannot (counted and logged); the copy is still there
   */
  void delete(String name, URI location) {
    try {
      store.delete(name);
      forget(name);
    } catch (IOException | UncheckedIOException e) {
      counters.deleteFailed();
      SpillStoreException error = storeError("delete the stored copy of", "in", name, location.toString(), e);
      LOG.warn("{}; the segment stays spilled", error.getMessage());
      throw error;
    }
  }

  private void forget(String name) {
    if (serials != null) {
      serials.remove(name);
    }
  }

  /** The store's usage in bytes, or -1 (logged) if it cannot tell. */
  long usage() {
    try {
      return store.usage();
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("Store '{}' cannot report its usage: {}", storeName, e.toString());
      return -1;
    }
  }

  /**
   * Closes the store: an ephemeral session's data is deleted, a persistent session's kept.
   *
   * @throws SpillStoreException if it fails
   */
  void close() {
    try {
      store.close();
    } catch (IOException | RuntimeException e) {
      throw new SpillStoreException("Cannot close store '" + storeName + "': " + e, null, null, e);
    }
  }

  /**
   * Ends the store's session and deletes all it holds, persistent or not ({@link SpillStore#discard()}).
   *
   * @throws SpillStoreException if it fails
   */
  void discard() {
    try {
      store.discard();
    } catch (IOException | RuntimeException e) {
      throw new SpillStoreException("Cannot discard the session of store '" + storeName + "': " + e, null, null, e);
    }
  }

  /** The exception for a store failure on {@code segment}. */
  SpillStoreException storeError(String action, String preposition, String segment, @Nullable String knownLocation,
      Exception cause) {
    String location = knownLocation;
    // A store that wraps the file system's exception still knows the path: take it from the first cause that has it.
    for (Throwable t = cause; location == null && t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof FileSystemException) {
        location = ((FileSystemException) t).getFile();
      }
    }
    String message = "Cannot " + action + " segment '" + segment + "' " + preposition + " store '" + storeName + "'"
        + (location != null ? " at " + location : "") + ": " + cause;
    return new SpillStoreException(message, segment, location, cause);
  }
}
