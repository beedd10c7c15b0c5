package io.spillway.store.s3;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;

/** Counts the requests a store makes and the most part transfers in flight at once. */
final class CountingOps implements ObjectOps {
  final AtomicInteger puts = new AtomicInteger();
  final AtomicInteger parts = new AtomicInteger();
  final AtomicInteger wholeGets = new AtomicInteger();
  final AtomicInteger rangedGets = new AtomicInteger();
  final AtomicInteger maxInFlight = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final ObjectOps delegate;

  CountingOps(ObjectOps delegate) {
    this.delegate = delegate;
  }

  private void enter() {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
  }

  @Override
  public void headBucket(String bucket) {
    delegate.headBucket(bucket);
  }

  @Override
  public String put(String bucket, String key, ByteBuffer[] body, long length) {
    if (key.contains("/" + S3Keys.VALUES)) {
      puts.incrementAndGet();
    }
    return delegate.put(bucket, key, body, length);
  }

  @Override
  public String createMultipart(String bucket, String key) {
    return delegate.createMultipart(bucket, key);
  }

  @Override
  public String uploadPart(String bucket, String key, String uploadId, int partNumber, ByteBuffer[] body,
      long length) {
    parts.incrementAndGet();
    enter();
    try {
      return delegate.uploadPart(bucket, key, uploadId, partNumber, body, length);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  @Override
  public void completeMultipart(String bucket, String key, String uploadId, List<CompletedPart> completed) {
    delegate.completeMultipart(bucket, key, uploadId, completed);
  }

  @Override
  public void abortMultipart(String bucket, String key, String uploadId) {
    delegate.abortMultipart(bucket, key, uploadId);
  }

  @Override
  public Got get(String bucket, String key, long first, long last) {
    (last < 0 ? wholeGets : rangedGets).incrementAndGet();
    enter();
    try {
      return delegate.get(bucket, key, first, last);
    } finally {
      inFlight.decrementAndGet();
    }
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
