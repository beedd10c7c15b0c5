package io.spillway.cli;

import io.spillway.api.CorruptSegmentException;
import io.spillway.api.CorruptSegmentException.Reason;
import io.spillway.api.SpillConfig;
import io.spillway.api.spi.ByteArrayReadChannel;
import io.spillway.api.spi.SpillKeyProvider;
import io.spillway.api.spi.SpillStoreInspector;
import io.spillway.api.spi.SpillStoreInspector.Kind;
import io.spillway.api.spi.SpillStoreInspector.Session;
import io.spillway.api.spi.SpillStoreInspector.Value;
import io.spillway.core.SpillFrames;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Verifies one stored value with the core's frame decoder, as a reload would: header, checksums, decompression, and
 * for an encrypted frame of a persistent session its authentication when a key was given. Payload bytes come back
 * only from a frame that passed.
 *
 * <p>How an encrypted frame without a key is told from a corrupt one: the header is verified first
 * ({@link SpillFrames#header}), which checks everything before the payload, codec and compression ids included; the
 * decoder then verifies the payload's checksum and, as its last step, refuses to open a sealed region without a
 * key with {@link Reason#UNSUPPORTED_ENCODING}. So that reason after a header that passed means "encrypted, checksum
 * verified, contents not authenticated", never damage &mdash; or, with a {@link LinkageError} as its cause, that the
 * compression codec the frame names cannot run in this JVM (its native library did not load), which is no damage
 * either.
 *
 * <p>Not thread-safe. Internal, may change.
 */
final class FrameCheck {
  /** What a check found. */
  enum Outcome {
    /** Every check passed. */
    OK,
    /** A check failed: the frame is damaged, or not the frame of this segment. */
    CORRUPT,
    /** Could not be checked completely: encrypted without a key, or of a codec this tool lacks. Not corrupt. */
    NOT_VERIFIED,
    /** The value was gone when it was read: its owner replaced, deleted or moved it since it was listed. */
    GONE
  }

  /**
   * The result of one check: the outcome, the failed check's reason for {@link Outcome#CORRUPT}, a detail for people,
   * and the payload for {@link Outcome#OK}.
   */
  record Result(Outcome outcome, @Nullable Reason reason, String detail, byte @Nullable [] payload) {}

  private final SpillConfig location;
  private final boolean keyGiven;
  private final SpillFrames plain = SpillFrames.create(SpillConfig.defaults());
  private final Map<String, SpillFrames> keyed = new HashMap<>();

  FrameCheck(SpillConfig location) {
    this.location = location;
    this.keyGiven = location.options().containsKey(SpillKeyProvider.OPTION);
  }

  /**
   * Reads and verifies {@code value} of {@code session}.
   *
   * @throws IOException if the value cannot be read (not if it is gone: {@link Outcome#GONE})
   * @throws io.spillway.api.SpillConfigurationException if the key given cannot be had
   */
  Result check(SpillStoreInspector inspector, Session session, Value value) throws IOException {
    byte[] frame;
    try {
      frame = inspector.read(session, value);
    } catch (NoSuchFileException e) {
      return new Result(Outcome.GONE, null, "gone since it was listed", null);
    }
    if (!value.keyKnown()) {
      // The store does not know the segment's name: the frame's own name is not checked against one.
      try {
        return new Result(Outcome.OK, null, "verified", SpillFrames.decode(frame));
      } catch (CorruptSegmentException e) {
        return e.reason() == Reason.UNSUPPORTED_ENCODING
            ? new Result(Outcome.NOT_VERIFIED, null, "not verified: " + detail(e), null)
            : corrupt(e);
      }
    }
    SpillFrames frames = framesFor(session);
    try {
      frames.header(value.key(), new ByteArrayReadChannel(frame));
    } catch (CorruptSegmentException e) {
      return e.reason() == Reason.UNSUPPORTED_ENCODING
          ? new Result(Outcome.NOT_VERIFIED, null, "not verified: " + detail(e), null)
          : corrupt(e);
    }
    try {
      return new Result(Outcome.OK, null, "verified", frames.decode(value.key(), frame));
    } catch (CorruptSegmentException e) {
      if (e.reason() != Reason.UNSUPPORTED_ENCODING) {
        return corrupt(e);
      }
      if (e.getCause() instanceof LinkageError) {
        return new Result(Outcome.NOT_VERIFIED, null, "not verified: " + detail(e), null);
      }
      String why = session.kind() == Kind.EPHEMERAL
          ? "an ephemeral session's key lived in its owner's memory only"
          : "no key given (--key-file, or -o " + SpillKeyProvider.OPTION + "=...)";
      return new Result(Outcome.NOT_VERIFIED, null, "encrypted, not verified: checksums hold, contents not "
          + "authenticated: " + why, null);
    }
  }

  /** The decoder for {@code session}: with the session's key for a persistent session when a key was given. */
  private SpillFrames framesFor(Session session) {
    if (!keyGiven || session.kind() != Kind.PERSISTENT) {
      return plain;
    }
    SpillFrames frames = keyed.get(session.persistentName());
    if (frames == null) {
      SpillConfig.Builder builder = SpillConfig.builder().persistentSession(session.persistentName())
          .encryption("aes-gcm");
      location.options().forEach(builder::option);
      frames = SpillFrames.create(builder.build());
      keyed.put(session.persistentName(), frames);
    }
    return frames;
  }

  private static Result corrupt(CorruptSegmentException e) {
    String detail = detail(e);
    if (e.reason() == Reason.AUTHENTICATION_FAILED) {
      detail += " (or the key given is not this session's)";
    }
    return new Result(Outcome.CORRUPT, e.reason(), detail, null);
  }

  /** The exception's detail, without the "Corrupt spill frame for segment '...' (REASON): " it starts with. */
  private static String detail(CorruptSegmentException e) {
    String message = String.valueOf(e.getMessage());
    int at = message.indexOf("): ");
    return at < 0 ? message : message.substring(at + 3);
  }
}
