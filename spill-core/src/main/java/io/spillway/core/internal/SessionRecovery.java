package io.spillway.core.internal;

import io.spillway.api.CorruptSegmentException;
import io.spillway.api.InvalidSegmentNameException;
import io.spillway.api.SegmentNames;
import io.spillway.api.SpillStoreException;
import io.spillway.api.spi.SpillStore;
import io.spillway.core.FrameHeader;
import io.spillway.core.internal.jfr.JfrEvents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes over what a persistent session held when its manager opens: every stored value whose frame header verifies
 * becomes a spilled manual segment. Internal, may change.
 *
 * <p>Only headers are read ({@link io.spillway.core.SpillFrames#header}), so opening costs one small read per value
 * whatever the values weigh; a payload is verified when it is reloaded, as any spilled segment's is. A segment is
 * accounted at the registered size its frame carries (the manager writes it in persistent sessions); a frame
 * without one, written by another build, at its payload length, logged at INFO. A value that cannot be taken over
 * &mdash; unreadable, a header that fails verification, a key that is no segment name, a location the store cannot
 * tell &mdash; is logged at WARN with the reason, counted ({@link SpillCounters#recoveryFailed()}) and not
 * registered; its bytes stay in the store, because what cannot be read must not be destroyed (an operator may still
 * save it, and {@code discard} removes it with the session). Runs on the opening thread, before the manager is shared.
 */
final class SessionRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultSpillManager.class);

  private SessionRecovery() {}

  /** What a recovery found. */
  record Result(int recovered, long registeredBytes, int failed) {}

  /**
   * Registers every recoverable value of the session as a spilled manual segment.
   *
   * @param session the persistent session's name, for messages
   * @throws SpillStoreException if the store cannot list its values; nothing is registered
   */
  static Result recover(SegmentIo io, SegmentRegistry registry, SpillCounters counters, String session) {
    SpillStore store = io.store();
    List<String> keys;
    try {
      Set<String> listed = store.list();
      keys = new ArrayList<>(listed);
    } catch (IOException | UncheckedIOException e) {
      throw new SpillStoreException("Cannot take over persistent session '" + session + "' of store '"
          + io.storeName() + "': its values cannot be listed: " + e, null, null, e);
    }
    // Sorted, so that the log and the policy's admission order do not depend on the store's iteration order.
    keys.sort(null);
    int recovered = 0;
    long bytes = 0;
    int failed = 0;
    for (String key : keys) {
      long size = recover(io, registry, session, key);
      if (size < 0) {
        counters.recoveryFailed();
        failed++;
      } else {
        recovered++;
        bytes += size;
      }
    }
    LOG.info("Took over persistent session '{}' of store '{}': {} segments recovered spilled ({} registered bytes), "
        + "{} not recoverable (kept in the store)", session, io.storeName(), recovered, bytes, failed);
    return new Result(recovered, bytes, failed);
  }

  /** Where the store keeps {@code key}, or null if it cannot say: for a corrupt frame's event only. */
  private static @Nullable URI location(SegmentIo io, String key) {
    try {
      return io.store().location(key);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Registers the value under {@code key}; returns its registered size, or -1 (logged) if it cannot be. */
  private static long recover(SegmentIo io, SegmentRegistry registry, String session, String key) {
    String why;
    Throwable cause = null;
    try {
      SegmentNames.validate(key);
      FrameHeader header;
      try (SeekableByteChannel channel = io.store().openRead(key)) {
        header = io.frames().header(key, channel);
      }
      long size;
      if (header.registeredSize().isPresent()) {
        size = header.registeredSize().getAsLong();
      } else {
        size = header.payloadLength();
        LOG.info("Segment '{}' of persistent session '{}' has a v{} frame without a registered size (written by "
            + "another build); accounted at its payload length, {} bytes", key, session, header.version(), size);
      }
      if (size > Segment.MAX_SIZE) {
        why = "its registered size " + size + " exceeds the largest a segment can have (2^62 - 1)";
      } else {
        URI location = Objects.requireNonNull(io.store().location(key), "store returned no location");
        registry.admitRecovered(new Segment(key, size), location);
        return size;
      }
    } catch (CorruptSegmentException e) {
      why = e.getMessage();
      io.corruptFrame(key, JfrEvents.corruptFrameEnabled() ? location(io, key) : null, "recovery", e);
    } catch (InvalidSegmentNameException e) {
      why = "its key is not a segment name: " + e.getMessage();
    } catch (IOException | RuntimeException e) {
      why = "it cannot be read: " + e;
      cause = e;
    }
    LOG.warn("Cannot recover segment '{}' of persistent session '{}' of store '{}': {}; it is not registered, and "
        + "its stored bytes are kept", key, session, io.storeName(), why, cause);
    return -1;
  }
}
