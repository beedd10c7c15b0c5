package io.spillway.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class S3OptionsTest {
  private static SpillConfig.Builder withBucket() {
    return SpillConfig.builder().store("s3").option(S3StoreSettings.BUCKET, "b");
  }

  @Test
  void read_sizesDurationsAndBooleans_inEveryWrittenForm() {
    S3StoreSettings settings = S3StoreSettings.from(withBucket()
        .option(S3StoreSettings.PART_SIZE, "6MiB")
        .option(S3StoreSettings.MULTIPART_THRESHOLD, "1048576")
        .option(S3StoreSettings.API_CALL_TIMEOUT, "PT45S")
        .option(S3StoreSettings.SOCKET_TIMEOUT, "1500ms")
        .option(S3StoreSettings.LEASE_REFRESH, "2m")
        .option(S3StoreSettings.LEASE_TIMEOUT, "1h")
        .option(S3StoreSettings.VERIFY_WRITES, "FALSE")
        .option(S3StoreSettings.CHUNKED_ENCODING, "false")
        .option(S3StoreSettings.CHECKSUM_CALCULATION, "when_supported")
        .build());

    assertThat(settings.partSize()).isEqualTo(6L << 20);
    assertThat(settings.multipartThreshold()).isEqualTo(1L << 20);
    assertThat(settings.apiCallTimeout()).isEqualTo(Duration.ofSeconds(45));
    assertThat(settings.socketTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(settings.leaseRefresh()).isEqualTo(Duration.ofMinutes(2));
    assertThat(settings.leaseTimeout()).isEqualTo(Duration.ofHours(1));
    assertThat(settings.verifyWrites()).isFalse();
    assertThat(settings.chunkedEncoding()).isFalse();
    assertThat(settings.checksumCalculation()).isEqualTo(S3StoreSettings.ChecksumMode.WHEN_SUPPORTED);
  }

  @Test
  void read_defaults_verifyWritesAndKeepChunkedEncodingForTheProbeToJudge() {
    S3StoreSettings settings = S3StoreSettings.from(withBucket().build());

    assertThat(settings.verifyWrites()).isTrue();
    assertThat(settings.chunkedEncoding()).isTrue();
    assertThat(settings.prefix()).isEqualTo(S3StoreSettings.DEFAULT_PREFIX);
  }

  @Test
  void read_unusableValue_failsNamingTheKeyAndTheValue() {
    assertThatThrownBy(() -> S3StoreSettings.from(withBucket().option(S3StoreSettings.VERIFY_WRITES, "yes").build()))
        .isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining(S3StoreSettings.VERIFY_WRITES)
        .hasMessageContaining("'yes'");
    assertThatThrownBy(() -> S3StoreSettings.from(withBucket().option(S3StoreSettings.PART_SIZE, "8 MB").build()))
        .isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining(S3StoreSettings.PART_SIZE);
    assertThatThrownBy(() -> S3StoreSettings.from(withBucket().option(S3StoreSettings.LEASE_REFRESH, "5 days").build()))
        .isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining(S3StoreSettings.LEASE_REFRESH);
  }

  @Test
  void read_accessKeyWithoutSecret_failsNamingBoth() {
    assertThatThrownBy(() -> S3StoreSettings.from(withBucket().option(S3StoreSettings.ACCESS_KEY_ID, "id").build()))
        .isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining(S3StoreSettings.ACCESS_KEY_ID)
        .hasMessageContaining(S3StoreSettings.SECRET_ACCESS_KEY);
  }

  @Test
  void withClientOptions_changesOnlyTheClientOptions() {
    S3StoreSettings settings = S3StoreSettings.from(withBucket().option(S3StoreSettings.PART_SIZE, "6MiB").build());

    S3StoreSettings changed = settings.withClientOptions(false, S3StoreSettings.ChecksumMode.WHEN_SUPPORTED,
        S3StoreSettings.ChecksumMode.WHEN_SUPPORTED);

    assertThat(changed.chunkedEncoding()).isFalse();
    assertThat(changed.checksumValidation()).isEqualTo(S3StoreSettings.ChecksumMode.WHEN_SUPPORTED);
    assertThat(changed.partSize()).isEqualTo(6L << 20);
    assertThat(changed.bucket()).isEqualTo("b");
  }
}
