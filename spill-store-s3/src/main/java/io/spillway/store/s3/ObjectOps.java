package io.spillway.store.s3;

import java.nio.ByteBuffer;
import java.util.List;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;

/**
 * The few S3 operations the store uses, over either an {@link software.amazon.awssdk.services.s3.S3Client} or an
 * {@link software.amazon.awssdk.services.s3.S3AsyncClient}, so the store's logic exists once. Every method blocks
 * and throws the SDK's unchecked {@link software.amazon.awssdk.core.exception.SdkException} on failure (never a
 * {@link java.util.concurrent.CompletionException}). Thread-safe.
 *
 * <p>Internal, may change.
 */
interface ObjectOps extends AutoCloseable {

  /** A GET's bytes and the object's whole length. */
  record Got(byte[] bytes, long objectLength) {}

  /** What a HEAD reports of an object: its length and its ETag, if the server sent one. */
  record Head(long length, @Nullable String eTag) {}

  void headBucket(String bucket);

  /** Puts the remaining bytes of {@code body} (not consumed); returns the ETag. */
  String put(String bucket, String key, ByteBuffer[] body, long length);

  String createMultipart(String bucket, String key);

  /** Uploads one part from the remaining bytes of {@code body} (not consumed); returns its ETag. */
  String uploadPart(String bucket, String key, String uploadId, int partNumber, ByteBuffer[] body, long length);

  /** Completes the upload; returns the object's ETag, or {@code null} if the server sent none. */
  @Nullable String completeMultipart(String bucket, String key, String uploadId, List<CompletedPart> parts);

  void abortMultipart(String bucket, String key, String uploadId);

  /** The whole object when {@code last < 0}, else bytes {@code first..last} inclusive. */
  Got get(String bucket, String key, long first, long last);

  /** The object's length and ETag as the server reports them. */
  Head head(String bucket, String key);

  void delete(String bucket, String key);

  /** Deletes up to 1000 keys in one request; returns the keys the server reported as not deleted. */
  List<String> deleteBatch(String bucket, List<String> keys);

  ListObjectsV2Response list(ListObjectsV2Request request);

  ListMultipartUploadsResponse listUploads(ListMultipartUploadsRequest request);

  /** Closes the client if the store owns it; otherwise does nothing. */
  @Override
  void close();
}
