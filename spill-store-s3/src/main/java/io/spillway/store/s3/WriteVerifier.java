package io.spillway.store.s3;

import java.io.IOException;
import java.util.List;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Checks that what the server stored for a write is what was sent, before the write returns (and so before the
 * manager may release the value's memory). A single PUT is checked by its ETag where the probe saw the server
 * report content MD5s (no extra request), else by a HEAD of the object's length; a multipart upload by each part's
 * ETag where those are MD5s, then by a HEAD of the whole object's length, and its ETag where it follows S3's rule.
 * Off ({@code s3.verifyWrites=false}), nothing is checked after the probe at open. Thread-safe (stateless but for
 * its settings).
 *
 * <p>Internal, may change.
 */
final class WriteVerifier {
  private final ObjectOps ops;
  private final String bucket;
  private final ServerProfile profile;
  private final boolean enabled;
  private final String likelyCause;

  /**
   * @param likelyCause the settings that may make a server alter uploads, for the message of a failed check
   */
  WriteVerifier(ObjectOps ops, String bucket, ServerProfile profile, boolean enabled, String likelyCause) {
    this.ops = ops;
    this.bucket = bucket;
    this.profile = profile;
    this.enabled = enabled;
    this.likelyCause = likelyCause;
  }

  /** A stored object that is not what was written. */
  static final class MismatchException extends IOException {
    private static final long serialVersionUID = 1L;

    MismatchException(String message) {
      super(message);
    }
  }

  /** Whether a PUT's body must be digested before it is sent, for {@link #checkPut}. */
  boolean digestsPuts() {
    return enabled && profile.putETags();
  }

  /** Whether each part's body must be digested, for {@link #checkPart} and {@link #checkMultipart}. */
  boolean digestsParts() {
    return enabled && (profile.partETags() || profile.multipartETags());
  }

  /**
   * Checks a completed PUT of {@code length} bytes.
   *
   * @param md5 the MD5 of the body, given exactly when {@link #digestsPuts()}
   * @throws MismatchException if the server stored something else
   * @throws IOException if the object's length cannot be read back
   */
  void checkPut(String segment, String objectKey, long length, byte @Nullable [] md5, @Nullable String eTag)
      throws IOException {
    if (!enabled) {
      return;
    }
    if (md5 != null) {
      String expected = ETags.ofPut(md5);
      if (!ETags.matches(eTag, expected)) {
        throw mismatch(segment, objectKey, "reported ETag " + eTag + " for a PUT whose content MD5 is " + expected);
      }
      return;
    }
    checkLength(segment, objectKey, length);
  }

  /**
   * Checks one uploaded part.
   *
   * @param md5 the part's MD5, or {@code null} when {@link #digestsParts()} is false
   */
  void checkPart(String segment, String objectKey, int partNumber, byte @Nullable [] md5, @Nullable String eTag)
      throws MismatchException {
    if (!enabled || md5 == null || !profile.partETags()) {
      return;
    }
    String expected = ETags.ofPut(md5);
    if (!ETags.matches(eTag, expected)) {
      throw mismatch(segment, objectKey, "reported ETag " + eTag + " for part " + partNumber
          + " whose content MD5 is " + expected);
    }
  }

  /**
   * Checks a completed multipart upload of {@code length} bytes.
   *
   * @param partMd5s the parts' MD5s in order, or {@code null} when {@link #digestsParts()} is false
   */
  void checkMultipart(String segment, String objectKey, long length, @Nullable List<byte[]> partMd5s)
      throws IOException {
    if (!enabled) {
      return;
    }
    ObjectOps.Head head = checkLength(segment, objectKey, length);
    if (partMd5s != null && profile.multipartETags()) {
      String expected = ETags.ofMultipart(partMd5s);
      if (!ETags.matches(head.eTag(), expected)) {
        throw mismatch(segment, objectKey, "reported ETag " + head.eTag() + " for a multipart upload whose parts'"
            + " MD5s make " + expected);
      }
    }
  }

  private ObjectOps.Head checkLength(String segment, String objectKey, long length) throws IOException {
    ObjectOps.Head head;
    try {
      head = ops.head(bucket, objectKey);
    } catch (SdkException e) {
      throw S3Errors.io("check of the write of segment '" + segment + "'", bucket, objectKey, e);
    }
    if (head.length() != length) {
      throw mismatch(segment, objectKey, "stored " + head.length() + " bytes for the " + length + " written");
    }
    return head;
  }

  private MismatchException mismatch(String segment, String objectKey, String what) {
    return new MismatchException("The S3 server " + what + " of segment '" + segment + "' at "
        + S3Errors.uri(bucket, objectKey) + ": the stored copy is not the frame, so the write does not count (the"
        + " value stays where it was). Likely cause: " + likelyCause);
  }
}
