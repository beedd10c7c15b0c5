package io.spillway.store.s3;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A test class's own s3rver process with one bucket and a client on it, started before the class's first test and
 * stopped after its last. Register it with {@code @RegisterExtension static final S3rverBucket s3 = ...}.
 */
final class S3rverBucket implements BeforeAllCallback, AfterAllCallback {
  private final String bucket;
  private S3rverServer server;
  private S3Client client;

  /** @param bucket the bucket created on the server */
  S3rverBucket(String bucket) {
    this.bucket = bucket;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    server = new S3rverServer(bucket);
    client = server.client();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    client.close();
    server.shutdown();
  }

  S3rverServer server() {
    return server;
  }

  S3Client client() {
    return client;
  }

  String bucket() {
    return bucket;
  }
}
