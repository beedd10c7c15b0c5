package io.spillway.store.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillStore;
import io.spillway.core.TieredSpillStoreProvider;
import io.spillway.testkit.SpillStoreContractTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The store contract for the {@code tiered} store over {@code file} and {@code s3}, with a quota small enough that
 * the suite's values land in both tiers.
 */
class TieredFileS3ContractTest extends SpillStoreContractTest {
  private static final String BUCKET = "tiered-contract";
  private static S3ProxyServer server;
  private static S3Client inspector;

  private final String prefix = "t-" + UUID.randomUUID();

  @BeforeAll
  static void startServer() throws Exception {
    server = new S3ProxyServer();
    server.createBucket(BUCKET);
    inspector = server.client();
  }

  @AfterAll
  static void stopServer() throws Exception {
    inspector.close();
    server.shutdown();
  }

  @Override
  protected SpillStore newStore(SpillConfig config) throws IOException {
    return new TieredSpillStoreProvider().create(config);
  }

  @Override
  protected SpillConfig.Builder configure(SpillConfig.Builder builder) {
    return server.options(builder, BUCKET)
        .option(TieredSpillStoreProvider.PRIMARY, "file")
        .option(TieredSpillStoreProvider.SECONDARY, "s3")
        .option(TieredSpillStoreProvider.PRIMARY_QUOTA, "64KiB")
        .option(S3StoreSettings.PREFIX, prefix)
        .option(S3StoreSettings.MULTIPART_THRESHOLD, "6MiB")
        .option(S3StoreSettings.PART_SIZE, "5MiB")
        .option(S3StoreSettings.PARALLELISM, "4");
  }

  @Override
  protected void assertNothingLeftAfterClose(SpillConfig config) throws IOException {
    if (Files.exists(config.spillDir())) {
      try (Stream<Path> files = Files.walk(config.spillDir())) {
        assertThat(files.filter(Files::isRegularFile).toList()).as("files left after close()").isEmpty();
      }
    }
    assertThat(inspector.listObjectsV2(b -> b.bucket(BUCKET).prefix(prefix + "/")).contents())
        .as("objects left under %s/ after close()", prefix)
        .isEmpty();
  }
}
