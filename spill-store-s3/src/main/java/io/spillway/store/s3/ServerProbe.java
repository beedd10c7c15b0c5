package io.spillway.store.s3;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The probe a store runs when it opens: a small object written and read back byte-exact through the store's own
 * client, once with a PUT and once as a one-part multipart upload, and a ranged GET of it. A server that keeps
 * something other than the bytes sent (the {@code aws-chunked} framing, a checksum trailer) or refuses the upload is
 * found here, before any value depends on it; what the server reports of the objects (ETags, lengths) tells how
 * later writes can be checked ({@link ServerProfile}). The probe objects live in the new session's folder and are
 * deleted at once. Stateless.
 *
 * <p>Internal, may change.
 */
final class ServerProbe {
  /** Bytes of the probe object: more than a few sectors, less than any request-size limit. */
  static final int PROBE_BYTES = 4_099;
  static final String PUT_KEY = "probe";
  static final String MULTIPART_KEY = "probe-multipart";
  private static final int RANGE_FIRST = 1_000;
  private static final int RANGE_LAST = 2_999;

  /**
   * The server did not keep what the store sent, refused to take it, or dropped the connection while it was sent.
   * Only the last may have had nothing to do with the client's options: it is not {@link #definite()}.
   */
  static final class UploadRejected extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean definite;

    UploadRejected(String finding, @Nullable Throwable cause, boolean definite) {
      super(finding, cause, false, false);
      this.definite = definite;
    }

    UploadRejected(String finding) {
      this(finding, null, true);
    }

    /** Whether the server surely altered or refused the upload, rather than a connection failing during it. */
    boolean definite() {
      return definite;
    }
  }

  private ServerProbe() {}

  /**
   * Probes the server under {@code folder} (ending in {@code /}).
   *
   * @throws UploadRejected if the server altered a probe object, refused an upload with a client error, or broke
   *     off an upload
   * @throws SdkException if the server failed otherwise (5xx other than 501, a failed GET or HEAD)
   */
  static ServerProfile run(ObjectOps ops, String bucket, String folder) throws UploadRejected {
    byte[] payload = new byte[PROBE_BYTES];
    new SplittableRandom(System.nanoTime()).nextBytes(payload);
    String md5 = ETags.ofPut(ETags.md5(ByteBuffer.wrap(payload)));
    String putKey = folder + PUT_KEY;
    String multipartKey = folder + MULTIPART_KEY;
    try {
      @Nullable String putETag =
          refusedAsRejection("PUT", () -> ops.put(bucket, putKey, wrap(payload), payload.length));
      expectSame("a PUT", payload, ops.get(bucket, putKey, 0, -1).bytes());
      expectLength("a PUT", payload.length, ops.head(bucket, putKey).length());
      byte[] range = ops.get(bucket, putKey, RANGE_FIRST, RANGE_LAST).bytes();
      boolean rangedGets = Arrays.equals(range, Arrays.copyOfRange(payload, RANGE_FIRST, RANGE_LAST + 1));

      String uploadId;
      try {
        uploadId = ops.createMultipart(bucket, multipartKey);
      } catch (S3Exception e) {
        if (!isClientError(e)) {
          throw e;
        }
        return new ServerProfile(ETags.matches(putETag, md5), false, false, rangedGets, false);
      }
      @Nullable String partETag;
      @Nullable String completeETag;
      try {
        partETag = refusedAsRejection("multipart part upload",
            () -> ops.uploadPart(bucket, multipartKey, uploadId, 1, wrap(payload), payload.length));
        CompletedPart part = CompletedPart.builder().partNumber(1).eTag(partETag).build();
        completeETag = refusedAsRejection("multipart upload completion",
            () -> ops.completeMultipart(bucket, multipartKey, uploadId, List.of(part)));
      } catch (UploadRejected | RuntimeException e) {
        abortQuietly(ops, bucket, multipartKey, uploadId);
        throw e;
      }
      expectSame("a multipart upload", payload, ops.get(bucket, multipartKey, 0, -1).bytes());
      ObjectOps.Head head = ops.head(bucket, multipartKey);
      expectLength("a multipart upload", payload.length, head.length());
      String multipartETag = ETags.ofMultipart(List.of(ETags.md5(ByteBuffer.wrap(payload))));
      return new ServerProfile(ETags.matches(putETag, md5), ETags.matches(partETag, md5),
          ETags.matches(head.eTag() != null ? head.eTag() : completeETag, multipartETag), rangedGets, true);
    } finally {
      deleteQuietly(ops, bucket, putKey);
      deleteQuietly(ops, bucket, multipartKey);
    }
  }

  private interface Call {
    @Nullable String run();
  }

  private static @Nullable String refusedAsRejection(String what, Call call) throws UploadRejected {
    try {
      return call.run();
    } catch (S3Exception e) {
      if (!isClientError(e)) {
        throw e;
      }
      throw new UploadRejected("refused a " + what + " of a " + PROBE_BYTES + "-byte probe object: HTTP "
          + e.statusCode() + " " + errorCode(e) + " (" + e.getMessage() + ")", e, true);
    } catch (SdkClientException e) {
      // The bucket answered a moment ago: a server that refuses a request's headers may answer before reading the
      // body and drop the connection (S3Proxy does, now and then), which the client reports as a write error.
      throw new UploadRejected("broke off a " + what + " of a " + PROBE_BYTES + "-byte probe object ("
          + e.getMessage() + ")", e, false);
    }
  }

  /** 4xx, and 501 (a header the server does not implement): answers that another client setting may change. */
  private static boolean isClientError(S3Exception e) {
    return (e.statusCode() >= 400 && e.statusCode() < 500) || e.statusCode() == 501;
  }

  private static String errorCode(S3Exception e) {
    return e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null
        ? e.awsErrorDetails().errorCode() : "";
  }

  private static void expectSame(String how, byte[] sent, byte[] stored) throws UploadRejected {
    if (Arrays.equals(sent, stored)) {
      return;
    }
    throw new UploadRejected("stored " + describeDifference(sent, stored) + " for a " + how + " of a " + sent.length
        + "-byte probe object");
  }

  private static void expectLength(String how, long sent, long reported) throws UploadRejected {
    if (sent != reported) {
      throw new UploadRejected("reports a length of " + reported + " bytes for a " + how + " of a " + sent
          + "-byte probe object");
    }
  }

  /** What the stored bytes are, in words: the framing or trailer they hold, else how they differ. */
  static String describeDifference(byte[] sent, byte[] stored) {
    String text = new String(stored, ISO_8859_1);
    String size = stored.length + " bytes";
    if (text.contains("chunk-signature=") || text.matches("(?s)^[0-9a-fA-F]+;.*")) {
      return size + " holding the aws-chunked upload framing";
    }
    if (text.contains("x-amz-checksum-")) {
      return size + " holding an x-amz-checksum trailer";
    }
    if (stored.length != sent.length) {
      return size;
    }
    int at = Arrays.mismatch(sent, stored);
    return "other bytes (the first difference at byte " + at + ")";
  }

  private static ByteBuffer[] wrap(byte[] payload) {
    return new ByteBuffer[] {ByteBuffer.wrap(payload)};
  }

  private static void abortQuietly(ObjectOps ops, String bucket, String key, String uploadId) {
    try {
      ops.abortMultipart(bucket, key, uploadId);
    } catch (SdkException e) {
      // Left for the session's close, which aborts the uploads under its folder.
    }
  }

  private static void deleteQuietly(ObjectOps ops, String bucket, String key) {
    try {
      ops.delete(bucket, key);
    } catch (SdkException e) {
      // The object is in the session's folder: close() or the dead-session rule removes it.
    }
  }
}
