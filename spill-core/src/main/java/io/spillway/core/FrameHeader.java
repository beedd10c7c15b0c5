package io.spillway.core;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a frame's header says, once {@link SpillFrames#header(String, java.nio.channels.SeekableByteChannel)} has
 * verified it: everything but the payload, which has not been read (nor its checksum checked).
 *
 * @param version the frame version: 1, 2 or 3
 * @param name the segment name a v3 frame carries; empty for v1 and v2 frames, which carry none
 * @param payloadLength the stored payload's length in bytes, 0 to {@link SpillFrames#MAX_PAYLOAD_LENGTH}: for a
 *     compressed payload, its stored (compressed) length, 4 bytes of expanded length included
 * @param registeredSize the segment's registered size when it was spilled, carried by v3 frames with the
 *     registered-size flag (written for persistent sessions); empty otherwise
 */
public record FrameHeader(int version, Optional<String> name, long payloadLength, OptionalLong registeredSize) {
  /** Checks the components' ranges. */
  public FrameHeader {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(registeredSize, "registeredSize");
    if (version < 1 || version > 3) {
      throw new IllegalArgumentException("version must be 1, 2 or 3, was " + version);
    }
    if (payloadLength < 0 || payloadLength > SpillFrames.MAX_PAYLOAD_LENGTH) {
      throw new IllegalArgumentException("payloadLength out of range: " + payloadLength);
    }
    if (registeredSize.isPresent() && registeredSize.getAsLong() < 0) {
      throw new IllegalArgumentException("registeredSize must not be negative, was " + registeredSize.getAsLong());
    }
  }
}
