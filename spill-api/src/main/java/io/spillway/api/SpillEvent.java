package io.spillway.api;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One spill, clean eviction or reload, as told to a {@link SpillListener}.
 *
 * @param segment the segment's name
 * @param kind what was done
 * @param registeredBytes the segment's accounted size
 * @param payloadBytes the bytes written or read (0 when a failure happened before they were known)
 * @param latency how long the store I/O took, encoding and verification included
 * @param location where the stored copy is or was, when known
 */
public record SpillEvent(String segment, Kind kind, long registeredBytes, long payloadBytes, Duration latency,
    @Nullable URI location) {

  /** What an event reports. */
  public enum Kind {
    /** The value was written to the store and its memory freed. */
    SPILL,
    /** The value was read back and verified. */
    RELOAD,
    /**
     * A managed value's memory was freed without a write: the store still held the copy it was last reloaded from,
     * and it was not set since. {@code payloadBytes} is 0 and {@code latency} zero.
     */
    CLEAN_EVICTION
  }

  public SpillEvent {
    Objects.requireNonNull(segment, "segment");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(latency, "latency");
  }
}
