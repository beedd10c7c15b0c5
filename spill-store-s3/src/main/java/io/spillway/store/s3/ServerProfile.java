package io.spillway.store.s3;

/**
 * What the probe at open found out about an S3-compatible server: which of S3's content ETags it reports, whether
 * it serves byte ranges exactly and whether it takes multipart uploads. It decides how each write is checked and
 * how large values move. Immutable.
 *
 * <p>Internal, may change.
 *
 * @param putETags whether the ETag of a PUT is the MD5 of the bytes stored
 * @param partETags whether the ETag of an uploaded part is the MD5 of the part
 * @param multipartETags whether the ETag of a completed upload is the MD5 of its parts' MD5s, then {@code -<parts>}
 * @param rangedGets whether a GET of a byte range returns exactly those bytes
 * @param multipart whether the server completes multipart uploads
 */
record ServerProfile(boolean putETags, boolean partETags, boolean multipartETags, boolean rangedGets,
    boolean multipart) {

  /** A short description for logs and messages. */
  String describe() {
    return "PUT ETags " + (putETags ? "are" : "are not") + " content MD5s, part ETags "
        + (partETags ? "are" : "are not")
        + ", multipart ETags " + (multipartETags ? "follow" : "do not follow") + " S3's rule, ranged GETs "
        + (rangedGets ? "exact" : "not used") + ", multipart uploads " + (multipart ? "used" : "not supported");
  }
}
