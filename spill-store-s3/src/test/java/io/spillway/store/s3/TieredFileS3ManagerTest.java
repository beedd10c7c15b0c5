package io.spillway.store.s3;

import static io.spillway.store.s3.S3SpillManagerTest.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.api.SpillManager;
import io.spillway.core.Spillway;
import io.spillway.core.TieredSpillStoreProvider;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A manager on the tiered store: local disk up to its quota, S3 beyond, reloads from either. */
class TieredFileS3ManagerTest {
  private static final String BUCKET = "tiered";
  @RegisterExtension static final S3Bucket<S3ProxyServer> S3 = S3Bucket.s3Proxy(BUCKET);
  private static final int MiB = 1024 * 1024;

  @TempDir
  Path spillDir;

  private SpillConfig.Builder config(String quota) {
    return S3.server().options(SpillConfig.builder().store("tiered").spillDir(spillDir), BUCKET)
        .option(TieredSpillStoreProvider.SECONDARY, "s3")
        .option(TieredSpillStoreProvider.PRIMARY_QUOTA, quota)
        .option(S3StoreSettings.PREFIX, "m-" + UUID.randomUUID());
  }

  @Test
  void spill_pastPrimaryQuota_overflowsToS3AndReloadsFromBothTiers() {
    List<byte[]> values = new ArrayList<>();
    List<URI> locations = new ArrayList<>();
    try (SpillManager manager = Spillway.newManager(config("3MiB").build())) {
      for (int i = 0; i < 6; i++) {
        byte[] value = randomBytes(MiB, 100 + i);
        values.add(value);
        manager.registerSegment("seg-" + i, value.length);
        locations.add(manager.spill("seg-" + i, value));
      }

      // Each frame is a little over 1 MiB, so two fit in 3 MiB and the third would not.
      assertThat(locations.subList(0, 2)).allSatisfy(uri -> assertThat(uri.getScheme()).isEqualTo("file"));
      assertThat(locations.subList(2, 6)).allSatisfy(uri -> assertThat(uri.getScheme()).isEqualTo("s3"));
      for (int i = 0; i < 6; i++) {
        byte[] expected = values.get(i);
        assertThat(manager.reload("seg-" + i)).hasValueSatisfying(b -> assertThat(b).isEqualTo(expected));
      }

      // Reloading freed the local tier, so the next spill goes to disk again.
      assertThat(manager.spill("seg-5", values.get(5)).getScheme()).isEqualTo("file");
      assertThat(manager.stats().storeUsage()).isGreaterThan(MiB);
    }
  }

  @Test
  void newManager_tieredWithoutSecondary_failsNamingTheOption() {
    SpillConfig config = SpillConfig.builder().store("tiered").spillDir(spillDir)
        .option(TieredSpillStoreProvider.PRIMARY_QUOTA, "1MiB").build();

    assertThatThrownBy(() -> Spillway.newManager(config))
        .isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining(TieredSpillStoreProvider.SECONDARY);
  }

  @Test
  void newManager_tieredWithMissingBucket_failsAtStartAndLeavesNoLocalSession() {
    SpillConfig config = S3.server().options(SpillConfig.builder().store("tiered").spillDir(spillDir), "no-bucket")
        .option(TieredSpillStoreProvider.SECONDARY, "s3")
        .option(TieredSpillStoreProvider.PRIMARY_QUOTA, "1MiB")
        .build();

    assertThatThrownBy(() -> Spillway.newManager(config))
        .isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining("no-bucket");
    assertThat(spillDir.toFile().list()).as("local sessions left").isEmpty();
  }
}
