package io.spillway.store.s3;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Listing, dead-session detection and removal of session folders. Stateless.
 *
 * <p>Internal, may change.
 */
final class Sessions {
  private static final System.Logger LOG = System.getLogger(S3SpillStoreProvider.class.getName());

  private Sessions() {}

  /** The objects under {@code prefix}, all pages. */
  static List<S3Object> listAll(ObjectOps ops, String bucket, String prefix) {
    List<S3Object> all = new ArrayList<>();
    String token = null;
    do {
      ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix);
      if (token != null) {
        request.continuationToken(token);
      }
      ListObjectsV2Response page = ops.list(request.build());
      all.addAll(page.contents());
      token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
    } while (token != null);
    return all;
  }

  /**
   * Aborts the unfinished uploads under {@code prefix}, only those started before {@code startedBefore} when given.
   * Servers that do not list uploads are skipped quietly: their parts are theirs to expire.
   */
  static void abortUploads(ObjectOps ops, String bucket, String prefix, @Nullable Instant startedBefore) {
    abortUploads(ops, bucket, prefix, startedBefore, key -> true);
  }

  private static void abortUploads(ObjectOps ops, String bucket, String prefix, @Nullable Instant startedBefore,
      Predicate<String> keyFilter) {
    try {
      String keyMarker = null;
      String uploadMarker = null;
      do {
        ListMultipartUploadsRequest.Builder request = ListMultipartUploadsRequest.builder().bucket(bucket)
            .prefix(prefix);
        if (keyMarker != null) {
          request.keyMarker(keyMarker).uploadIdMarker(uploadMarker);
        }
        ListMultipartUploadsResponse page = ops.listUploads(request.build());
        for (MultipartUpload upload : page.uploads()) {
          boolean old = startedBefore == null || upload.initiated() == null
              || upload.initiated().isBefore(startedBefore);
          if (old && keyFilter.test(upload.key())) {
            ops.abortMultipart(bucket, upload.key(), upload.uploadId());
          }
        }
        boolean more = Boolean.TRUE.equals(page.isTruncated());
        keyMarker = more ? page.nextKeyMarker() : null;
        uploadMarker = more ? page.nextUploadIdMarker() : null;
      } while (keyMarker != null);
    } catch (SdkException e) {
      LOG.log(Level.DEBUG, "Could not list or abort multipart uploads under " + S3Errors.uri(bucket, prefix)
          + ": " + e);
    }
  }

  /** The server's clock now, read as the last-modified time of {@code objectKey}, which was just written. */
  static Instant serverNow(ObjectOps ops, String bucket, String objectKey) {
    for (S3Object object : listAll(ops, bucket, objectKey)) {
      if (object.key().equals(objectKey) && object.lastModified() != null) {
        return object.lastModified();
      }
    }
    throw new IllegalStateException("Object " + S3Errors.uri(bucket, objectKey) + " just written is not listed");
  }

  /**
   * Removes the dead session folders under {@code base}: those whose newest object is older than {@code serverNow}
   * minus {@code timeout}. A live session rewrites its lease more often than that, so it never qualifies;
   * {@code ownFolder} is skipped whatever its age.
   *
   * @return the number of session folders removed
   */
  static int removeStale(ObjectOps ops, ObjectDeleter deleter, String bucket, String base, @Nullable String ownFolder,
      Instant serverNow, Duration timeout) {
    Instant deadline = serverNow.minus(timeout);
    Map<String, Instant> newest = new HashMap<>();
    Map<String, List<String>> keys = new HashMap<>();
    for (S3Object object : listAll(ops, bucket, base + S3Keys.SESSION_PREFIX)) {
      String folder = S3Keys.sessionFolderOf(base, object.key());
      if (folder == null || folder.equals(ownFolder)) {
        continue;
      }
      Instant modified = object.lastModified() != null ? object.lastModified() : serverNow;
      newest.merge(folder, modified, (a, b) -> a.isAfter(b) ? a : b);
      keys.computeIfAbsent(folder, f -> new ArrayList<>()).add(object.key());
    }
    int removed = 0;
    for (Map.Entry<String, Instant> entry : newest.entrySet()) {
      if (entry.getValue().isBefore(deadline)) {
        String folder = entry.getKey();
        // Both maps were filled together: every folder in newest has its keys.
        ObjectDeleter.Outcome outcome = deleter.deleteAll(Objects.requireNonNull(keys.get(folder)));
        if (!outcome.complete()) {
          throw outcome.failures().get(0);
        }
        abortUploads(ops, bucket, folder, null);
        removed++;
        LOG.log(Level.INFO, "Removed dead S3 spill session " + S3Errors.uri(bucket, folder) + " (last write "
            + entry.getValue() + ", server time " + serverNow + ")");
      }
    }
    // Uploads of sessions that died before writing any object; never those of a live session, however old.
    abortUploads(ops, bucket, base + S3Keys.SESSION_PREFIX, deadline, key -> {
      String folder = S3Keys.sessionFolderOf(base, key);
      return folder != null && !folder.equals(ownFolder)
          && !(newest.containsKey(folder) && !newest.get(folder).isBefore(deadline));
    });
    return removed;
  }
}
