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

/**
 * A real S3 API server in this JVM: S3Proxy on 127.0.0.1 over an in-memory jclouds backend, which outlives a
 * {@link #stop()} so that {@link #start()} brings the same objects back on the same port. The backend's reads are
 * serialized ({@link SerializedReadsBlobStore}): unlike a real server, it breaks under parallel ones.
 */
final class S3ProxyServer implements S3TestServer {
  static final String ACCESS_KEY = "spillway-access";
  static final String SECRET_KEY = "spillway-secret";

  private final BlobStoreContext context;
  /** What S3Proxy serves from: the in-memory backend with its reads serialized ({@link SerializedReadsBlobStore}). */
  private final BlobStore served;
  private int port;
  private S3Proxy proxy;

  S3ProxyServer() throws Exception {
    Properties properties = new Properties();
    context = ContextBuilder.newBuilder("transient").credentials("identity", "credential").overrides(properties)
        .build(BlobStoreContext.class);
    served = SerializedReadsBlobStore.wrap(context.getBlobStore());
    start();
  }

  /** Starts serving, on the port of the previous start if there was one. */
  @Override
  public void start() throws Exception {
    proxy = S3Proxy.builder()
        .blobStore(served)
        .endpoint(URI.create("http://127.0.0.1:" + port))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
        .build();
    proxy.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> "STARTED".equals(proxy.getState()));
    port = proxy.getPort();
  }

  /** Stops serving; the objects stay in memory. */
  @Override
  public void stop() throws Exception {
    proxy.stop();
    await().atMost(Duration.ofSeconds(30)).until(() -> "STOPPED".equals(proxy.getState()));
  }

  BlobStore blobStore() {
    return context.getBlobStore();
  }

  @Override
  public void createBucket(String bucket) {
    blobStore().createContainerInLocation(null, bucket);
  }

  @Override
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  @Override
  public String accessKey() {
    return ACCESS_KEY;
  }

  @Override
  public String secretKey() {
    return SECRET_KEY;
  }

  /** Stops serving for good and drops the objects. */
  @Override
  public void shutdown() throws Exception {
    try {
      proxy.stop();
    } finally {
      context.close();
    }
  }
}
