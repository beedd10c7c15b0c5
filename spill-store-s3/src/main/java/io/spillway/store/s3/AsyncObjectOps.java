package io.spillway.store.s3;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3AsyncClient;
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
 * {@link ObjectOps} over an asynchronous client, waiting for each call. Thread-safe.
 *
 * <p>Internal, may change.
 */
final class AsyncObjectOps implements ObjectOps {
  private static final String OCTETS = "application/octet-stream";

  private final S3AsyncClient s3;
  private final boolean owned;

  AsyncObjectOps(S3AsyncClient s3, boolean owned) {
    this.s3 = s3;
    this.owned = owned;
  }

  private static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw SdkClientException.create("Interrupted while waiting for S3", e);
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof SdkException sdk) {
        throw sdk;
      }
      throw SdkClientException.create(String.valueOf(cause.getMessage()), cause);
    }
  }

  private static AsyncRequestBody body(ByteBuffer[] body, long length) {
    // One array per request (at most a part, or the multipart threshold): the SDK reads an asynchronous body once
    // to sign it and again to send it, which an array supports whatever the buffers' positions.
    byte[] bytes = new byte[Math.toIntExact(length)];
    ByteBuffer target = ByteBuffer.wrap(bytes);
    for (ByteBuffer buffer : body) {
      target.put(buffer.duplicate());
    }
    return AsyncRequestBody.fromBytes(bytes);
  }

  @Override
  public void headBucket(String bucket) {
    await(s3.headBucket(b -> b.bucket(bucket)));
  }

  @Override
  public String put(String bucket, String key, ByteBuffer[] body, long length) {
    return await(s3.putObject(b -> b.bucket(bucket).key(key).contentLength(length).contentType(OCTETS),
        body(body, length))).eTag();
  }

  @Override
  public String createMultipart(String bucket, String key) {
    return await(s3.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType(OCTETS))).uploadId();
  }

  @Override
  public String uploadPart(String bucket, String key, String uploadId, int partNumber, ByteBuffer[] body,
      long length) {
    return await(s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber)
        .contentLength(length), body(body, length))).eTag();
  }

  @Override
  public @Nullable String completeMultipart(String bucket, String key, String uploadId, List<CompletedPart> parts) {
    return await(s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
        .multipartUpload(m -> m.parts(parts)))).eTag();
  }

  @Override
  public void abortMultipart(String bucket, String key, String uploadId) {
    await(s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)));
  }

  @Override
  public Got get(String bucket, String key, long first, long last) {
    GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(bucket).key(key);
    if (last >= 0) {
      request.range("bytes=" + first + "-" + last);
    }
    ResponseBytes<GetObjectResponse> got = await(s3.getObject(request.build(), AsyncResponseTransformer.toBytes()));
    byte[] bytes = got.asByteArrayUnsafe();
    return new Got(bytes, ObjectLengths.of(got.response(), bytes.length));
  }

  @Override
  public Head head(String bucket, String key) {
    HeadObjectResponse response = await(s3.headObject(b -> b.bucket(bucket).key(key)));
    return new Head(response.contentLength(), response.eTag());
  }

  @Override
  public void delete(String bucket, String key) {
    await(s3.deleteObject(b -> b.bucket(bucket).key(key)));
  }

  @Override
  public List<String> deleteBatch(String bucket, List<String> keys) {
    List<ObjectIdentifier> ids = new ArrayList<>(keys.size());
    for (String key : keys) {
      ids.add(ObjectIdentifier.builder().key(key).build());
    }
    DeleteObjectsResponse response =
        await(s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(ids).quiet(true))));
    return response.errors().stream().map(S3Error::key).toList();
  }

  @Override
  public ListObjectsV2Response list(ListObjectsV2Request request) {
    return await(s3.listObjectsV2(request));
  }

  @Override
  public ListMultipartUploadsResponse listUploads(ListMultipartUploadsRequest request) {
    return await(s3.listMultipartUploads(request));
  }

  @Override
  public void close() {
    if (owned) {
      s3.close();
    }
  }
}
