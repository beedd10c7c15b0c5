package io.spillway.store.s3;

import java.nio.ByteBuffer;
import java.util.List;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;

/** Forwards every call to a real {@link ObjectOps}; tests override the calls they count or make fail. */
class ForwardingOps implements ObjectOps {
  private final ObjectOps delegate;

  ForwardingOps(ObjectOps delegate) {
    this.delegate = delegate;
  }

  @Override
  public void headBucket(String bucket) {
    delegate.headBucket(bucket);
  }

  @Override
  public String put(String bucket, String key, ByteBuffer[] body, long length) {
    return delegate.put(bucket, key, body, length);
  }

  @Override
  public String createMultipart(String bucket, String key) {
    return delegate.createMultipart(bucket, key);
  }

  @Override
  public String uploadPart(String bucket, String key, String uploadId, int partNumber, ByteBuffer[] body,
      long length) {
    return delegate.uploadPart(bucket, key, uploadId, partNumber, body, length);
  }

  @Override
  public @Nullable String completeMultipart(String bucket, String key, String uploadId, List<CompletedPart> parts) {
    return delegate.completeMultipart(bucket, key, uploadId, parts);
  }

  @Override
  public void abortMultipart(String bucket, String key, String uploadId) {
    delegate.abortMultipart(bucket, key, uploadId);
  }

  @Override
  public Got get(String bucket, String key, long first, long last) {
    return delegate.get(bucket, key, first, last);
  }

  @Override
  public Head head(String bucket, String key) {
    return delegate.head(bucket, key);
  }

  @Override
  public void delete(String bucket, String key) {
    delegate.delete(bucket, key);
  }

  @Override
  public List<String> deleteBatch(String bucket, List<String> keys) {
    return delegate.deleteBatch(bucket, keys);
  }

  @Override
  public ListObjectsV2Response list(ListObjectsV2Request request) {
    return delegate.list(request);
  }

  @Override
  public ListMultipartUploadsResponse listUploads(ListMultipartUploadsRequest request) {
    return delegate.listUploads(request);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
