package io.spillway.store.s3;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Deletes objects of one bucket: by multi-object delete while the server accepts it, one request per key otherwise.
 * A failed multi-object delete is remembered, so that a server without it (S3Proxy refuses the checksum header the
 * SDK must put on it) is sent the refused request once, not at every call. Thread-safe.
 *
 * <p>Internal, may change.
 */
final class ObjectDeleter {
  private static final System.Logger LOG = System.getLogger(S3SpillStoreProvider.class.getName());
  private static final int BATCH = 1000;
  /**
   * Fewer keys than this go as single deletes: a handful of requests costs little more than one batch, and a server
   * refusing batches is not sent one (S3Proxy logs an error for each) by the many short sessions of small programs.
   */
  private static final int MIN_BATCH = 8;
  /** Requests failing in a row without an answer from the server, after which it counts as unreachable. */
  private static final int UNREACHABLE_AFTER = 3;

  /** The keys left in the bucket and the failures that left them there; both empty when every key is gone. */
  record Outcome(List<String> left, List<SdkException> failures) {
    boolean complete() {
      return left.isEmpty();
    }
  }

  private final ObjectOps ops;
  private final String bucket;
  private volatile boolean batchRefused;

  ObjectDeleter(ObjectOps ops, String bucket) {
    this.ops = ops;
    this.bucket = bucket;
  }

  /** Whether a multi-object delete failed, so that only single deletes are sent now. */
  boolean batchRefused() {
    return batchRefused;
  }

  /**
   * Deletes {@code keys}, going on whatever fails on the way; each request is retried by the client with its
   * configured attempts and backoff. Only when {@value #UNREACHABLE_AFTER} requests in a row got no answer at all is
   * the server taken as unreachable and the rest left. Never throws {@link SdkException}: failures are in the outcome.
   */
  Outcome deleteAll(List<String> keys) {
    List<String> left = new ArrayList<>();
    List<SdkException> failures = new ArrayList<>();
    int unanswered = 0;
    for (int from = 0; from < keys.size(); from += BATCH) {
      List<String> batch = keys.subList(from, Math.min(keys.size(), from + BATCH));
      List<String> one = batch;
      if (!batchRefused && batch.size() >= MIN_BATCH) {
        try {
          one = ops.deleteBatch(bucket, batch);
        } catch (SdkException e) {
          // Refused outright (HTTP 400/405/501), or a connection the server closed while the body was still being
          // sent, which is how a server that answers a refusal at once can look. Single deletes are always correct, so
          // this store does not try again; they settle this batch.
          batchRefused = true;
          LOG.log(Level.DEBUG, "Multi-object delete on bucket " + bucket + " failed ("
              + (e instanceof S3Exception s3 ? "HTTP " + s3.statusCode() : e.getMessage())
              + "); deleting one object per request from now on");
        }
      }
      for (String key : one) {
        if (unanswered >= UNREACHABLE_AFTER) {
          // Each of these already took every retry: the rest would only make close() wait as long again per key.
          left.add(key);
          continue;
        }
        try {
          ops.delete(bucket, key);
          unanswered = 0;
        } catch (S3Exception e) {
          unanswered = 0;
          if (e.statusCode() != 404) {
            left.add(key);
            failures.add(e);
          }
        } catch (SdkException e) {
          unanswered++;
          left.add(key);
          failures.add(e);
        }
      }
    }
    return new Outcome(List.copyOf(left), List.copyOf(failures));
  }
}
