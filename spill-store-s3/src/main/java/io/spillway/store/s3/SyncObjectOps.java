package io.spillway.store.s3;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;

/**
 * {@link ObjectOps} over a synchronous client. Thread-safe.
 *
 * <p>Internal, may change.
 */
final class SyncObjectOps implements ObjectOps {
  private static final String OCTETS = "application/octet-stream";

  private final S3Client s3;
  private final boolean owned;

  SyncObjectOps(S3Client s3, boolean owned) {
    this.s3 = s3;
    this.owned = owned;
  }

  private static RequestBody body(ByteBuffer[] body, long length) {
    return RequestBody.fromContentProvider(() -> new BufferStream(body), length, OCTETS);
  }

  @Override
  public void headBucket(String bucket) {
    s3.headBucket(b -> b.bucket(bucket));
  }

  @Override
  public String put(String bucket, String key, ByteBuffer[] body, long length) {
    return s3.putObject(b -> b.bucket(bucket).key(key).contentLength(length).contentType(OCTETS),
        body(body, length)).eTag();
  }

  @Override
  public String createMultipart(String bucket, String key) {
    return s3.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType(OCTETS)).uploadId();
  }

  @Override
  public String uploadPart(String bucket, String key, String uploadId, int partNumber, ByteBuffer[] body,
      long length) {
    return s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber)
        .contentLength(length), body(body, length)).eTag();
  }

  @Override
  public @Nullable String completeMultipart(String bucket, String key, String uploadId, List<CompletedPart> parts) {
    return s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
        .multipartUpload(m -> m.parts(parts))).eTag();
  }

  @Override
  public void abortMultipart(String bucket, String key, String uploadId) {
    s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
  }

  @Override
  public Got get(String bucket, String key, long first, long last) {
    GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(bucket).key(key);
    if (last >= 0) {
      request.range("bytes=" + first + "-" + last);
    }
    return s3.getObject(request.build(), (GetObjectResponse response, AbortableInputStream in) -> {
      byte[] bytes = readBody(in, response.contentLength());
      return new Got(bytes, ObjectLengths.of(response, bytes.length));
    });
  }

  /**
   * The body, read straight into an array of the announced length. The SDK's {@code getObjectAsBytes} grows a buffer
   * from a few bytes and copies it out again, about three copies of every byte, which a ranged read of every part of
   * a large value pays on CPU the transfer itself needs.
   */
  static byte[] readBody(InputStream in, @Nullable Long contentLength) throws IOException {
    if (contentLength == null || contentLength < 0 || contentLength > Integer.MAX_VALUE - 8) {
      return in.readAllBytes();
    }
    byte[] bytes = new byte[contentLength.intValue()];
    int filled = 0;
    while (filled < bytes.length) {
      int n = in.read(bytes, filled, bytes.length - filled);
      if (n < 0) {
        // Shorter than announced: hand back what came; the ranged reader and the frame check reject it.
        return Arrays.copyOf(bytes, filled);
      }
      filled += n;
    }
    return bytes;
  }

  @Override
  public Head head(String bucket, String key) {
    HeadObjectResponse response = s3.headObject(b -> b.bucket(bucket).key(key));
    return new Head(response.contentLength(), response.eTag());
  }

  @Override
  public void delete(String bucket, String key) {
    s3.deleteObject(b -> b.bucket(bucket).key(key));
  }

  @Override
  public List<String> deleteBatch(String bucket, List<String> keys) {
    List<ObjectIdentifier> ids = new ArrayList<>(keys.size());
    for (String key : keys) {
      ids.add(ObjectIdentifier.builder().key(key).build());
    }
    DeleteObjectsResponse response = s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(ids).quiet(true)));
    return response.errors().stream().map(S3Error::key).toList();
  }

  @Override
  public ListObjectsV2Response list(ListObjectsV2Request request) {
    return s3.listObjectsV2(request);
  }

  @Override
  public ListMultipartUploadsResponse listUploads(ListMultipartUploadsRequest request) {
    return s3.listMultipartUploads(request);
  }

  @Override
  public void close() {
    if (owned) {
      s3.close();
    }
  }
}
