package io.spillway.store.s3;

import org.junit.jupiter.api.extension.RegisterExtension;

/** Persistent sessions of the s3 store against s3rver, a server of its own that keeps objects as files. */
class S3rverPersistentSessionTest extends PersistentSessionTests {
  @RegisterExtension static final S3Bucket<S3rverServer> S3 = S3Bucket.s3rver(BUCKET);

  @Override
  S3Bucket<?> s3() {
    return S3;
  }

  @Override
  boolean listsUploads() {
    return false;
  }
}
