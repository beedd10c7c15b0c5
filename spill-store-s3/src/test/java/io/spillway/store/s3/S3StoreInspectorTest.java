package io.spillway.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.api.spi.SpillStore;
import io.spillway.api.spi.SpillStoreInspector;
import io.spillway.api.spi.SpillStoreInspector.Kind;
import io.spillway.api.spi.SpillStoreInspector.Owner;
import io.spillway.api.spi.SpillStoreInspector.Session;
import io.spillway.api.spi.SpillStoreInspector.Value;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The s3 store's inspector on S3Proxy: sessions, owners by the lease rule, values, and removal. */
class S3StoreInspectorTest {
  private static final String BUCKET = "inspected";
  @RegisterExtension static final S3Bucket<S3ProxyServer> S3 = S3Bucket.s3Proxy(BUCKET);

  private final String prefix = "i-" + UUID.randomUUID();

  private S3StoreSettings.Builder settings() {
    return S3.server().settings(BUCKET).prefix(prefix);
  }

  /** The inspector's options: a session silent for 3 s is dead. */
  private SpillConfig inspectorConfig() {
    return SpillConfig.builder().store("s3")
        .option(S3StoreSettings.BUCKET, BUCKET)
        .option(S3StoreSettings.PREFIX, prefix)
        .option(S3StoreSettings.ENDPOINT, S3.server().endpoint().toString())
        .option(S3StoreSettings.REGION, "us-east-1")
        .option(S3StoreSettings.ACCESS_KEY_ID, S3.server().accessKey())
        .option(S3StoreSettings.SECRET_ACCESS_KEY, S3.server().secretKey())
        .option(S3StoreSettings.LEASE_REFRESH, "1s")
        .option(S3StoreSettings.LEASE_TIMEOUT, "3s")
        .build();
  }

  private static Session named(List<Session> sessions, String name) {
    return sessions.stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no session " + name + " in " + sessions));
  }

  private static ByteBuffer bytes(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void sessions_tellLiveFromDeadOwnersAndListValuesByName() throws IOException {
    String longKey = "long/" + "x".repeat(300);
    try (SpillStore persistent = S3SpillStores.createPersistent(S3.client(), settings().build(), "kept")) {
      persistent.write(longKey, bytes("hashed"));
      persistent.write("short", bytes("plain"));
    }
    SpillStore abandoned = S3SpillStores.create(S3.client(), settings().leaseRefresh(Duration.ofHours(1))
        .leaseTimeout(Duration.ofHours(2)).build());
    try (SpillStore live = S3SpillStores.create(S3.client(), settings().leaseRefresh(Duration.ofMillis(200))
        .leaseTimeout(Duration.ofSeconds(1)).build());
        SpillStoreInspector inspector = new S3SpillStoreProvider().inspect(inspectorConfig())) {
      abandoned.write("orphan", bytes("left"));
      abandoned.write("o/" + "y".repeat(300), bytes("unnamed"));
      live.write("kept", bytes("k"));
      String abandonedName = folderName(((S3SpillStore) abandoned).folder());
      String liveName = folderName(((S3SpillStore) live).folder());

      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
          .until(() -> named(inspector.sessions(), abandonedName).owner() == Owner.DEAD);
      List<Session> sessions = inspector.sessions();

      assertThat(sessions).extracting(Session::name).contains("persistent-kept", abandonedName, liveName);
      Session kept = named(sessions, "persistent-kept");
      assertThat(kept.kind()).isEqualTo(Kind.PERSISTENT);
      assertThat(kept.persistentName()).isEqualTo("kept");
      assertThat(kept.owner()).isEqualTo(Owner.DEAD);
      assertThat(kept.values()).containsExactly(new Value(longKey, true, 6), new Value("short", true, 5));
      assertThat(inspector.read(kept, kept.values().get(0))).asString(StandardCharsets.UTF_8).isEqualTo("hashed");
      assertThat(named(sessions, liveName).owner()).isEqualTo(Owner.ALIVE);
      Session dead = named(sessions, abandonedName);
      assertThat(dead.kind()).isEqualTo(Kind.EPHEMERAL);
      assertThat(dead.ownerDescription()).contains("pid " + ProcessHandle.current().pid());
      assertThat(dead.values()).hasSize(2).anySatisfy(v -> assertThat(v).isEqualTo(new Value("orphan", true, 4)))
          .anySatisfy(v -> assertThat(v.keyKnown()).isFalse());
      Value unnamed = dead.values().stream().filter(v -> !v.keyKnown()).findFirst().orElseThrow();
      assertThat(inspector.read(dead, unnamed)).asString(StandardCharsets.UTF_8).isEqualTo("unnamed");

      assertThat(inspector.removeStaleSessions()).isEqualTo(1);
      assertThat(inspector.sessions()).extracting(Session::name).doesNotContain(abandonedName).contains(liveName);
      assertThat(live.read("kept")).containsExactly('k');

      inspector.removeSession(named(inspector.sessions(), "persistent-kept"));
      assertThat(objectKeys()).noneMatch(key -> key.startsWith(prefix + "/persistent-kept/"));
    } finally {
      abandoned.close();
    }
  }

  @Test
  void inspect_missingBucket_failsNamingIt() {
    SpillConfig config = SpillConfig.builder().store("s3").option(S3StoreSettings.BUCKET, "no-such-bucket")
        .option(S3StoreSettings.ENDPOINT, S3.server().endpoint().toString())
        .option(S3StoreSettings.REGION, "us-east-1")
        .option(S3StoreSettings.ACCESS_KEY_ID, S3.server().accessKey())
        .option(S3StoreSettings.SECRET_ACCESS_KEY, S3.server().secretKey()).build();
    assertThatThrownBy(() -> new S3SpillStoreProvider().inspect(config))
        .isInstanceOf(SpillConfigurationException.class).hasMessageContaining("no-such-bucket");
  }

  private static String folderName(String folder) {
    String withoutSlash = folder.substring(0, folder.length() - 1);
    return withoutSlash.substring(withoutSlash.lastIndexOf('/') + 1);
  }

  private List<String> objectKeys() {
    return S3.client().listObjectsV2(b -> b.bucket(BUCKET).prefix(prefix + "/")).contents().stream()
        .map(S3Object::key).toList();
  }
}
