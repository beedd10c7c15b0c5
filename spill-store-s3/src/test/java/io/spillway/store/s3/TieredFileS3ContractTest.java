package io.spillway.store.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillStore;
import io.spillway.core.TieredSpillStoreProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The store contract for the {@code tiered} store over {@code file} and {@code s3}, with a quota small enough that
 * the suite's values land in both tiers. The S3 side is set up as for {@link S3SpillStoreContractTest}.
 */
class TieredFileS3ContractTest extends S3SpillStoreContractTest {
  @Override
  protected SpillStore newStore(SpillConfig config) throws IOException {
    return new TieredSpillStoreProvider().create(config);
  }

  @Override
  protected SpillConfig.Builder configure(SpillConfig.Builder builder) {
    return super.configure(builder)
        .option(TieredSpillStoreProvider.PRIMARY, "file")
        .option(TieredSpillStoreProvider.SECONDARY, "s3")
        .option(TieredSpillStoreProvider.PRIMARY_QUOTA, "64KiB");
  }

  @Override
  protected void assertNothingLeftAfterClose(SpillConfig config) throws IOException {
    if (Files.exists(config.spillDir())) {
      try (Stream<Path> files = Files.walk(config.spillDir())) {
        assertThat(files.filter(Files::isRegularFile).toList()).as("files left after close()").isEmpty();
      }
    }
    super.assertNothingLeftAfterClose(config);
  }
}
