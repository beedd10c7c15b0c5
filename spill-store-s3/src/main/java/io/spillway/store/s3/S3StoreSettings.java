package io.spillway.store.s3;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The immutable settings of the {@code s3} store. Built with {@link #builder(String)} or read from a
 * {@link SpillConfig}'s options by {@link #from(SpillConfig)}; each option key is listed on its builder method.
 *
 * <p>Sizes in options accept a plain byte count or a suffix {@code KiB}, {@code MiB}, {@code GiB} ({@code 8MiB});
 * durations accept ISO-8601 ({@code PT30S}) or a number with {@code ms}, {@code s}, {@code m} or {@code h}
 * ({@code 30s}). Thread-safe (immutable).
 */
public final class S3StoreSettings {
  /** Option key of the bucket, required: {@value}. */
  public static final String BUCKET = "s3.bucket";
  /** Option key of the key prefix under which sessions live: {@value}. */
  public static final String PREFIX = "s3.prefix";
  /** Option key of the region: {@value}. */
  public static final String REGION = "s3.region";
  /** Option key of the endpoint override, for MinIO, Ceph RGW, S3Proxy and the like: {@value}. */
  public static final String ENDPOINT = "s3.endpoint";
  /** Option key of path-style access ({@code true}/{@code false}): {@value}. */
  public static final String PATH_STYLE = "s3.pathStyle";
  /** Option key of a static access key id (with {@link #SECRET_ACCESS_KEY}): {@value}. */
  public static final String ACCESS_KEY_ID = "s3.accessKeyId";
  /** Option key of a static secret access key (with {@link #ACCESS_KEY_ID}): {@value}. */
  public static final String SECRET_ACCESS_KEY = "s3.secretAccessKey";
  /** Option key of a session token for temporary static credentials: {@value}. */
  public static final String SESSION_TOKEN = "s3.sessionToken";
  /** Option key of when request checksums are sent, {@code WHEN_REQUIRED} or {@code WHEN_SUPPORTED}: {@value}. */
  public static final String CHECKSUM_CALCULATION = "s3.checksumCalculation";
  /** Option key of when response checksums are checked, {@code WHEN_REQUIRED} or {@code WHEN_SUPPORTED}: {@value}. */
  public static final String CHECKSUM_VALIDATION = "s3.checksumValidation";
  /** Option key of the SDK's {@code aws-chunked} upload encoding ({@code true}/{@code false}): {@value}. */
  public static final String CHUNKED_ENCODING = "s3.chunkedEncoding";
  /** Option key of the size from which values go up as multipart uploads: {@value}. */
  public static final String MULTIPART_THRESHOLD = "s3.multipartThreshold";
  /** Option key of the part size of multipart uploads and ranged reads: {@value}. */
  public static final String PART_SIZE = "s3.partSize";
  /** Option key of the number of parts moved at once per store: {@value}. */
  public static final String PARALLELISM = "s3.parallelism";
  /** Option key of the longest one API call may take, retries included: {@value}. */
  public static final String API_CALL_TIMEOUT = "s3.apiCallTimeout";
  /** Option key of the longest one attempt of an API call may take: {@value}. */
  public static final String API_CALL_ATTEMPT_TIMEOUT = "s3.apiCallAttemptTimeout";
  /** Option key of the longest wait for a TCP connection: {@value}. */
  public static final String CONNECTION_TIMEOUT = "s3.connectionTimeout";
  /** Option key of the longest wait for data on an open connection: {@value}. */
  public static final String SOCKET_TIMEOUT = "s3.socketTimeout";
  /** Option key of the number of attempts of one API call, the first included: {@value}. */
  public static final String MAX_ATTEMPTS = "s3.maxAttempts";
  /** Option key of the first retry delay, doubled on each retry with jitter: {@value}. */
  public static final String RETRY_BASE_DELAY = "s3.retryBaseDelay";
  /** Option key of the longest retry delay: {@value}. */
  public static final String RETRY_MAX_DELAY = "s3.retryMaxDelay";
  /** Option key of how often a session rewrites its lease object: {@value}. */
  public static final String LEASE_REFRESH = "s3.leaseRefresh";
  /** Option key of how long after its last write a session counts as dead: {@value}. */
  public static final String LEASE_TIMEOUT = "s3.leaseTimeout";
  /** Option key of whether each write is checked against what the server reports it stored: {@value}. */
  public static final String VERIFY_WRITES = "s3.verifyWrites";
  /** Option key of whether opening a store removes dead sessions under the prefix first: {@value}. */
  public static final String REMOVE_STALE_SESSIONS = "s3.removeStaleSessions";

  /** Default key prefix: {@value}. */
  public static final String DEFAULT_PREFIX = "spillway";
  /** Default multipart threshold: {@value} bytes (16 MiB). */
  public static final long DEFAULT_MULTIPART_THRESHOLD = 16L * 1024 * 1024;
  /** Default part size: {@value} bytes (8 MiB). */
  public static final long DEFAULT_PART_SIZE = 8L * 1024 * 1024;
  /** Default parallelism: {@value}. */
  public static final int DEFAULT_PARALLELISM = 8;
  /** Default number of attempts per call: {@value}. */
  public static final int DEFAULT_MAX_ATTEMPTS = 4;

  /** When the SDK computes or checks checksums of its own. */
  public enum ChecksumMode {
    /** Only where the S3 operation requires one; works with every S3-compatible server. The default. */
    WHEN_REQUIRED,
    /** Wherever the operation supports one; AWS S3 accepts it, many S3-compatible servers reject it. */
    WHEN_SUPPORTED
  }

  private final String bucket;
  private final String prefix;
  private final @Nullable String region;
  private final @Nullable URI endpoint;
  private final boolean pathStyle;
  private final @Nullable String accessKeyId;
  private final @Nullable String secretAccessKey;
  private final @Nullable String sessionToken;
  private final ChecksumMode checksumCalculation;
  private final ChecksumMode checksumValidation;
  private final boolean chunkedEncoding;
  private final boolean verifyWrites;
  private final long multipartThreshold;
  private final long partSize;
  private final int parallelism;
  private final Duration apiCallTimeout;
  private final Duration apiCallAttemptTimeout;
  private final Duration connectionTimeout;
  private final Duration socketTimeout;
  private final int maxAttempts;
  private final Duration retryBaseDelay;
  private final Duration retryMaxDelay;
  private final Duration leaseRefresh;
  private final Duration leaseTimeout;
  private final boolean removeStaleSessions;

  private S3StoreSettings(Builder b) {
    bucket = b.bucket;
    prefix = b.prefix;
    region = b.region;
    endpoint = b.endpoint;
    pathStyle = b.pathStyle != null ? b.pathStyle : b.endpoint != null;
    accessKeyId = b.accessKeyId;
    secretAccessKey = b.secretAccessKey;
    sessionToken = b.sessionToken;
    checksumCalculation = b.checksumCalculation;
    checksumValidation = b.checksumValidation;
    chunkedEncoding = b.chunkedEncoding;
    verifyWrites = b.verifyWrites;
    multipartThreshold = b.multipartThreshold;
    partSize = b.partSize;
    parallelism = b.parallelism;
    apiCallTimeout = b.apiCallTimeout;
    apiCallAttemptTimeout = b.apiCallAttemptTimeout;
    connectionTimeout = b.connectionTimeout;
    socketTimeout = b.socketTimeout;
    maxAttempts = b.maxAttempts;
    retryBaseDelay = b.retryBaseDelay;
    retryMaxDelay = b.retryMaxDelay;
    leaseRefresh = b.leaseRefresh;
    leaseTimeout = b.leaseTimeout;
    removeStaleSessions = b.removeStaleSessions;
  }

  /** A builder for the bucket {@code bucket}, holding every other default. */
  public static Builder builder(String bucket) {
    return new Builder(bucket);
  }

  /**
   * The settings in {@code config}'s options.
   *
   * @throws SpillConfigurationException if {@value #BUCKET} is missing or an option has a value that cannot be used;
   *     the message names the key
   */
  public static S3StoreSettings from(SpillConfig config) {
    return S3Options.read(config);
  }

  /** The bucket. */
  public String bucket() {
    return bucket;
  }

  /** The key prefix under which session folders live, without a trailing {@code /}; may be empty. */
  public String prefix() {
    return prefix;
  }

  /** The region, or empty for the SDK's default region chain ({@code us-east-1} when that finds none). */
  public Optional<String> region() {
    return Optional.ofNullable(region);
  }

  /** The endpoint override, or empty for AWS S3. */
  public Optional<URI> endpoint() {
    return Optional.ofNullable(endpoint);
  }

  /** Whether buckets are addressed in the path rather than the host name. */
  public boolean pathStyle() {
    return pathStyle;
  }

  /** The static access key id, or empty for the default credentials chain. */
  public Optional<String> accessKeyId() {
    return Optional.ofNullable(accessKeyId);
  }

  /** The static secret access key, present exactly when {@link #accessKeyId()} is. */
  public Optional<String> secretAccessKey() {
    return Optional.ofNullable(secretAccessKey);
  }

  /** The session token of temporary static credentials, if any. */
  public Optional<String> sessionToken() {
    return Optional.ofNullable(sessionToken);
  }

  /** When request checksums are computed. */
  public ChecksumMode checksumCalculation() {
    return checksumCalculation;
  }

  /** When response checksums are checked. */
  public ChecksumMode checksumValidation() {
    return checksumValidation;
  }

  /** Whether the SDK may use the {@code aws-chunked} upload encoding. */
  public boolean chunkedEncoding() {
    return chunkedEncoding;
  }

  /** Whether each write is checked against what the server reports it stored before the write returns. */
  public boolean verifyWrites() {
    return verifyWrites;
  }

  /**
   * These settings with other client options: the store's fallbacks when the server alters uploads made with the
   * configured ones.
   */
  S3StoreSettings withClientOptions(boolean chunked, ChecksumMode calculation, ChecksumMode validation) {
    Builder b = toBuilder();
    b.chunkedEncoding = chunked;
    b.checksumCalculation = calculation;
    b.checksumValidation = validation;
    return b.build();
  }

  private Builder toBuilder() {
    Builder b = new Builder(bucket);
    b.prefix = prefix;
    b.region = region;
    b.endpoint = endpoint;
    b.pathStyle = pathStyle;
    b.accessKeyId = accessKeyId;
    b.secretAccessKey = secretAccessKey;
    b.sessionToken = sessionToken;
    b.checksumCalculation = checksumCalculation;
    b.checksumValidation = checksumValidation;
    b.chunkedEncoding = chunkedEncoding;
    b.verifyWrites = verifyWrites;
    b.multipartThreshold = multipartThreshold;
    b.partSize = partSize;
    b.parallelism = parallelism;
    b.apiCallTimeout = apiCallTimeout;
    b.apiCallAttemptTimeout = apiCallAttemptTimeout;
    b.connectionTimeout = connectionTimeout;
    b.socketTimeout = socketTimeout;
    b.maxAttempts = maxAttempts;
    b.retryBaseDelay = retryBaseDelay;
    b.retryMaxDelay = retryMaxDelay;
    b.leaseRefresh = leaseRefresh;
    b.leaseTimeout = leaseTimeout;
    b.removeStaleSessions = removeStaleSessions;
    return b;
  }

  /**
   * Values of at least this many bytes (and more than one part) go up as multipart uploads and come down as parallel
   * ranged reads.
   */
  public long multipartThreshold() {
    return multipartThreshold;
  }

  /** Bytes per part of a multipart upload or a ranged read. */
  public long partSize() {
    return partSize;
  }

  /** The number of parts a store moves at once (and the HTTP connections it expects to need). */
  public int parallelism() {
    return parallelism;
  }

  /** The longest one API call may take, retries included. */
  public Duration apiCallTimeout() {
    return apiCallTimeout;
  }

  /** The longest one attempt of an API call may take. */
  public Duration apiCallAttemptTimeout() {
    return apiCallAttemptTimeout;
  }

  /** The longest wait for a TCP connection. */
  public Duration connectionTimeout() {
    return connectionTimeout;
  }

  /** The longest wait for data on an open connection. */
  public Duration socketTimeout() {
    return socketTimeout;
  }

  /** Attempts per API call, the first included; 1 means no retry. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** The first retry delay; each further retry doubles it, with jitter, up to {@link #retryMaxDelay()}. */
  public Duration retryBaseDelay() {
    return retryBaseDelay;
  }

  /** The longest delay between two attempts. */
  public Duration retryMaxDelay() {
    return retryMaxDelay;
  }

  /** How often a session rewrites its lease object. */
  public Duration leaseRefresh() {
    return leaseRefresh;
  }

  /** How long after the newest write under it a session folder counts as dead and may be removed. */
  public Duration leaseTimeout() {
    return leaseTimeout;
  }

  /** Whether opening a store first removes dead sessions under the prefix. */
  public boolean removeStaleSessions() {
    return removeStaleSessions;
  }

  @Override
  public String toString() {
    return "S3StoreSettings{bucket=" + bucket + ", prefix=" + prefix + ", region=" + region + ", endpoint=" + endpoint
        + ", pathStyle=" + pathStyle + ", credentials=" + (accessKeyId != null ? "static" : "default chain")
        + ", checksumCalculation=" + checksumCalculation + ", checksumValidation=" + checksumValidation
        + ", chunkedEncoding=" + chunkedEncoding + ", verifyWrites=" + verifyWrites + ", multipartThreshold="
        + multipartThreshold + ", partSize=" + partSize + ", parallelism=" + parallelism + ", apiCallTimeout="
        + apiCallTimeout + ", apiCallAttemptTimeout=" + apiCallAttemptTimeout + ", connectionTimeout="
        + connectionTimeout + ", socketTimeout=" + socketTimeout + ", maxAttempts=" + maxAttempts + ", retryBaseDelay="
        + retryBaseDelay + ", retryMaxDelay=" + retryMaxDelay + ", leaseRefresh=" + leaseRefresh + ", leaseTimeout="
        + leaseTimeout + ", removeStaleSessions=" + removeStaleSessions + "}";
  }

  /**
   * Collects {@link S3StoreSettings}. Values that can never work throw {@link IllegalArgumentException} at once;
   * cross-setting checks run in {@link #build()}. Not thread-safe.
   */
  public static final class Builder {
    private final String bucket;
    private String prefix = DEFAULT_PREFIX;
    private @Nullable String region;
    private @Nullable URI endpoint;
    private @Nullable Boolean pathStyle;
    private @Nullable String accessKeyId;
    private @Nullable String secretAccessKey;
    private @Nullable String sessionToken;
    private ChecksumMode checksumCalculation = ChecksumMode.WHEN_REQUIRED;
    private ChecksumMode checksumValidation = ChecksumMode.WHEN_REQUIRED;
    private boolean chunkedEncoding = true;
    private boolean verifyWrites = true;
    private long multipartThreshold = DEFAULT_MULTIPART_THRESHOLD;
    private long partSize = DEFAULT_PART_SIZE;
    private int parallelism = DEFAULT_PARALLELISM;
    private Duration apiCallTimeout = Duration.ofMinutes(2);
    private Duration apiCallAttemptTimeout = Duration.ofSeconds(30);
    private Duration connectionTimeout = Duration.ofSeconds(5);
    private Duration socketTimeout = Duration.ofSeconds(30);
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration retryBaseDelay = Duration.ofMillis(100);
    private Duration retryMaxDelay = Duration.ofSeconds(5);
    private Duration leaseRefresh = Duration.ofMinutes(1);
    private Duration leaseTimeout = Duration.ofMinutes(10);
    private boolean removeStaleSessions = true;

    private Builder(String bucket) {
      Objects.requireNonNull(bucket, "bucket");
      if (bucket.isBlank()) {
        throw new IllegalArgumentException("bucket must not be blank");
      }
      this.bucket = bucket;
    }

    /** Key prefix under which session folders live ({@value #PREFIX}, default {@value #DEFAULT_PREFIX}). */
    public Builder prefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      String trimmed = prefix;
      while (trimmed.endsWith("/")) {
        trimmed = trimmed.substring(0, trimmed.length() - 1);
      }
      while (trimmed.startsWith("/")) {
        trimmed = trimmed.substring(1);
      }
      if (trimmed.length() > 256) {
        throw new IllegalArgumentException("prefix must be at most 256 characters, was " + trimmed.length());
      }
      this.prefix = trimmed;
      return this;
    }

    /** Region name such as {@code eu-west-1} ({@value #REGION}). */
    public Builder region(String region) {
      this.region = requireText("region", region);
      return this;
    }

    /**
     * Endpoint override such as {@code http://127.0.0.1:9000} ({@value #ENDPOINT}). With an endpoint, path-style
     * access is on unless set otherwise.
     */
    public Builder endpoint(URI endpoint) {
      Objects.requireNonNull(endpoint, "endpoint");
      if (endpoint.getScheme() == null || endpoint.getHost() == null) {
        throw new IllegalArgumentException("endpoint needs a scheme and a host, was " + endpoint);
      }
      this.endpoint = endpoint;
      return this;
    }

    /** Path-style access ({@value #PATH_STYLE}); default on with an endpoint override, off for AWS S3. */
    public Builder pathStyle(boolean enabled) {
      this.pathStyle = enabled;
      return this;
    }

    /**
     * Static credentials ({@value #ACCESS_KEY_ID}, {@value #SECRET_ACCESS_KEY}, {@value #SESSION_TOKEN}); without
     * them the SDK's default credentials chain (environment, profile, container, instance) is used.
     */
    public Builder credentials(String accessKeyId, String secretAccessKey, @Nullable String sessionToken) {
      this.accessKeyId = requireText("accessKeyId", accessKeyId);
      this.secretAccessKey = requireText("secretAccessKey", secretAccessKey);
      this.sessionToken = sessionToken;
      return this;
    }

    /**
     * When request checksums are computed ({@value #CHECKSUM_CALCULATION}), default {@code WHEN_REQUIRED}. Recent
     * SDKs default to {@code WHEN_SUPPORTED}, which sends CRC checksum trailers that S3Proxy, older MinIO and Ceph
     * releases and other S3-compatible servers reject (HTTP 501 on every put). Spillway does not need them: every
     * frame carries its own checksum, verified on reload.
     */
    public Builder checksumCalculation(ChecksumMode mode) {
      this.checksumCalculation = Objects.requireNonNull(mode, "checksumCalculation");
      return this;
    }

    /** When response checksums are checked ({@value #CHECKSUM_VALIDATION}), default {@code WHEN_REQUIRED}, as above. */
    public Builder checksumValidation(ChecksumMode mode) {
      this.checksumValidation = Objects.requireNonNull(mode, "checksumValidation");
      return this;
    }

    /**
     * Whether the SDK may use the {@code aws-chunked} encoding for uploads ({@value #CHUNKED_ENCODING}), default on.
     * Some servers (s3rver among them) store the chunk framing as part of the object; a store that builds its own
     * client finds that with its probe at open and turns the encoding off, logging that it did; set it off here to
     * say so up front.
     */
    public Builder chunkedEncoding(boolean enabled) {
      this.chunkedEncoding = enabled;
      return this;
    }

    /**
     * Whether each write is checked against what the server reports it stored ({@value #VERIFY_WRITES}), default
     * on: by the ETag where the server's ETags are content MD5s (no extra request), else by a HEAD of its length.
     * Off, the server is trusted once the probe at open has passed. See {@link S3SpillStoreProvider}.
     */
    public Builder verifyWrites(boolean enabled) {
      this.verifyWrites = enabled;
      return this;
    }

    /** Values of at least this many bytes use multipart uploads and ranged reads ({@value #MULTIPART_THRESHOLD}). */
    public Builder multipartThreshold(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("multipartThreshold must be positive, was " + bytes);
      }
      this.multipartThreshold = bytes;
      return this;
    }

    /**
     * Part size ({@value #PART_SIZE}), at most 5 GiB. AWS S3 refuses parts under 5 MiB (but the last); the store
     * does not enforce it, since S3-compatible servers differ.
     */
    public Builder partSize(long bytes) {
      if (bytes < 1 || bytes > 5L * 1024 * 1024 * 1024) {
        throw new IllegalArgumentException("partSize must be in [1, 5 GiB], was " + bytes);
      }
      this.partSize = bytes;
      return this;
    }

    /** Parts moved at once per store ({@value #PARALLELISM}), in [1, 256]. */
    public Builder parallelism(int parts) {
      if (parts < 1 || parts > 256) {
        throw new IllegalArgumentException("parallelism must be in [1, 256], was " + parts);
      }
      this.parallelism = parts;
      return this;
    }

    /** Longest API call, retries included ({@value #API_CALL_TIMEOUT}), default 2 minutes. */
    public Builder apiCallTimeout(Duration timeout) {
      this.apiCallTimeout = requirePositive("apiCallTimeout", timeout);
      return this;
    }

    /** Longest single attempt ({@value #API_CALL_ATTEMPT_TIMEOUT}), default 30 seconds. */
    public Builder apiCallAttemptTimeout(Duration timeout) {
      this.apiCallAttemptTimeout = requirePositive("apiCallAttemptTimeout", timeout);
      return this;
    }

    /** Longest wait for a connection ({@value #CONNECTION_TIMEOUT}), default 5 seconds. */
    public Builder connectionTimeout(Duration timeout) {
      this.connectionTimeout = requirePositive("connectionTimeout", timeout);
      return this;
    }

    /** Longest wait for data on a connection ({@value #SOCKET_TIMEOUT}), default 30 seconds. */
    public Builder socketTimeout(Duration timeout) {
      this.socketTimeout = requirePositive("socketTimeout", timeout);
      return this;
    }

    /** Attempts per call, the first included ({@value #MAX_ATTEMPTS}), 1–20; default {@value #DEFAULT_MAX_ATTEMPTS}. */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1 || attempts > 20) {
        throw new IllegalArgumentException("maxAttempts must be in [1, 20], was " + attempts);
      }
      this.maxAttempts = attempts;
      return this;
    }

    /** First retry delay ({@value #RETRY_BASE_DELAY}), default 100 ms. */
    public Builder retryBaseDelay(Duration delay) {
      this.retryBaseDelay = requirePositive("retryBaseDelay", delay);
      return this;
    }

    /** Longest retry delay ({@value #RETRY_MAX_DELAY}), default 5 seconds. */
    public Builder retryMaxDelay(Duration delay) {
      this.retryMaxDelay = requirePositive("retryMaxDelay", delay);
      return this;
    }

    /** How often the lease object is rewritten ({@value #LEASE_REFRESH}), default 1 minute. */
    public Builder leaseRefresh(Duration interval) {
      this.leaseRefresh = requirePositive("leaseRefresh", interval);
      return this;
    }

    /**
     * How long after the newest write under it a session counts as dead ({@value #LEASE_TIMEOUT}), default 10
     * minutes; must be at least twice {@link #leaseRefresh(Duration)}.
     */
    public Builder leaseTimeout(Duration timeout) {
      this.leaseTimeout = requirePositive("leaseTimeout", timeout);
      return this;
    }

    /** Whether opening a store removes dead sessions first ({@value #REMOVE_STALE_SESSIONS}), default on. */
    public Builder removeStaleSessions(boolean enabled) {
      this.removeStaleSessions = enabled;
      return this;
    }

    /**
     * The settings.
     *
     * @throws IllegalArgumentException if the settings contradict each other
     */
    public S3StoreSettings build() {
      if (leaseTimeout.compareTo(leaseRefresh.multipliedBy(2)) < 0) {
        throw new IllegalArgumentException("leaseTimeout (" + leaseTimeout + ") must be at least twice leaseRefresh ("
            + leaseRefresh + "), or live sessions could be taken for dead ones");
      }
      if (retryMaxDelay.compareTo(retryBaseDelay) < 0) {
        throw new IllegalArgumentException("retryMaxDelay (" + retryMaxDelay + ") is below retryBaseDelay ("
            + retryBaseDelay + ")");
      }
      return new S3StoreSettings(this);
    }

    private static String requireText(String what, String value) {
      Objects.requireNonNull(value, what);
      if (value.isBlank()) {
        throw new IllegalArgumentException(what + " must not be blank");
      }
      return value;
    }

    private static Duration requirePositive(String what, Duration value) {
      Objects.requireNonNull(value, what);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, was " + value);
      }
      return value;
    }
  }
}
