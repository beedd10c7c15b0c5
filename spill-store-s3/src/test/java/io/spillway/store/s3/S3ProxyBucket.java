package io.spillway.store.s3;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A test class's own S3Proxy server with one bucket and a client on it: started before the class's first test and
 * stopped after its last. Register it with {@code @RegisterExtension static final S3ProxyBucket s3 = ...}.
 */
final class S3ProxyBucket implements BeforeAllCallback, AfterAllCallback {
  private final String bucket;
  private S3ProxyServer server;
  private S3Client client;

  /** @param bucket the bucket created on the server */
  S3ProxyBucket(String bucket) {
    this.bucket = bucket;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    server = new S3ProxyServer();
    server.createBucket(bucket);
    client = server.client();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    client.close();
    server.shutdown();
  }

  /** The running server. */
  S3ProxyServer server() {
    return server;
  }

  /** A client of the server, for the test to look at the bucket directly; closed with the server. */
  S3Client client() {
    return client;
  }
}
