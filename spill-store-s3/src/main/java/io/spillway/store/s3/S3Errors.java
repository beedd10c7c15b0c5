package io.spillway.store.s3;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.NoSuchFileException;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Turns SDK failures into the {@link IOException}s the store contract asks for. Internal, may change.
 */
final class S3Errors {
  private S3Errors() {}

  static String uri(String bucket, String objectKey) {
    return "s3://" + bucket + "/" + objectKey;
  }

  /**
   * An {@link IOException} for a failed {@code action} on the object, {@link NoSuchFileException} when it is gone.
   * {@code cause} is null only for a future that failed without one (the cause of an {@code ExecutionException},
   * which the JDK's futures always set): the message then names none.
   */
  static IOException io(String action, String bucket, String objectKey, @Nullable Throwable cause) {
    if (cause instanceof IOException io) {
      return io;
    }
    String where = uri(bucket, objectKey);
    if (cause instanceof NoSuchKeyException || (cause instanceof S3Exception s3 && s3.statusCode() == 404)) {
      NoSuchFileException missing = new NoSuchFileException(where, null, "no such object");
      missing.initCause(cause);
      return missing;
    }
    if (cause instanceof AbortedException) {
      InterruptedIOException interrupted = new InterruptedIOException("S3 " + action + " of " + where + " interrupted");
      interrupted.initCause(cause);
      return interrupted;
    }
    String why = cause != null ? ": " + cause.getMessage() : "";
    return new IOException("S3 " + action + " of " + where + " failed" + why, cause);
  }
}
