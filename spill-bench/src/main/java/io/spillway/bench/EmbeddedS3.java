package io.spillway.bench;

import io.spillway.api.SpillConfig;
import io.spillway.store.s3.S3StoreSettings;
import java.net.URI;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * An S3 API server in this JVM for the S3 benchmarks: S3Proxy over jclouds' in-memory ({@code transient}) backend on
 * 127.0.0.1, a free port, signature v2 or v4 with fixed credentials, and one bucket. Closing it stops the server
 * and drops every object.
 *
 * <p>Not thread-safe to start or close; the server itself serves any number of clients.
 */
final class EmbeddedS3 implements AutoCloseable {
  private static final String REGION = "us-east-1";

  private final BlobStoreContext backend;
  private final S3Proxy server;
  private final URI endpoint;
  private final String bucket;
  private final String accessKey;
  private final String secretKey;

  private EmbeddedS3(BlobStoreContext backend, S3Proxy server, URI endpoint, String bucket, String accessKey,
      String secretKey) {
    this.backend = backend;
    this.server = server;
    this.endpoint = endpoint;
    this.bucket = bucket;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
  }

  /**
   * Starts a server whose only bucket is {@code bucket}, accepting {@code accessKey}/{@code secretKey}.
   *
   * @throws Exception if the server cannot start (S3Proxy declares {@code Exception})
   */
  static EmbeddedS3 start(String bucket, String accessKey, String secretKey) throws Exception {
    BlobStoreContext backend = ContextBuilder.newBuilder("transient").credentials("identity", "credential")
        .build(BlobStoreContext.class);
    S3Proxy server = S3Proxy.builder()
        .blobStore(backend.getBlobStore())
        .endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
        // Recent SDKs send checksum headers S3Proxy does not know.
        .ignoreUnknownHeaders(true)
        .build();
    try {
      // start() returns once Jetty is started (or throws): no state to poll.
      server.start();
      if (!"STARTED".equals(server.getState())) {
        throw new IllegalStateException("S3Proxy did not start: " + server.getState());
      }
      backend.getBlobStore().createContainerInLocation(null, bucket);
      return new EmbeddedS3(backend, server, URI.create("http://127.0.0.1:" + server.getPort()), bucket, accessKey,
          secretKey);
    } catch (Exception | Error e) {
      try {
        server.stop();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      backend.close();
      throw e;
    }
  }

  /** The server's address, for {@code s3.endpoint}. */
  URI endpoint() {
    return endpoint;
  }

  /** Settings of an {@code s3} store on this server's bucket, with its credentials. */
  S3StoreSettings.Builder storeSettings() {
    return storeSettings(endpoint);
  }

  /**
   * Settings of an {@code s3} store on this server's bucket, with its credentials, reaching it at {@code via} (a
   * proxy in front of {@link #endpoint()}).
   */
  S3StoreSettings.Builder storeSettings(URI via) {
    return S3StoreSettings.builder(bucket).endpoint(via).region(REGION).credentials(accessKey, secretKey, null);
  }

  /** A manager configuration with the {@code s3} store on this server's bucket and an 8 GiB budget. */
  SpillConfig.Builder managerConfig() {
    return storeConfig(endpoint).maxMemory(8L << 30);
  }

  /**
   * A manager configuration with the {@code s3} store on this server's bucket, reached at {@code via}, and no budget
   * set yet (a {@link SpillConfig.Builder} takes each setting once). {@code -Dbench.s3.verifyWrites=false} turns the
   * store's write checks off, to measure what they cost.
   */
  SpillConfig.Builder storeConfig(URI via) {
    return SpillConfig.builder()
        .store("s3")
        .option(S3StoreSettings.BUCKET, bucket)
        .option(S3StoreSettings.ENDPOINT, via.toString())
        .option(S3StoreSettings.REGION, REGION)
        .option(S3StoreSettings.ACCESS_KEY_ID, accessKey)
        .option(S3StoreSettings.SECRET_ACCESS_KEY, secretKey)
        .option(S3StoreSettings.VERIFY_WRITES, System.getProperty("bench.s3.verifyWrites", "true"));
  }

  /**
   * Stops the server and drops its objects.
   *
   * @throws IllegalStateException if the server fails to stop (the backend is closed all the same)
   */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping S3Proxy", e);
    } catch (Exception e) {
      throw new IllegalStateException("S3Proxy did not stop", e);
    } finally {
      backend.close();
    }
  }
}
