package io.spillway.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.spi.SpillStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * How a session ends: every object removed despite a refused or broken multi-object delete, leftovers reported naming
 * the session, and the resources the store made released.
 */
class S3SpillStoreCloseTest {
  private static final String BUCKET = "closing";
  @RegisterExtension static final S3Bucket<S3ProxyServer> S3 = S3Bucket.s3Proxy(BUCKET);

  private final String prefix = "c-" + UUID.randomUUID();

  private List<String> objectKeys() {
    return S3.client().listObjectsV2(b -> b.bucket(BUCKET).prefix(prefix + "/")).contents().stream()
        .map(S3Object::key).toList();
  }

  private static void writeSmallValues(SpillStore store, int count) throws IOException {
    for (int i = 0; i < count; i++) {
      store.write("t" + (i % 8) + "/k" + i, ByteBuffer.wrap(new byte[] {(byte) i, 1, 2, 3}));
    }
  }

  /** Counts the multi-object deletes and single deletes a store sends, but those of the probe at open. */
  private static class DeleteCounting extends ForwardingOps {
    final AtomicInteger batches = new AtomicInteger();
    final AtomicInteger singles = new AtomicInteger();
    final AtomicBoolean closed = new AtomicBoolean();

    DeleteCounting(ObjectOps delegate) {
      super(delegate);
    }

    @Override
    public List<String> deleteBatch(String bucket, List<String> keys) {
      batches.incrementAndGet();
      return super.deleteBatch(bucket, keys);
    }

    @Override
    public void delete(String bucket, String key) {
      if (!CountingOps.isProbe(key)) {
        singles.incrementAndGet();
      }
      super.delete(bucket, key);
    }

    @Override
    public void close() {
      closed.set(true);
      super.close();
    }
  }

  @Test
  void close_manyObjectsOnServerRefusingMultiDelete_removesEveryObjectTryingTheBatchOnce() throws IOException {
    DeleteCounting ops = new DeleteCounting(new SyncObjectOps(S3.client(), false));
    SpillStore store = S3SpillStores.open(ops, S3.server().settings(BUCKET).prefix(prefix).build());
    writeSmallValues(store, 300);
    assertThat(objectKeys()).hasSize(301);

    store.close();

    assertThat(objectKeys()).as("objects left after close()").isEmpty();
    assertThat(ops.batches.get()).as("multi-object deletes sent (S3Proxy refuses them)").isEqualTo(1);
    assertThat(ops.singles.get()).as("single deletes: values and lease").isEqualTo(301);
    assertThat(((S3SpillStore) store).deleter().batchRefused()).isTrue();
    assertThat(ops.closed).isTrue();
  }

  @Test
  void deleteAll_afterARefusedBatch_sendsOnlySingleDeletes() {
    DeleteCounting ops = new DeleteCounting(new SyncObjectOps(S3.client(), false)) {
      @Override
      public List<String> deleteBatch(String bucket, List<String> keys) {
        batches.incrementAndGet();
        throw (S3Exception) S3Exception.builder().statusCode(501).message("NotImplemented").build();
      }
    };
    ObjectDeleter deleter = new ObjectDeleter(ops, BUCKET);
    List<String> keys = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String key = prefix + "/o" + i;
      S3.client().putObject(b -> b.bucket(BUCKET).key(key),
          software.amazon.awssdk.core.sync.RequestBody.fromString(key));
      keys.add(key);
    }
    keys.add(prefix + "/missing");

    assertThat(deleter.deleteAll(keys.subList(0, 10)).complete()).isTrue();
    assertThat(deleter.batchRefused()).isTrue();
    assertThat(deleter.deleteAll(keys.subList(10, 21)).complete()).as("a missing key counts as deleted").isTrue();

    assertThat(ops.batches.get()).as("the refusal is remembered").isEqualTo(1);
    assertThat(ops.singles.get()).isEqualTo(21);
    assertThat(objectKeys()).isEmpty();
  }

  @Test
  void close_fewObjects_deletesThemOneByOneWithoutAMultiDelete() throws IOException {
    DeleteCounting ops = new DeleteCounting(new SyncObjectOps(S3.client(), false));
    SpillStore store = S3SpillStores.open(ops, S3.server().settings(BUCKET).prefix(prefix).build());
    writeSmallValues(store, 3);

    store.close();

    assertThat(objectKeys()).isEmpty();
    assertThat(ops.batches.get()).isZero();
    assertThat(ops.singles.get()).isEqualTo(4);
  }

  @Test
  void close_multiDeleteBodyBrokenByTheServer_stillRemovesEveryObject() throws IOException {
    // What S3Proxy does now and then: it answers the refusal before reading the body and drops the connection.
    DeleteCounting ops = new DeleteCounting(new SyncObjectOps(S3.client(), false)) {
      @Override
      public List<String> deleteBatch(String bucket, List<String> keys) {
        batches.incrementAndGet();
        throw SdkClientException.create("Unable to execute HTTP request: Error writing request body to server",
            new IOException("Error writing request body to server"));
      }
    };
    SpillStore store = S3SpillStores.open(ops, S3.server().settings(BUCKET).prefix(prefix).build());
    writeSmallValues(store, 20);

    store.close();

    assertThat(objectKeys()).isEmpty();
    assertThat(ops.batches.get()).isEqualTo(1);
  }

  @Test
  void close_objectThatCannotBeDeleted_reportsTheSessionAndLeftoversAfterDeletingTheRest() throws IOException {
    DeleteCounting ops = new DeleteCounting(new SyncObjectOps(S3.client(), false)) {
      @Override
      public void delete(String bucket, String key) {
        if (key.endsWith("k3")) {
          throw (S3Exception) S3Exception.builder().statusCode(500).message("InternalError").build();
        }
        super.delete(bucket, key);
      }
    };
    SpillStore store = S3SpillStores.open(ops, S3.server().settings(BUCKET).prefix(prefix).build());
    String folder = ((S3SpillStore) store).folder();
    writeSmallValues(store, 10);

    assertThatThrownBy(store::close)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("s3://" + BUCKET + "/" + folder)
        .hasMessageContaining("1 of its 11 objects")
        .hasMessageContaining("k3")
        .hasCauseInstanceOf(S3Exception.class);

    assertThat(objectKeys()).singleElement().asString().endsWith("k3");
    assertThat(ops.closed).as("the client is released all the same").isTrue();
    assertThatThrownBy(store::list).isInstanceOf(IllegalStateException.class);
    store.close();
    S3.client().deleteObject(b -> b.bucket(BUCKET).key(objectKeys().get(0)));
  }

  /** A credentials provider that knows whether it was closed, standing for the SDK's default chain. */
  private static final class ClosingCredentials implements AwsCredentialsProvider, SdkAutoCloseable {
    final AtomicInteger closes = new AtomicInteger();

    @Override
    public AwsCredentials resolveCredentials() {
      return AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY);
    }

    @Override
    public void close() {
      closes.incrementAndGet();
    }
  }

  @Test
  void close_storeOwningItsClient_closesTheCredentialsChainItBuilt() throws IOException {
    S3StoreSettings settings = S3StoreSettings.builder(BUCKET).endpoint(S3.server().endpoint()).region("us-east-1")
        .prefix(prefix).build();
    ClosingCredentials credentials = new ClosingCredentials();
    SpillStore store = S3SpillStores.open(new SyncObjectOps(S3SpillStores.newClient(settings, () -> credentials), true),
        settings);
    writeSmallValues(store, 2);
    assertThat(credentials.closes.get()).isZero();

    store.close();

    // The SDK closes a client's provider with the client (more than once: the default chain tolerates that).
    assertThat(credentials.closes.get()).isPositive();
    assertThat(objectKeys()).isEmpty();
  }

  @Test
  void newClient_withStaticCredentials_neverAsksTheDefaultChain() {
    try (S3Client own = S3SpillStores.newClient(S3.server().settings(BUCKET).build(), () -> {
      throw new AssertionError("default chain built although static credentials are set");
    })) {
      assertThat(own.listObjectsV2(b -> b.bucket(BUCKET).prefix(prefix + "/")).contents()).isEmpty();
    }
  }
}
