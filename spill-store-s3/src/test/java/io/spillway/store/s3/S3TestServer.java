package io.spillway.store.s3;

import io.spillway.api.SpillConfig;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3-compatible server that a test starts and stops: S3Proxy in this JVM ({@link S3ProxyServer}) or s3rver as
 * a child process ({@link S3rverServer}). Settings and options point a store at it with its credentials, short
 * timeouts and few retries so that fault tests end quickly, and the store's defaults otherwise.
 */
interface S3TestServer {
  URI endpoint();

  String accessKey();

  String secretKey();

  /** Creates {@code bucket}. */
  void createBucket(String bucket) throws Exception;

  /** Stops serving; the objects stay for {@link #start()}, which serves them again on the same port. */
  void stop() throws Exception;

  /** Starts serving again after {@link #stop()}. */
  void start() throws Exception;

  /** Stops serving for good and drops the objects. */
  void shutdown() throws Exception;

  /** Settings for {@code bucket} on this server. */
  default S3StoreSettings.Builder settings(String bucket) {
    return S3StoreSettings.builder(bucket)
        .endpoint(endpoint())
        .region("us-east-1")
        .credentials(accessKey(), secretKey(), null)
        .maxAttempts(2)
        .retryBaseDelay(Duration.ofMillis(20))
        .retryMaxDelay(Duration.ofMillis(100))
        .connectionTimeout(Duration.ofSeconds(2))
        .apiCallAttemptTimeout(Duration.ofSeconds(20))
        .apiCallTimeout(Duration.ofSeconds(40));
  }

  /** The same settings as {@link SpillConfig} options. */
  default SpillConfig.Builder options(SpillConfig.Builder builder, String bucket) {
    return builder
        .option(S3StoreSettings.BUCKET, bucket)
        .option(S3StoreSettings.ENDPOINT, endpoint().toString())
        .option(S3StoreSettings.REGION, "us-east-1")
        .option(S3StoreSettings.ACCESS_KEY_ID, accessKey())
        .option(S3StoreSettings.SECRET_ACCESS_KEY, secretKey())
        .option(S3StoreSettings.MAX_ATTEMPTS, "2")
        .option(S3StoreSettings.RETRY_BASE_DELAY, "20ms")
        .option(S3StoreSettings.RETRY_MAX_DELAY, "100ms")
        .option(S3StoreSettings.CONNECTION_TIMEOUT, "2s");
  }

  /**
   * A client of the test's own, for looking at or tampering with objects behind the store's back; chunked encoding
   * off, so that every server stores what it uploads as sent.
   */
  default S3Client client() {
    return S3SpillStores.newClient(settings("unused").chunkedEncoding(false).build());
  }
}
