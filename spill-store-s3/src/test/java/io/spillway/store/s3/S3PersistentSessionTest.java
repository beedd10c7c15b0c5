package io.spillway.store.s3;

import org.junit.jupiter.api.extension.RegisterExtension;

/** Persistent sessions of the s3 store against S3Proxy in this JVM. */
class S3PersistentSessionTest extends PersistentSessionTests {
  @RegisterExtension static final S3Bucket<S3ProxyServer> S3 = S3Bucket.s3Proxy(BUCKET);

  @Override
  S3Bucket<?> s3() {
    return S3;
  }

  @Override
  boolean listsUploads() {
    return true;
  }
}
