package io.spillway.store.s3;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads {@link S3StoreSettings} from a {@link SpillConfig}'s {@code s3.*} options: sizes as a byte count or with a
 * {@code KiB}, {@code MiB}, {@code GiB} suffix, durations in ISO-8601 or as a number with {@code ms}, {@code s},
 * {@code m} or {@code h}, booleans as {@code true}/{@code false}; a bad value fails naming its key. Stateless.
 *
 * <p>Internal, may change.
 */
final class S3Options {
  private S3Options() {}

  /** The settings in {@code config}'s options; see {@link S3StoreSettings#from}. */
  static S3StoreSettings read(SpillConfig config) {
    Objects.requireNonNull(config, "config");
    String bucket = config.option(S3StoreSettings.BUCKET).orElseThrow(() -> new SpillConfigurationException(
        "The s3 store needs a bucket: set option " + S3StoreSettings.BUCKET
            + " (for example SpillConfig.builder().store(\"s3\")"
            + ".option(\"" + S3StoreSettings.BUCKET + "\", \"my-bucket\"))"));
    S3StoreSettings.Builder b;
    try {
      b = S3StoreSettings.builder(bucket);
    } catch (IllegalArgumentException e) {
      throw new SpillConfigurationException("Option " + S3StoreSettings.BUCKET + ": " + e.getMessage(), e);
    }
    apply(config, S3StoreSettings.PREFIX, s -> s, b::prefix);
    apply(config, S3StoreSettings.REGION, s -> s, b::region);
    apply(config, S3StoreSettings.ENDPOINT, URI::create, b::endpoint);
    apply(config, S3StoreSettings.PATH_STYLE, S3Options::parseBoolean, b::pathStyle);
    Optional<String> id = config.option(S3StoreSettings.ACCESS_KEY_ID);
    Optional<String> secret = config.option(S3StoreSettings.SECRET_ACCESS_KEY);
    if (id.isPresent() != secret.isPresent()) {
      throw new SpillConfigurationException("Options " + S3StoreSettings.ACCESS_KEY_ID + " and "
          + S3StoreSettings.SECRET_ACCESS_KEY
          + " go together: set both, or neither to use the default credentials chain");
    }
    if (id.isPresent()) {
      b.credentials(id.get(), secret.get(), config.option(S3StoreSettings.SESSION_TOKEN).orElse(null));
    } else if (config.option(S3StoreSettings.SESSION_TOKEN).isPresent()) {
      throw new SpillConfigurationException("Option " + S3StoreSettings.SESSION_TOKEN + " needs "
          + S3StoreSettings.ACCESS_KEY_ID + " and " + S3StoreSettings.SECRET_ACCESS_KEY);
    }
    apply(config, S3StoreSettings.CHECKSUM_CALCULATION, S3Options::parseChecksumMode, b::checksumCalculation);
    apply(config, S3StoreSettings.CHECKSUM_VALIDATION, S3Options::parseChecksumMode, b::checksumValidation);
    apply(config, S3StoreSettings.CHUNKED_ENCODING, S3Options::parseBoolean, b::chunkedEncoding);
    apply(config, S3StoreSettings.VERIFY_WRITES, S3Options::parseBoolean, b::verifyWrites);
    apply(config, S3StoreSettings.MULTIPART_THRESHOLD, S3Options::parseSize, b::multipartThreshold);
    apply(config, S3StoreSettings.PART_SIZE, S3Options::parseSize, b::partSize);
    apply(config, S3StoreSettings.PARALLELISM, Integer::valueOf, b::parallelism);
    apply(config, S3StoreSettings.API_CALL_TIMEOUT, S3Options::parseDuration, b::apiCallTimeout);
    apply(config, S3StoreSettings.API_CALL_ATTEMPT_TIMEOUT, S3Options::parseDuration, b::apiCallAttemptTimeout);
    apply(config, S3StoreSettings.CONNECTION_TIMEOUT, S3Options::parseDuration, b::connectionTimeout);
    apply(config, S3StoreSettings.SOCKET_TIMEOUT, S3Options::parseDuration, b::socketTimeout);
    apply(config, S3StoreSettings.MAX_ATTEMPTS, Integer::valueOf, b::maxAttempts);
    apply(config, S3StoreSettings.RETRY_BASE_DELAY, S3Options::parseDuration, b::retryBaseDelay);
    apply(config, S3StoreSettings.RETRY_MAX_DELAY, S3Options::parseDuration, b::retryMaxDelay);
    apply(config, S3StoreSettings.LEASE_REFRESH, S3Options::parseDuration, b::leaseRefresh);
    apply(config, S3StoreSettings.LEASE_TIMEOUT, S3Options::parseDuration, b::leaseTimeout);
    apply(config, S3StoreSettings.REMOVE_STALE_SESSIONS, S3Options::parseBoolean, b::removeStaleSessions);
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new SpillConfigurationException("s3 store options: " + e.getMessage(), e);
    }
  }

  private static <T> void apply(SpillConfig config, String key, Function<String, T> parse,
      Function<T, S3StoreSettings.Builder> setter) {
    Optional<String> raw = config.option(key);
    if (raw.isEmpty()) {
      return;
    }
    try {
      setter.apply(parse.apply(raw.get().trim()));
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new SpillConfigurationException("Option " + key + " has an unusable value '" + raw.get() + "': "
          + e.getMessage(), e);
    }
  }

  static boolean parseBoolean(String s) {
    if (s.equalsIgnoreCase("true")) {
      return true;
    }
    if (s.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException("expected true or false");
  }

  static S3StoreSettings.ChecksumMode parseChecksumMode(String s) {
    try {
      return S3StoreSettings.ChecksumMode.valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("expected WHEN_REQUIRED or WHEN_SUPPORTED", e);
    }
  }

  static long parseSize(String s) {
    String lower = s.toLowerCase(Locale.ROOT).replace(" ", "");
    long unit = 1;
    for (String[] suffix : new String[][] {{"kib", "1024"}, {"mib", "1048576"}, {"gib", "1073741824"}}) {
      if (lower.endsWith(suffix[0])) {
        unit = Long.parseLong(suffix[1]);
        lower = lower.substring(0, lower.length() - suffix[0].length());
        break;
      }
    }
    return Math.multiplyExact(Long.parseLong(lower), unit);
  }

  static Duration parseDuration(String s) {
    String lower = s.toLowerCase(Locale.ROOT).replace(" ", "");
    if (lower.startsWith("p")) {
      return Duration.parse(s.trim());
    }
    if (lower.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(lower.substring(0, lower.length() - 2)));
    }
    long amount = Long.parseLong(lower.substring(0, lower.length() - 1));
    switch (lower.charAt(lower.length() - 1)) {
      case 's':
        return Duration.ofSeconds(amount);
      case 'm':
        return Duration.ofMinutes(amount);
      case 'h':
        return Duration.ofHours(amount);
      default:
        throw new IllegalArgumentException("expected a duration such as PT30S, 500ms, 30s, 5m or 1h");
    }
  }
}
