package io.spillway.store.s3;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 API server in this JVM: S3Proxy on 127.0.0.1 over an in-memory jclouds backend, which outlives a
 * {@link #stop()} so that {@link #start()} brings the same objects back on the same port.
 */
final class S3ProxyServer {
  static final String ACCESS_KEY = "spillway-access";
  static final String SECRET_KEY = "spillway-secret";

  private final BlobStoreContext context;
  private int port;
  private S3Proxy proxy;

  S3ProxyServer() throws Exception {
    Properties properties = new Properties();
    context = ContextBuilder.newBuilder("transient").credentials("identity", "credential").overrides(properties)
        .build(BlobStoreContext.class);
    start();
  }

  /** Starts serving, on the port of the previous start if there was one. */
  void start() throws Exception {
    proxy = S3Proxy.builder()
        .blobStore(context.getBlobStore())
        .endpoint(URI.create("http://127.0.0.1:" + port))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
        .build();
    proxy.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> "STARTED".equals(proxy.getState()));
    port = proxy.getPort();
  }

  /** Stops serving; the objects stay in memory. */
  void stop() throws Exception {
    proxy.stop();
    await().atMost(Duration.ofSeconds(30)).until(() -> "STOPPED".equals(proxy.getState()));
  }

  BlobStore blobStore() {
    return context.getBlobStore();
  }

  void createBucket(String bucket) {
    blobStore().createContainerInLocation(null, bucket);
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Settings for {@code bucket} on this server, with short timeouts and few retries so fault tests end quickly. */
  S3StoreSettings.Builder settings(String bucket) {
    return S3StoreSettings.builder(bucket)
        .endpoint(endpoint())
        .region("us-east-1")
        .credentials(ACCESS_KEY, SECRET_KEY, null)
        .maxAttempts(2)
        .retryBaseDelay(Duration.ofMillis(20))
        .retryMaxDelay(Duration.ofMillis(100))
        .connectionTimeout(Duration.ofSeconds(2))
        .apiCallAttemptTimeout(Duration.ofSeconds(20))
        .apiCallTimeout(Duration.ofSeconds(40));
  }

  /** The same settings as {@link io.spillway.api.SpillConfig} options. */
  io.spillway.api.SpillConfig.Builder options(io.spillway.api.SpillConfig.Builder builder, String bucket) {
    return builder
        .option(S3StoreSettings.BUCKET, bucket)
        .option(S3StoreSettings.ENDPOINT, endpoint().toString())
        .option(S3StoreSettings.REGION, "us-east-1")
        .option(S3StoreSettings.ACCESS_KEY_ID, ACCESS_KEY)
        .option(S3StoreSettings.SECRET_ACCESS_KEY, SECRET_KEY)
        .option(S3StoreSettings.MAX_ATTEMPTS, "2")
        .option(S3StoreSettings.RETRY_BASE_DELAY, "20ms")
        .option(S3StoreSettings.RETRY_MAX_DELAY, "100ms")
        .option(S3StoreSettings.CONNECTION_TIMEOUT, "2s");
  }

  /** A client of the test's own, for looking at or tampering with objects behind the store's back. */
  S3Client client() {
    return S3SpillStores.newClient(settings("unused").build());
  }

  /** Stops serving for good and drops the objects. */
  void shutdown() throws Exception {
    try {
      proxy.stop();
    } finally {
      context.close();
    }
  }
}
