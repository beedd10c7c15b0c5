package io.spillway.store.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillStore;
import io.spillway.testkit.SpillStoreContractTest;
import java.io.IOException;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store contract against s3rver, a second S3-compatible server independent of S3Proxy, with the store's default
 * client options (which s3rver needs changed: the probe at open does that). A small multipart threshold makes large
 * values take the parallel path.
 */
class S3rverContractTest extends SpillStoreContractTest {
  private static final String BUCKET = "contract";
  @RegisterExtension static final S3rverBucket S3 = new S3rverBucket(BUCKET);

  private final String prefix = "t-" + UUID.randomUUID();

  @Override
  protected SpillStore newStore(SpillConfig config) throws IOException {
    return new S3SpillStoreProvider().create(config);
  }

  @Override
  protected SpillConfig.Builder configure(SpillConfig.Builder builder) {
    return S3.server().options(builder, BUCKET)
        .option(S3StoreSettings.PREFIX, prefix)
        .option(S3StoreSettings.MULTIPART_THRESHOLD, "6MiB")
        .option(S3StoreSettings.PART_SIZE, "5MiB")
        .option(S3StoreSettings.PARALLELISM, "4");
  }

  @Override
  protected void assertNothingLeftAfterClose(SpillConfig config) throws IOException {
    assertThat(S3.client().listObjectsV2(b -> b.bucket(BUCKET).prefix(prefix + "/")).contents())
        .as("objects left under %s/ after close()", prefix)
        .isEmpty();
  }
}
