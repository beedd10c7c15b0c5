package io.spillway.store.s3;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the requests a store makes for values and the most part transfers in flight at once; the probe's requests
 * at open are not counted.
 */
final class CountingOps extends ForwardingOps {
  final AtomicInteger puts = new AtomicInteger();
  final AtomicInteger parts = new AtomicInteger();
  final AtomicInteger wholeGets = new AtomicInteger();
  final AtomicInteger rangedGets = new AtomicInteger();
  final AtomicInteger maxInFlight = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();

  CountingOps(ObjectOps delegate) {
    super(delegate);
  }

  /** Whether {@code key} is one of the objects of the probe at open. */
  static boolean isProbe(String key) {
    return key.endsWith("/" + ServerProbe.PUT_KEY) || key.endsWith("/" + ServerProbe.MULTIPART_KEY);
  }

  private void enter() {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
  }

  @Override
  public String put(String bucket, String key, ByteBuffer[] body, long length) {
    if (key.contains("/" + S3Keys.VALUES)) {
      puts.incrementAndGet();
    }
    return super.put(bucket, key, body, length);
  }

  @Override
  public String uploadPart(String bucket, String key, String uploadId, int partNumber, ByteBuffer[] body,
      long length) {
    if (isProbe(key)) {
      return super.uploadPart(bucket, key, uploadId, partNumber, body, length);
    }
    parts.incrementAndGet();
    enter();
    try {
      return super.uploadPart(bucket, key, uploadId, partNumber, body, length);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  @Override
  public Got get(String bucket, String key, long first, long last) {
    if (isProbe(key)) {
      return super.get(bucket, key, first, last);
    }
    (last < 0 ? wholeGets : rangedGets).incrementAndGet();
    enter();
    try {
      return super.get(bucket, key, first, last);
    } finally {
      inFlight.decrementAndGet();
    }
  }
}
