package io.spillway.store.s3;

import java.util.concurrent.Callable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A test class's own S3 server with one bucket and a client on it, started before the class's first test and
 * stopped after its last: {@code @RegisterExtension static final S3Bucket<S3ProxyServer> S3 = S3Bucket.s3Proxy("b")}.
 *
 * @param <T> the kind of server
 */
final class S3Bucket<T extends S3TestServer> implements BeforeAllCallback, AfterAllCallback {
  private final String bucket;
  private final Callable<T> start;
  private T server;
  private S3Client client;

  private S3Bucket(String bucket, Callable<T> start) {
    this.bucket = bucket;
    this.start = start;
  }

  /** S3Proxy in this JVM, over an in-memory backend. */
  static S3Bucket<S3ProxyServer> s3Proxy(String bucket) {
    return new S3Bucket<>(bucket, S3ProxyServer::new);
  }

  /** s3rver, installed from npm into the build folder if needed, as a child process. */
  static S3Bucket<S3rverServer> s3rver(String bucket) {
    return new S3Bucket<>(bucket, S3rverServer::new);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    server = start.call();
    server.createBucket(bucket);
    client = server.client();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    client.close();
    server.shutdown();
  }

  /** The running server. */
  T server() {
    return server;
  }

  /** A client of the server, for the test to look at the bucket directly; closed with the server. */
  S3Client client() {
    return client;
  }

  String bucket() {
    return bucket;
  }
}
