package io.spillway.store.s3;

import static io.spillway.store.s3.S3SpillManagerTest.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.spi.SpillStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * How the s3 store checks what the server stored before a write returns, on S3Proxy. S3Proxy keeps what it is sent,
 * so the servers that do not are made here by altering bodies or answers on the way, for value objects only (the
 * probe at open passes, as it would on a server that changes behaviour later); s3rver's real alterations are in
 * {@link S3rverManagerTest}.
 */
class WriteVerifierTest {
  private static final String BUCKET = "verify";
  private static final long MiB = 1 << 20;
  @RegisterExtension static final S3Bucket<S3ProxyServer> S3 = S3Bucket.s3Proxy(BUCKET);

  private final String prefix = "w-" + UUID.randomUUID();

  private S3StoreSettings.Builder settings() {
    return S3.server().settings(BUCKET).prefix(prefix).multipartThreshold(6 * MiB).partSize(5 * MiB);
  }

  private static boolean isValue(String key) {
    return key.contains("/" + S3Keys.VALUES);
  }

  private boolean anyValueObject() {
    return S3.client().listObjectsV2(b -> b.bucket(BUCKET).prefix(prefix + "/")).contents().stream()
        .map(S3Object::key).anyMatch(WriteVerifierTest::isValue);
  }

  /**
   * Counts HEADs of value objects; may answer PUTs with ETags that are not content MD5s (as AWS S3 does for
   * SSE-KMS), add a byte to what value PUTs store, or answer the second part of a value with a wrong ETag.
   */
  private static class Server extends ForwardingOps {
    final AtomicInteger heads = new AtomicInteger();
    boolean opaqueETags;
    boolean addByte;
    boolean wrongPartETag;

    Server() {
      super(new SyncObjectOps(S3.client(), false));
    }

    @Override
    public String put(String bucket, String key, ByteBuffer[] body, long length) {
      String eTag;
      if (addByte && isValue(key)) {
        byte[] stored = Arrays.copyOf(ETagsTest.concat(body), (int) length + 1);
        eTag = super.put(bucket, key, new ByteBuffer[] {ByteBuffer.wrap(stored)}, stored.length);
      } else {
        eTag = super.put(bucket, key, body, length);
      }
      return opaqueETags ? "\"" + UUID.randomUUID().toString().replace("-", "") + "\"" : eTag;
    }

    @Override
    public String uploadPart(String bucket, String key, String uploadId, int partNumber, ByteBuffer[] body,
        long length) {
      String eTag = super.uploadPart(bucket, key, uploadId, partNumber, body, length);
      return wrongPartETag && isValue(key) && partNumber == 2 ? "\"0123456789abcdef0123456789abcdef\"" : eTag;
    }

    @Override
    public Head head(String bucket, String key) {
      if (isValue(key)) {
        heads.incrementAndGet();
      }
      return super.head(bucket, key);
    }
  }

  @Test
  void write_serverReportsContentMd5s_isCheckedByETagWithoutAnotherRequest() throws IOException {
    Server server = new Server();
    try (SpillStore store = S3SpillStores.open(server, settings().build())) {
      store.write("k", ByteBuffer.wrap(randomBytes(10_000, 1)));

      assertThat(server.heads.get()).isZero();
    }
  }

  @Test
  void write_serverReportsOtherETags_isCheckedByTheLengthAHeadReports() throws IOException {
    Server server = new Server();
    server.opaqueETags = true;
    byte[] value = randomBytes(10_000, 2);
    try (SpillStore store = S3SpillStores.open(server, settings().build())) {
      store.write("k", ByteBuffer.wrap(value));

      assertThat(server.heads.get()).isEqualTo(1);
      assertThat(store.read("k")).isEqualTo(value);
    }
  }

  @Test
  void write_serverStoresAnotherLength_failsNamingSegmentAndDeletesTheObject() throws IOException {
    Server server = new Server();
    server.opaqueETags = true;
    server.addByte = true;
    try (SpillStore store = S3SpillStores.open(server, settings().build())) {
      assertThatThrownBy(() -> store.write("victim", ByteBuffer.wrap(randomBytes(10_000, 3))))
          .isInstanceOf(WriteVerifier.MismatchException.class)
          .hasMessageContaining("'victim'")
          .hasMessageContaining("stored 10001 bytes for the 10000 written");

      assertThat(store.list()).isEmpty();
      assertThat(store.usage()).isZero();
      assertThat(anyValueObject()).isFalse();
    }
  }

  @Test
  void write_serverStoresOtherBytesUnderAContentETag_failsByTheETag() throws IOException {
    Server server = new Server();
    try (SpillStore store = S3SpillStores.open(server, settings().build())) {
      store.write("kept", ByteBuffer.wrap(randomBytes(100, 4)));
      server.addByte = true;

      assertThatThrownBy(() -> store.write("kept", ByteBuffer.wrap(randomBytes(100, 5))))
          .isInstanceOf(WriteVerifier.MismatchException.class)
          .hasMessageContaining("reported ETag");
      assertThat(store.list()).as("the put replaced the earlier copy, and the altered one is gone").isEmpty();
      assertThat(anyValueObject()).isFalse();
    }
  }

  @Test
  void write_partETagWrong_abortsTheUploadAndFailsNamingThePart() throws IOException {
    Server server = new Server();
    server.wrongPartETag = true;
    try (SpillStore store = S3SpillStores.open(server, settings().build())) {
      assertThatThrownBy(() -> store.write("large", ByteBuffer.wrap(randomBytes((int) (12 * MiB), 6))))
          .isInstanceOf(WriteVerifier.MismatchException.class)
          .hasMessageContaining("part 2");

      assertThat(store.list()).isEmpty();
      assertThat(anyValueObject()).isFalse();
      assertThat(S3.client().listMultipartUploads(b -> b.bucket(BUCKET).prefix(prefix + "/")).uploads()).isEmpty();
    }
  }

  @Test
  void write_multipart_isCheckedByAHeadOfTheWhole() throws IOException {
    Server server = new Server();
    byte[] value = randomBytes((int) (12 * MiB) + 1, 7);
    try (SpillStore store = S3SpillStores.open(server, settings().build())) {
      store.write("large", ByteBuffer.wrap(value));

      assertThat(server.heads.get()).isEqualTo(1);
      assertThat(store.read("large")).isEqualTo(value);
    }
  }

  @Test
  void write_verificationOff_trustsTheServerAfterTheProbe() throws IOException {
    Server server = new Server();
    server.opaqueETags = true;
    server.addByte = true;
    try (SpillStore store = S3SpillStores.open(server, settings().verifyWrites(false).build())) {
      store.write("trusted", ByteBuffer.wrap(randomBytes(1000, 8)));

      assertThat(server.heads.get()).isZero();
      assertThat(store.list()).containsExactly("trusted");
    }
  }
}
