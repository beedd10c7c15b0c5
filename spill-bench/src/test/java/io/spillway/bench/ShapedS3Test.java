package io.spillway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.spi.SpillStore;
import io.spillway.bench.shaper.Shaping;
import io.spillway.store.s3.S3SpillStores;
import io.spillway.store.s3.S3StoreSettings;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** Functional only: the AWS SDK and the s3 store work through the shaper. Timings are the benchmarks' business. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShapedS3Test {
  private static final String BUCKET = "shaped";
  private static ShapedS3 s3;

  @BeforeAll
  static void start() throws Exception {
    s3 = ShapedS3.start(BUCKET, "shaped-access", "shaped-secret", Shaping.defaults());
  }

  @AfterAll
  static void stop() {
    s3.close();
  }

  private static byte[] random(int length, long seed) {
    byte[] bytes = new byte[length];
    new SplittableRandom(seed).nextBytes(bytes);
    return bytes;
  }

  @Test
  void sdkClient_throughShaper_putsGetsAndDeletesAnObject() {
    byte[] value = random(3 << 20, 5);
    int before = s3.proxy().acceptedConnections();
    try (S3Client client = S3SpillStores.newClient(s3.storeSettings().build())) {
      client.putObject(b -> b.bucket(BUCKET).key("object"), RequestBody.fromBytes(value));
      assertThat(client.getObjectAsBytes(b -> b.bucket(BUCKET).key("object")).asByteArray()).isEqualTo(value);
      client.deleteObject(b -> b.bucket(BUCKET).key("object"));
      assertThat(client.listObjectsV2(b -> b.bucket(BUCKET).prefix("object")).contents()).isEmpty();
    }
    assertThat(s3.proxy().acceptedConnections()).isGreaterThan(before);
  }

  @Test
  void s3Store_throughShaper_writesAndReadsParallelParts() throws Exception {
    byte[] value = random(12 << 20, 6);
    S3StoreSettings settings = s3.storeSettings().multipartThreshold(5 << 20).partSize(5 << 20).parallelism(3)
        .build();
    try (S3Client client = S3SpillStores.newClient(settings);
        SpillStore store = S3SpillStores.create(client, settings)) {
      store.write("value", ByteBuffer.wrap(value));
      try (SeekableByteChannel channel = store.openRead("value"); InputStream in = Channels.newInputStream(channel)) {
        assertThat(in.readAllBytes()).isEqualTo(value);
      }
      assertThat(store.delete("value")).isTrue();
    }
  }
}
