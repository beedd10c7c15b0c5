package io.spillway.store.s3;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store contract against s3rver, a second S3-compatible server independent of S3Proxy, which needs the store's
 * default client options changed (the probe at open does that).
 */
class S3rverContractTest extends S3ContractTest {
  @RegisterExtension static final S3Bucket<S3rverServer> S3 = S3Bucket.s3rver(BUCKET);

  @Override
  S3Bucket<?> s3() {
    return S3;
  }
}
