package io.spillway.api;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when spilled bytes fail verification on the way back. No bytes are ever handed back from a frame that
 * failed a check; the stored copy is left in place for inspection and the segment stays spilled.
 */
public class CorruptSegmentException extends SpillException {
  private static final long serialVersionUID = 1L;

  /** Why a frame was rejected. */
  public enum Reason {
    /** The frame does not start with the magic bytes {@code SPIL}. */
    BAD_MAGIC,
    /** The version byte names a frame format this build cannot read. */
    UNSUPPORTED_VERSION,
    /** The header names a checksum codec or compression that is unknown here. */
    UNSUPPORTED_ENCODING,
    /** Fewer bytes are present than the header declares (or than a header needs). */
    TRUNCATED,
    /** More bytes are present than the header declares. */
    TRAILING_BYTES,
    /** The length field is negative or larger than any array this JVM can hold. */
    LENGTH_OVERFLOW,
    /** A checksum over the header or the payload does not match the one stored. */
    CHECKSUM_MISMATCH,
    /** The frame is intact but belongs to another segment than the one asked for. */
    WRONG_SEGMENT,
    /** The header is self-consistent in framing but carries an impossible value (bad flags, bad name bytes). */
    MALFORMED_HEADER,
    /**
     * A compressed payload passed its checksum but does not expand to exactly the length it declares (the codec
     * failed on it, or it expanded to more or fewer bytes): its writer wrote it wrong.
     */
    DECOMPRESSION_FAILED,
    /**
     * An encrypted frame failed authentication: a byte of it was altered, it was moved from another segment, it is
     * an older frame of this segment than the one last written, or it was sealed under another key.
     */
    AUTHENTICATION_FAILED
  }

  private final Reason reason;
  private final @Nullable String segment;

  public CorruptSegmentException(Reason reason, String detail) {
    this(reason, null, detail);
  }

  public CorruptSegmentException(Reason reason, @Nullable String segment, String detail) {
    super(message(reason, segment, detail));
    this.reason = Objects.requireNonNull(reason, "reason");
    this.segment = segment;
  }

  /** The check that failed. */
  public Reason reason() {
    return reason;
  }

  /** The segment whose frame was rejected, when known. */
  public @Nullable String segment() {
    return segment;
  }

  /** Returns a copy of this exception that names {@code segmentName}, keeping the reason and detail. */
  public CorruptSegmentException forSegment(String segmentName) {
    CorruptSegmentException named = new CorruptSegmentException(reason, segmentName, detail(getMessage()));
    named.setStackTrace(getStackTrace());
    return named;
  }

  private static String message(Reason reason, @Nullable String segment, String detail) {
    return (segment == null ? "Corrupt spill frame" : "Corrupt spill frame for segment '" + segment + "'")
        + " (" + reason + "): " + detail;
  }

  private static String detail(@Nullable String message) {
    if (message == null) {
      return "";
    }
    int at = message.indexOf("): ");
    return at < 0 ? message : message.substring(at + 3);
  }
}
