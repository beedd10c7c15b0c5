package io.spillway.store.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillStore;
import io.spillway.testkit.SpillStoreContractTest;
import java.io.IOException;
import java.util.UUID;

/**
 * The store contract against one S3 server, through the {@code s3} provider with the store's default client
 * options, and a small multipart threshold so that large values take the parallel path. Each subclass names its
 * server, started once for the class by an {@link S3Bucket} it registers.
 */
abstract class S3ContractTest extends SpillStoreContractTest {
  static final String BUCKET = "contract";

  private final String prefix = "t-" + UUID.randomUUID();

  /** The server of the subclass. */
  abstract S3Bucket<?> s3();

  @Override
  protected SpillStore newStore(SpillConfig config) throws IOException {
    return new S3SpillStoreProvider().create(config);
  }

  @Override
  protected SpillConfig.Builder configure(SpillConfig.Builder builder) {
    return s3().server().options(builder, BUCKET)
        .option(S3StoreSettings.PREFIX, prefix)
        .option(S3StoreSettings.MULTIPART_THRESHOLD, "6MiB")
        .option(S3StoreSettings.PART_SIZE, "5MiB")
        .option(S3StoreSettings.PARALLELISM, "4");
  }

  @Override
  protected void assertNothingLeftAfterClose(SpillConfig config) throws IOException {
    assertThat(s3().client().listObjectsV2(b -> b.bucket(BUCKET).prefix(prefix + "/")).contents())
        .as("objects left under %s/ after close()", prefix)
        .isEmpty();
  }
}
