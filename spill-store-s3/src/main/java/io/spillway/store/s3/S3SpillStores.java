package io.spillway.store.s3;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.api.spi.SpillStore;
import java.io.IOException;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * Opens s3 store sessions on a client of the caller's, builds clients from {@link S3StoreSettings}, and removes dead
 * sessions. The {@code s3} provider uses the same code with a client of its own.
 *
 * <pre>{@code
 * S3StoreSettings settings = S3StoreSettings.builder("my-bucket").prefix("spill").build();
 * SpillStore store = S3SpillStores.create(myS3Client, settings);    // myS3Client stays open after store.close()
 * SpillManager manager = Spillway.newManager(config, store);        // spill-core; the manager closes the store
 * }</pre>
 *
 * <p>Thread-safe (stateless). Every method blocks on the network.
 */
public final class S3SpillStores {

  private S3SpillStores() {}

  /**
   * Opens a session on {@code client}, which the store uses but never closes. The client's own settings (checksums,
   * timeouts, retries, endpoint) apply; of {@code settings} the store uses the bucket, prefix, part sizes,
   * parallelism, write verification and lease settings. The probe at open (see {@link S3SpillStoreProvider}) runs
   * with this client as it is: a server that alters its uploads fails the call, since the store cannot change a
   * client it does not own.
   *
   * @throws SpillConfigurationException if the bucket does not exist or cannot be accessed, or the server does not
   *     keep the probe's uploads as sent (the message names the client setting to change)
   * @throws IOException if S3 cannot be reached or the session cannot be started
   */
  public static SpillStore create(S3Client client, S3StoreSettings settings) throws IOException {
    return open(new SyncObjectOps(Objects.requireNonNull(client, "client"), false), settings);
  }

  /**
   * Opens a session on {@code client}, which the store uses but never closes; as {@link #create(S3Client,
   * S3StoreSettings)}.
   *
   * @throws SpillConfigurationException if the bucket does not exist or cannot be accessed, or the server does not
   *     keep the probe's uploads as sent
   * @throws IOException if S3 cannot be reached or the session cannot be started
   */
  public static SpillStore create(S3AsyncClient client, S3StoreSettings settings) throws IOException {
    return open(new AsyncObjectOps(Objects.requireNonNull(client, "client"), false), settings);
  }

  /**
   * Takes persistent session {@code session} under {@code settings}' prefix over on {@code client}, which the store
   * uses but never closes, creating it if new; as {@link #create(S3Client, S3StoreSettings)} otherwise. See
   * <i>Persistent sessions</i> in {@link S3SpillStoreProvider}: {@link SpillStore#close()} keeps the values,
   * {@link SpillStore#discard()} deletes them.
   *
   * @throws IllegalArgumentException if {@code session} is not a valid session name (as
   *     {@link SpillConfig.Builder#persistentSession(String)} checks it)
   * @throws SpillConfigurationException as {@link #create(S3Client, S3StoreSettings)}
   * @throws IOException naming the session and its owner if a live store owns it, or if S3 cannot be reached
   */
  public static SpillStore createPersistent(S3Client client, S3StoreSettings settings, String session)
      throws IOException {
    // The builder holds the one rule for session names; a store of this name exists only if a config could name it.
    SpillConfig.builder().persistentSession(session);
    return open(new SyncObjectOps(Objects.requireNonNull(client, "client"), false), settings, session);
  }

  /**
   * Removes the dead sessions under {@code settings}' prefix: session folders whose newest object is older than
   * {@link S3StoreSettings#leaseTimeout()} by the server's clock. Live sessions refresh their lease more often and
   * are never removed; nor is a persistent session's folder ({@code persistent-<name>/}), live or not, which only
   * its next owner or {@link SpillStore#discard()} cleans up. The client is not closed.
   *
   * @return the number of sessions removed
   * @throws IOException if S3 cannot be reached
   */
  public static int removeStaleSessions(S3Client client, S3StoreSettings settings) throws IOException {
    ObjectOps ops = new SyncObjectOps(Objects.requireNonNull(client, "client"), false);
    String base = S3Keys.base(settings.prefix());
    // The server's clock is read from a probe object, so that the rule holds whatever the local clock says.
    String probe = S3Keys.newSessionFolder(settings.prefix()).replace(S3Keys.SESSION_PREFIX, "clock-probe-");
    String probeKey = probe.substring(0, probe.length() - 1);
    try {
      ops.put(settings.bucket(), probeKey, new java.nio.ByteBuffer[0], 0);
      try {
        Instant now = Sessions.serverNow(ops, settings.bucket(), probeKey);
        return Sessions.removeStale(ops, new ObjectDeleter(ops, settings.bucket()), settings.bucket(), base, null, now,
            settings.leaseTimeout());
      } finally {
        ops.delete(settings.bucket(), probeKey);
      }
    } catch (SdkException e) {
      throw S3Errors.io("removal of stale sessions", settings.bucket(), base, e);
    }
  }

  /**
   * A synchronous client built from {@code settings}: region, endpoint, path style, credentials, checksum modes,
   * chunked encoding, timeouts and retries with exponential backoff and jitter. The caller closes it, which also closes
   * the default credentials chain it built when {@code settings} hold no static credentials.
   */
  public static S3Client newClient(S3StoreSettings settings) {
    return newClient(settings, () -> DefaultCredentialsProvider.builder().build());
  }

  /** As {@link #newClient(S3StoreSettings)}, taking the provider used without static credentials from {@code chain}. */
  static S3Client newClient(S3StoreSettings settings, Supplier<AwsCredentialsProvider> chain) {
    Objects.requireNonNull(settings, "settings");
    if (settings.accessKeyId().isPresent()) {
      String id = settings.accessKeyId().get();
      String secret = settings.secretAccessKey().orElseThrow();
      return build(settings, StaticCredentialsProvider.create(settings.sessionToken().isPresent()
          ? AwsSessionCredentials.create(id, secret, settings.sessionToken().get())
          : AwsBasicCredentials.create(id, secret)));
    }
    // The SDK closes the credentials provider of a client with the client (checked by S3SpillStoreCloseTest), so the
    // default chain built here goes with the client, and with the store when the store owns the client.
    return build(settings, chain.get());
  }

  private static S3Client build(S3StoreSettings settings, AwsCredentialsProvider credentials) {
    var builder = S3Client.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder()
            .connectionTimeout(settings.connectionTimeout())
            .socketTimeout(settings.socketTimeout()))
        .overrideConfiguration(o -> o
            .apiCallTimeout(settings.apiCallTimeout())
            .apiCallAttemptTimeout(settings.apiCallAttemptTimeout())
            .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(settings.maxAttempts())
                .backoffStrategy(BackoffStrategy.exponentialDelay(settings.retryBaseDelay(), settings.retryMaxDelay()))
                .build()))
        .credentialsProvider(credentials)
        .region(region(settings))
        .forcePathStyle(settings.pathStyle())
        .requestChecksumCalculation(settings.checksumCalculation() == S3StoreSettings.ChecksumMode.WHEN_REQUIRED
            ? RequestChecksumCalculation.WHEN_REQUIRED
            : RequestChecksumCalculation.WHEN_SUPPORTED)
        .responseChecksumValidation(settings.checksumValidation() == S3StoreSettings.ChecksumMode.WHEN_REQUIRED
            ? ResponseChecksumValidation.WHEN_REQUIRED
            : ResponseChecksumValidation.WHEN_SUPPORTED)
        .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(settings.chunkedEncoding()).build());
    settings.endpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  private static Region region(S3StoreSettings settings) {
    if (settings.region().isPresent()) {
      return Region.of(settings.region().get());
    }
    try {
      return DefaultAwsRegionProviderChain.builder().build().getRegion();
    } catch (SdkException e) {
      // S3-compatible servers ignore the region but the SDK signs with one.
      return Region.US_EAST_1;
    }
  }

  /** Opens a session on {@code ops}, a client of the caller's, closing {@code ops} if that fails. */
  static SpillStore open(ObjectOps ops, S3StoreSettings settings) throws IOException {
    return open(ops, settings, null);
  }

  /** As {@link #open(ObjectOps, S3StoreSettings)}, taking persistent session {@code persistent} over when given. */
  static SpillStore open(ObjectOps ops, S3StoreSettings settings, @Nullable String persistent) throws IOException {
    Objects.requireNonNull(settings, "settings");
    return SessionOpener.openOnCallersClient(ops, settings, persistent);
  }
}
