package io.spillway.store.s3;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store contract against S3Proxy. Each test class (this one, and subclasses that put another store over
 * {@code s3}) starts a server of its own.
 */
class S3SpillStoreContractTest extends S3ContractTest {
  @RegisterExtension static final S3Bucket<S3ProxyServer> S3 = S3Bucket.s3Proxy(BUCKET);

  @Override
  S3Bucket<?> s3() {
    return S3;
  }
}
