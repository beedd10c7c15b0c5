package io.spillway.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.SpillConfigurationException;
import io.spillway.api.spi.SpillStore;
import io.spillway.store.s3.S3StoreSettings.ChecksumMode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.exception.SdkClientException;

/** The client options a store of its own tries in turn when the server alters the probe's uploads. */
class SessionOpenerTest {
  private static final String BUCKET = "opener";
  @RegisterExtension static final S3Bucket<S3ProxyServer> S3 = S3Bucket.s3Proxy(BUCKET);

  private final String prefix = "o-" + UUID.randomUUID();

  @Test
  void candidates_defaults_triesChunkedEncodingOffNext() {
    S3StoreSettings defaults = S3.server().settings(BUCKET).build();

    List<S3StoreSettings> candidates = SessionOpener.candidates(defaults);

    assertThat(candidates).hasSize(2);
    assertThat(candidates.get(0)).isSameAs(defaults);
    assertThat(candidates.get(1).chunkedEncoding()).isFalse();
    assertThat(candidates.get(1).checksumCalculation()).isEqualTo(ChecksumMode.WHEN_REQUIRED);
    assertThat(candidates.get(1).toString().replace("chunkedEncoding=false", "chunkedEncoding=true"))
        .as("nothing else changes").isEqualTo(defaults.toString());
  }

  @Test
  void candidates_sdkChecksumsEverywhere_endsWithChecksumsOnlyWhereRequired() {
    S3StoreSettings settings = S3.server().settings(BUCKET).checksumCalculation(ChecksumMode.WHEN_SUPPORTED)
        .checksumValidation(ChecksumMode.WHEN_SUPPORTED).build();

    List<S3StoreSettings> candidates = SessionOpener.candidates(settings);

    assertThat(candidates).extracting(S3StoreSettings::chunkedEncoding).containsExactly(true, false, false);
    assertThat(candidates).extracting(S3StoreSettings::checksumCalculation)
        .containsExactly(ChecksumMode.WHEN_SUPPORTED, ChecksumMode.WHEN_SUPPORTED, ChecksumMode.WHEN_REQUIRED);
    assertThat(candidates.get(2).checksumValidation()).isEqualTo(ChecksumMode.WHEN_REQUIRED);
  }

  @Test
  void candidates_alreadyTheSafeOptions_triesOnlyThose() {
    S3StoreSettings safe = S3.server().settings(BUCKET).chunkedEncoding(false).build();

    assertThat(SessionOpener.candidates(safe)).containsExactly(safe);
  }

  /** Ops over S3Proxy that keep the chunk framing in every object while the settings they were made for use it. */
  private static ObjectOps framingWhileChunked(S3StoreSettings settings, List<S3StoreSettings> connected) {
    connected.add(settings);
    return new ForwardingOps(new SyncObjectOps(S3.client(), false)) {
      @Override
      public String put(String bucket, String key, ByteBuffer[] body, long length) {
        if (!settings.chunkedEncoding()) {
          return super.put(bucket, key, body, length);
        }
        byte[] framed = ServerProbeTest.frame(ETagsTest.concat(body));
        return super.put(bucket, key, new ByteBuffer[] {ByteBuffer.wrap(framed)}, framed.length);
      }
    };
  }

  @Test
  void openOnOwnClient_serverKeepingTheFraming_keepsTheFirstOptionsThatWork() throws IOException {
    List<S3StoreSettings> connected = new ArrayList<>();
    S3StoreSettings settings = S3.server().settings(BUCKET).prefix(prefix).build();

    try (SpillStore store = SessionOpener.openOnOwnClient(settings, null, s -> framingWhileChunked(s, connected))) {
      assertThat(((S3SpillStore) store).settings().chunkedEncoding()).isFalse();
      store.write("k", ByteBuffer.wrap(new byte[] {1, 2, 3}));
      assertThat(store.read("k")).containsExactly(1, 2, 3);
    }
    assertThat(connected).extracting(S3StoreSettings::chunkedEncoding).containsExactly(true, false);
  }

  @Test
  void openOnOwnClient_connectionBrokenOffWhileTheFirstOptionsUpload_triesTheNextOptions() throws IOException {
    List<S3StoreSettings> connected = new ArrayList<>();
    S3StoreSettings settings = S3.server().settings(BUCKET).prefix(prefix).build();

    try (SpillStore store = SessionOpener.openOnOwnClient(settings, null, s -> {
      connected.add(s);
      return new ForwardingOps(new SyncObjectOps(S3.client(), false)) {
        @Override
        public String put(String bucket, String key, ByteBuffer[] body, long length) {
          if (s.chunkedEncoding()) {
            throw SdkClientException.create("Unable to execute HTTP request: Error writing request body to server");
          }
          return super.put(bucket, key, body, length);
        }
      };
    })) {
      assertThat(((S3SpillStore) store).settings().chunkedEncoding()).isFalse();
    }
    assertThat(connected).hasSize(2);
  }

  @Test
  void openOnOwnClient_everyUploadBrokenOff_failsAsAnIoErrorNotAConfigurationError() {
    S3StoreSettings settings = S3.server().settings(BUCKET).prefix(prefix).build();

    assertThatThrownBy(() -> SessionOpener.openOnOwnClient(settings, null,
        s -> new ForwardingOps(new SyncObjectOps(S3.client(), false)) {
          @Override
          public String put(String bucket, String key, ByteBuffer[] body, long length) {
            throw SdkClientException.create("Unable to execute HTTP request: Connection reset");
          }
        }))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining("Connection reset")
        .hasMessageContaining("A connection failed during the probe");
  }

  @Test
  void openOnOwnClient_nothingWorks_failsWithEveryFindingAndLeavesNothing() {
    S3StoreSettings settings = S3.server().settings(BUCKET).prefix(prefix)
        .checksumCalculation(ChecksumMode.WHEN_SUPPORTED).build();
    List<S3StoreSettings> connected = new ArrayList<>();

    assertThatThrownBy(() -> SessionOpener.openOnOwnClient(settings, null, s -> {
      connected.add(s);
      return new ForwardingOps(new SyncObjectOps(S3.client(), false)) {
        @Override
        public String put(String bucket, String key, ByteBuffer[] body, long length) {
          byte[] shorter = new byte[(int) length - 1];
          return super.put(bucket, key, new ByteBuffer[] {ByteBuffer.wrap(shorter)}, shorter.length);
        }
      };
    }))
        .isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining("'" + BUCKET + "'")
        .hasMessageContaining("stored " + (ServerProbe.PROBE_BYTES - 1) + " bytes")
        .hasMessageContaining("s3.chunkedEncoding=true, s3.checksumCalculation=WHEN_SUPPORTED")
        .hasMessageContaining("s3.chunkedEncoding=false, s3.checksumCalculation=WHEN_REQUIRED");
    assertThat(connected).hasSize(3);
    assertThat(S3.client().listObjectsV2(b -> b.bucket(BUCKET).prefix(prefix + "/")).contents()).isEmpty();
  }
}
