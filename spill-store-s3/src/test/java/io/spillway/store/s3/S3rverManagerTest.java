package io.spillway.store.s3;

import static io.spillway.store.s3.S3SpillManagerTest.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.CorruptSegmentException;
import io.spillway.api.SegmentHandle;
import io.spillway.api.SpillCodec;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillMode;
import io.spillway.api.SpillStoreException;
import io.spillway.api.spi.SpillStore;
import io.spillway.core.SpillCodecs;
import io.spillway.core.Spillway;
import io.spillway.store.s3.S3StoreSettings.ChecksumMode;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A manager on s3rver, which keeps the {@code aws-chunked} framing of uploads inside the objects when the client
 * uses it (as the SDK does by default): with default settings the store must find that at open and spill and reload
 * correctly; with a client it cannot change it must refuse at open; and if the server alters an upload after the
 * probe, the write must fail and the value stay resident — never a value lost to an unreadable copy.
 */
class S3rverManagerTest {
  private static final String BUCKET = "managed";
  private static final long MiB = 1 << 20;
  @RegisterExtension static final S3Bucket<S3rverServer> S3 = S3Bucket.s3rver(BUCKET);

  private final String prefix = "m-" + UUID.randomUUID();

  private SpillConfig.Builder config() {
    return config(64 * MiB);
  }

  private SpillConfig.Builder config(long maxMemory) {
    return S3.server().options(SpillConfig.builder().store("s3").maxMemory(maxMemory), BUCKET)
        .option(S3StoreSettings.PREFIX, prefix);
  }

  private List<String> objectKeys() {
    return S3.client().listObjectsV2(b -> b.bucket(BUCKET).prefix(prefix + "/")).contents().stream()
        .map(S3Object::key).toList();
  }

  private static String objectKey(URI location) {
    return location.getPath().substring(1);
  }

  @Test
  void create_defaultSettings_turnsChunkedEncodingOffAndKeepsTheOtherOptions() throws IOException {
    try (SpillStore store = new S3SpillStoreProvider().create(config().build())) {
      S3StoreSettings used = ((S3SpillStore) store).settings();

      assertThat(used.chunkedEncoding()).as("s3rver keeps the aws-chunked framing: the store must turn it off")
          .isFalse();
      assertThat(used.checksumCalculation()).isEqualTo(ChecksumMode.WHEN_REQUIRED);
      assertThat(used.prefix()).isEqualTo(prefix);
      ServerProfile profile = ((S3SpillStore) store).profile();
      assertThat(profile.putETags()).as("s3rver's PUT ETags are content MD5s").isTrue();
      assertThat(profile.multipartETags()).as("s3rver's multipart ETags do not follow S3's rule").isFalse();
      assertThat(objectKeys()).as("the probe's objects are gone; the lease stays").singleElement().asString()
          .endsWith("/" + S3Keys.LEASE);
    }
    assertThat(objectKeys()).isEmpty();
  }

  @Test
  void spillAndReload_defaultSettings_returnsEverySizeAndHostileNameByteExact() {
    Map<String, byte[]> values = new LinkedHashMap<>();
    values.put("empty", new byte[0]);
    values.put("one-kib", randomBytes(1024, 1));
    values.put("../../etc/passwd", randomBytes(3000, 2));
    values.put("名前 with spaces\tand\\back/slashes", randomBytes(70_000, 3));
    values.put("a".repeat(600), randomBytes(1000, 4));
    values.put("one-mib", randomBytes((int) MiB, 5));
    values.put("twenty-mib-multipart", randomBytes((int) (20 * MiB) + 11, 6));
    try (SpillManager manager = Spillway.newManager(config().build())) {
      for (Map.Entry<String, byte[]> value : values.entrySet()) {
        manager.registerSegment(value.getKey(), value.getValue().length);
        manager.spill(value.getKey(), value.getValue());
      }
      assertThat(manager.memoryUsage()).isZero();
      for (Map.Entry<String, byte[]> value : values.entrySet()) {
        assertThat(manager.reload(value.getKey())).as(value.getKey())
            .hasValueSatisfying(back -> assertThat(back).isEqualTo(value.getValue()));
      }
      assertThat(manager.stats().reloadFailures()).isZero();
    }
    assertThat(objectKeys()).as("objects left after close").isEmpty();
  }

  @Test
  void put_managedValuesThreeTimesTheBudget_defaultSettings_readsEveryValueBack() {
    SpillConfig config = config(8 * MiB).build();
    List<byte[]> values = new ArrayList<>();
    try (SpillManager manager = Spillway.newManager(config)) {
      List<SegmentHandle<byte[]>> handles = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        byte[] value = randomBytes((int) MiB, 100 + i);
        values.add(value);
        handles.add(manager.put("value-" + i, value.clone(), SpillCodecs.bytes()));
      }
      assertThat(manager.stats().spillOperations()).as("values spilled to s3rver").isGreaterThanOrEqualTo(16);
      for (int i = 0; i < values.size(); i++) {
        assertThat(handles.get(i).get()).as("value-%d", i).isEqualTo(values.get(i));
      }
      assertThat(manager.stats().reloadFailures()).isZero();
      assertThat(manager.stats().spillFailures()).isZero();
    }
    assertThat(objectKeys()).as("objects left after close").isEmpty();
  }

  @ParameterizedTest(name = "checksumCalculation={0}, checksumValidation={1}, chunkedEncoding={2}")
  @MethodSource("io.spillway.store.s3.ClientOptions#all")
  void spillAndReload_anyClientOptions_roundTripsSmallAndMultipartSegments(ChecksumMode calculation,
      ChecksumMode validation, boolean chunked) {
    ClientOptions.roundTrip(config().option(S3StoreSettings.MULTIPART_THRESHOLD, "6MiB")
        .option(S3StoreSettings.PART_SIZE, "5MiB"), calculation, validation, chunked);
    assertThat(objectKeys()).isEmpty();
  }

  @Test
  void create_callersClientWithChunkedEncoding_failsAtOpenNamingTheSettingToChange() {
    try (S3Client chunked = S3SpillStores.newClient(S3.server().settings(BUCKET).chunkedEncoding(true).build())) {
      S3StoreSettings settings = S3.server().settings(BUCKET).prefix(prefix).build();

      assertThatThrownBy(() -> S3SpillStores.create(chunked, settings))
          .isInstanceOf(SpillConfigurationException.class)
          .hasMessageContaining("aws-chunked")
          .hasMessageContaining("chunkedEncodingEnabled(false)");
    }
    assertThat(objectKeys()).as("nothing left by the refused open").isEmpty();
  }

  /**
   * A store whose probe went through a client that s3rver serves correctly while every value goes through one whose
   * uploads it alters: the server misbehaving after the probe, as a server that changes behaviour would.
   */
  private SpillStore storeAlteringValuesAfterTheProbe(S3Client good, S3Client altering, boolean verify)
      throws IOException {
    ObjectOps probeOps = new SyncObjectOps(good, false);
    ObjectOps valueOps = new SyncObjectOps(altering, false);
    ObjectOps split = new ForwardingOps(probeOps) {
      @Override
      public String put(String bucket, String key, ByteBuffer[] body, long length) {
        return key.contains("/" + S3Keys.VALUES) ? valueOps.put(bucket, key, body, length)
            : super.put(bucket, key, body, length);
      }
    };
    return S3SpillStores.open(split, S3.server().settings(BUCKET).prefix(prefix).verifyWrites(verify).build());
  }

  @Test
  void spill_serverAltersTheUploadAfterTheProbe_failsNamingSegmentAndSettingAndKeepsItResident() throws IOException {
    byte[] data = randomBytes(50_000, 9);
    try (S3Client good = S3.server().client();
        S3Client altering = S3SpillStores.newClient(S3.server().settings(BUCKET).chunkedEncoding(true).build());
        SpillManager manager = Spillway.newManager(SpillConfig.builder().build(),
            storeAlteringValuesAfterTheProbe(good, altering, true))) {
      manager.registerSegment("precious", data.length);

      assertThatThrownBy(() -> manager.spill("precious", data))
          .isInstanceOf(SpillStoreException.class)
          .hasMessageContaining("precious")
          .hasMessageContaining("chunkedEncoding")
          .satisfies(e -> assertThat(((SpillStoreException) e).segment()).isEqualTo("precious"));
      assertThat(manager.isSpilled("precious")).isFalse();
      assertThat(manager.memoryUsage()).isEqualTo(data.length);
      assertThat(objectKeys()).as("the altered object is deleted").noneMatch(k -> k.contains("/" + S3Keys.VALUES));
    }
  }

  @Test
  void put_serverAltersEveryUploadAfterTheProbe_keepsEveryManagedValueResidentAndIntact() throws IOException {
    SpillConfig config = SpillConfig.builder().maxMemory(8 * MiB).spillThreshold(0.8).spillMode(SpillMode.SYNCHRONOUS)
        .build();
    List<byte[]> values = new ArrayList<>();
    SpillCodec<byte[]> codec = SpillCodecs.bytes();
    try (S3Client good = S3.server().client();
        S3Client altering = S3SpillStores.newClient(S3.server().settings(BUCKET).chunkedEncoding(true).build());
        SpillManager manager = Spillway.newManager(config, storeAlteringValuesAfterTheProbe(good, altering, true))) {
      List<SegmentHandle<byte[]>> handles = new ArrayList<>();
      // Past the threshold of 80% set here: the spiller tries, and every write is refused.
      for (int i = 0; i < 7; i++) {
        byte[] value = randomBytes((int) MiB, 200 + i);
        values.add(value);
        handles.add(manager.put("value-" + i, value.clone(), codec));
      }

      assertThat(manager.stats().spillFailures()).as("spills tried and refused").isPositive();
      assertThat(manager.stats().spilledCount()).isZero();
      for (int i = 0; i < values.size(); i++) {
        assertThat(handles.get(i).isSpilled()).isFalse();
        assertThat(handles.get(i).get()).as("value-%d", i).isEqualTo(values.get(i));
      }
    }
  }

  @Test
  void spill_serverAltersTheUploadWithVerificationOff_isCaughtByTheFrameChecksumOnReload() throws IOException {
    byte[] data = randomBytes(50_000, 10);
    try (S3Client good = S3.server().client();
        S3Client altering = S3SpillStores.newClient(S3.server().settings(BUCKET).chunkedEncoding(true).build());
        SpillManager manager = Spillway.newManager(SpillConfig.builder().build(),
            storeAlteringValuesAfterTheProbe(good, altering, false))) {
      manager.registerSegment("trusted", data.length);
      manager.spill("trusted", data);

      assertThatThrownBy(() -> manager.reload("trusted")).isInstanceOf(CorruptSegmentException.class)
          .hasMessageContaining("trusted");
      assertThat(manager.isSpilled("trusted")).isTrue();
    }
  }

  @Test
  void reload_objectOverwrittenBehindTheManager_throwsCorruptSegmentExceptionAndKeepsItSpilled() {
    byte[] data = randomBytes(100_000, 11);
    try (SpillManager manager = Spillway.newManager(config().build())) {
      manager.registerSegment("tampered", data.length);
      String key = objectKey(manager.spill("tampered", data));
      byte[] stored = S3.client().getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray();
      stored[stored.length / 2] ^= 0x01;
      S3.client().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(stored));

      assertThatThrownBy(() -> manager.reload("tampered")).isInstanceOf(CorruptSegmentException.class)
          .hasMessageContaining("tampered");
      assertThat(manager.isSpilled("tampered")).isTrue();
    }
  }
}
