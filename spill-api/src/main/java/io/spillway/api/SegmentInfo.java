package io.spillway.api;

import java.net.URI;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the manager knows of one segment at the moment {@link SpillManager#listSegments()} looked.
 *
 * @param name the segment's name
 * @param size its registered size in bytes (kept while it is spilled)
 * @param spilled whether its bytes are in the store rather than in memory
 * @param accessCount how many times {@link SpillManager#access(String)} recorded it
 * @param location where the spilled copy is, or {@code null} while resident
 */
public record SegmentInfo(String name, long size, boolean spilled, long accessCount, @Nullable URI location) {
  public SegmentInfo {
    Objects.requireNonNull(name, "name");
  }
}
