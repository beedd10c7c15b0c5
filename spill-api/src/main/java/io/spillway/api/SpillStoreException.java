package io.spillway.api;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a spill store cannot write, read or delete a segment's bytes: disk full, permission denied, an
 * unreachable object store. The message names the segment, the store and the location.
 *
 * <p>A failed spill leaves the segment resident and its accounting unchanged; a failed reload leaves it spilled
 * with its stored copy in place, so the call can be retried.
 */
public class SpillStoreException extends SpillException {
  private static final long serialVersionUID = 1L;

  private final @Nullable String segment;
  private final @Nullable String location;

  public SpillStoreException(String message, @Nullable String segment, @Nullable String location,
      @Nullable Throwable cause) {
    super(message, cause);
    this.segment = segment;
    this.location = location;
  }

  /** The segment concerned, or {@code null} when the failure concerns the store as a whole. */
  public @Nullable String segment() {
    return segment;
  }

  /** Where the store tried to read or write (a path, a URI), or {@code null} when unknown. */
  public @Nullable String location() {
    return location;
  }
}
