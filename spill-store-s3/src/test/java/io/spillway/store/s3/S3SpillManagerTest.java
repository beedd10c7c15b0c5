package io.spillway.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.CorruptSegmentException;
import io.spillway.api.SegmentInfo;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillStoreException;
import io.spillway.core.Spillway;
import io.spillway.store.s3.S3StoreSettings.ChecksumMode;
import java.net.URI;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** A manager configured with {@code store("s3")} against S3Proxy: spills, reloads, corruption, a missing bucket. */
class S3SpillManagerTest {
  private static final String BUCKET = "managed";
  @RegisterExtension static final S3Bucket<S3ProxyServer> S3 = S3Bucket.s3Proxy(BUCKET);

  private final String prefix = "m-" + UUID.randomUUID();

  private SpillConfig.Builder config() {
    return S3.server().options(SpillConfig.builder().store("s3").maxMemory(64L << 20), BUCKET)
        .option(S3StoreSettings.PREFIX, prefix)
        .option(S3StoreSettings.MULTIPART_THRESHOLD, "6MiB")
        .option(S3StoreSettings.PART_SIZE, "5MiB");
  }

  static byte[] randomBytes(int length, long seed) {
    byte[] bytes = new byte[length];
    new SplittableRandom(seed).nextBytes(bytes);
    return bytes;
  }

  private static String objectKey(URI location) {
    assertThat(location.getScheme()).isEqualTo("s3");
    assertThat(location.getHost()).isEqualTo(BUCKET);
    return location.getPath().substring(1);
  }

  @Test
  void spillAndReload_smallAndMultipartSegments_returnSameBytesThroughS3() {
    byte[] small = randomBytes(200_000, 1);
    byte[] large = randomBytes(13 * 1024 * 1024 + 17, 2);
    try (SpillManager manager = Spillway.newManager(config().build())) {
      manager.registerSegment("small", small.length);
      manager.registerSegment("large", large.length);

      URI smallAt = manager.spill("small", small);
      URI largeAt = manager.spill("large", large);

      assertThat(manager.isSpilled("small")).isTrue();
      assertThat(manager.isSpilled("large")).isTrue();
      assertThat(manager.memoryUsage()).isZero();
      assertThat(S3.client().headObject(b -> b.bucket(BUCKET).key(objectKey(smallAt))).contentLength())
          .isGreaterThan(small.length);
      assertThat(S3.client().headObject(b -> b.bucket(BUCKET).key(objectKey(largeAt))).contentLength())
          .isGreaterThan(large.length);
      assertThat(manager.reload("small")).hasValueSatisfying(b -> assertThat(b).isEqualTo(small));
      assertThat(manager.reload("large")).hasValueSatisfying(b -> assertThat(b).isEqualTo(large));
      assertThat(manager.memoryUsage()).isEqualTo(small.length + (long) large.length);
      assertThat(manager.stats().reloadOperations()).isEqualTo(2);
    }
    assertThat(S3.client().listObjectsV2(b -> b.bucket(BUCKET).prefix(prefix + "/")).contents())
        .as("objects left after the manager closed")
        .isEmpty();
  }

  @ParameterizedTest(name = "compression={0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"lz4", "zstd", "auto"})
  void spillAndReload_compressed_storesSmallerObjectsAndReturnsSameBytes(String compression) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; text.length() < 3_000_000; i++) {
      text.append("{\"id\":").append(i).append(",\"name\":\"user-").append(i % 977).append("\"}\n");
    }
    byte[] data = text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] noise = randomBytes(100_000, 7);
    try (SpillManager manager = Spillway.newManager(config().compression(compression).build())) {
      manager.registerSegment("text", data.length);
      manager.registerSegment("noise", noise.length);
      URI textAt = manager.spill("text", data);
      URI noiseAt = manager.spill("noise", noise);

      assertThat(S3.client().headObject(b -> b.bucket(BUCKET).key(objectKey(textAt))).contentLength())
          .isLessThan(data.length / 2);
      assertThat(S3.client().headObject(b -> b.bucket(BUCKET).key(objectKey(noiseAt))).contentLength())
          .isGreaterThan(noise.length);
      assertThat(manager.reload("text")).hasValueSatisfying(b -> assertThat(b).isEqualTo(data));
      assertThat(manager.reload("noise")).hasValueSatisfying(b -> assertThat(b).isEqualTo(noise));
    }
  }

  @Test
  void spillAndReload_encrypted_storesCiphertextOnlyAndRefusesAnOlderObjectPutBack() {
    byte[] first = randomBytes(300_000, 11);
    byte[] second = randomBytes(300_000, 12);
    try (SpillManager manager = Spillway.newManager(config().encryption("aes-gcm").build())) {
      manager.registerSegment("secret", first.length);
      URI at = manager.spill("secret", first);
      byte[] stored = S3.client().getObjectAsBytes(b -> b.bucket(BUCKET).key(objectKey(at))).asByteArray();
      assertThat(java.util.Collections.indexOfSubList(toList(stored), toList(java.util.Arrays.copyOf(first, 64))))
          .as("plaintext in the object").isNegative();
      assertThat(manager.reload("secret")).hasValueSatisfying(b -> assertThat(b).isEqualTo(first));

      URI again = manager.spill("secret", second);
      S3.client().putObject(b -> b.bucket(BUCKET).key(objectKey(again)),
          RequestBody.fromBytes(stored));

      assertThatThrownBy(() -> manager.reload("secret")).isInstanceOf(CorruptSegmentException.class)
          .extracting(e -> ((CorruptSegmentException) e).reason())
          .isEqualTo(CorruptSegmentException.Reason.AUTHENTICATION_FAILED);
      assertThat(manager.isSpilled("secret")).isTrue();
    }
  }

  private static java.util.List<Byte> toList(byte[] bytes) {
    java.util.List<Byte> list = new java.util.ArrayList<>(bytes.length);
    for (byte b : bytes) {
      list.add(b);
    }
    return list;
  }

  @ParameterizedTest(name = "checksumCalculation={0}, checksumValidation={1}, chunkedEncoding={2}")
  @MethodSource("io.spillway.store.s3.ClientOptions#all")
  void spillAndReload_anyClientOptions_roundTripsSmallAndMultipartSegments(ChecksumMode calculation,
      ChecksumMode validation, boolean chunked) {
    ClientOptions.roundTrip(config(), calculation, validation, chunked);
  }

  @Test
  void reload_objectOverwrittenWithOtherBytes_throwsCorruptSegmentExceptionAndKeepsItSpilled() {
    byte[] data = randomBytes(100_000, 3);
    try (SpillManager manager = Spillway.newManager(config().build())) {
      manager.registerSegment("same-length", data.length);
      manager.registerSegment("other-length", data.length);
      String sameKey = objectKey(manager.spill("same-length", data));
      String otherKey = objectKey(manager.spill("other-length", data));
      byte[] stored = S3.client().getObjectAsBytes(b -> b.bucket(BUCKET).key(sameKey)).asByteArray();
      byte[] tampered = stored.clone();
      tampered[tampered.length / 2] ^= 0x40;

      S3.client().putObject(b -> b.bucket(BUCKET).key(sameKey), RequestBody.fromBytes(tampered));
      S3.client().putObject(b -> b.bucket(BUCKET).key(otherKey),
          RequestBody.fromBytes(Arrays.copyOf(stored, stored.length - 10)));

      assertThatThrownBy(() -> manager.reload("same-length"))
          .isInstanceOf(CorruptSegmentException.class)
          .hasMessageContaining("same-length");
      assertThatThrownBy(() -> manager.reload("other-length"))
          .isInstanceOf(CorruptSegmentException.class)
          .hasMessageContaining("other-length");
      assertThat(manager.isSpilled("same-length")).isTrue();
      assertThat(manager.isSpilled("other-length")).isTrue();
    }
  }

  @Test
  void newManager_missingBucket_failsAtStartWithConfigurationError() {
    SpillConfig config = S3.server().options(SpillConfig.builder().store("s3"), "no-such-bucket").build();

    assertThatThrownBy(() -> Spillway.newManager(config))
        .isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining("no-such-bucket")
        .hasMessageContaining("does not exist");
  }

  @Test
  void newManager_noBucketOption_failsNamingTheOption() {
    SpillConfig config = SpillConfig.builder().store("s3").build();

    assertThatThrownBy(() -> Spillway.newManager(config))
        .isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining(S3StoreSettings.BUCKET);
  }

  @Test
  void newManager_withInjectedClientStore_spillsAndLeavesTheClientOpen() throws Exception {
    byte[] data = randomBytes(50_000, 4);
    S3Client client = S3.server().client();
    try {
      S3StoreSettings settings = S3.server().settings(BUCKET).prefix(prefix).build();
      try (SpillManager manager = Spillway.newManager(SpillConfig.builder().build(),
          S3SpillStores.create(client, settings))) {
        manager.registerSegment("injected", data.length);
        assertThat(manager.spill("injected", data).getScheme()).isEqualTo("s3");
        assertThat(manager.reload("injected")).hasValueSatisfying(b -> assertThat(b).isEqualTo(data));
      }
      // Still usable: the store must not have closed a client it did not make.
      assertThat(client.listObjectsV2(b -> b.bucket(BUCKET).prefix(prefix + "/")).contents()).isEmpty();
    } finally {
      client.close();
    }
  }

  @Test
  void listSegments_spilledSegment_reportsItsS3LocationInsideASessionFolder() {
    byte[] data = randomBytes(10_000, 5);
    try (SpillManager manager = Spillway.newManager(config().build())) {
      manager.registerSegment("../etc/passwd", data.length);
      manager.spill("../etc/passwd", data);

      SegmentInfo info = manager.listSegments().get(0);

      assertThat(info.location()).isNotNull();
      assertThat(objectKey(info.location()))
          .startsWith(prefix + "/session-" + ProcessHandle.current().pid() + "-")
          .doesNotContain("..")
          .doesNotContain("/etc/");
    }
  }

  @Test
  void spill_storeFailureReported_asSpillStoreExceptionNamingSegment() {
    // A prefix is fine but a bucket deleted behind the manager's back makes every put fail.
    String bucket = "vanishing-" + UUID.randomUUID().toString().substring(0, 8);
    S3.server().createBucket(bucket);
    byte[] data = randomBytes(10_000, 6);
    try (SpillManager manager = Spillway.newManager(
        S3.server().options(SpillConfig.builder().store("s3"), bucket).build())) {
      manager.registerSegment("doomed", data.length);
      S3.server().blobStore().deleteContainer(bucket);

      assertThatThrownBy(() -> manager.spill("doomed", data))
          .isInstanceOf(SpillStoreException.class)
          .hasMessageContaining("doomed")
          .satisfies(e -> assertThat(((SpillStoreException) e).segment()).isEqualTo("doomed"));
      assertThat(manager.isSpilled("doomed")).isFalse();
      assertThat(manager.memoryUsage()).isEqualTo(data.length);
      S3.server().createBucket(bucket);
    }
  }
}
