package io.spillway.core;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillStore;
import io.spillway.testkit.SpillStoreContractTest;
import java.io.IOException;

/** The tiered store over the in-memory test store and the file store, with a quota that splits the suite's values. */
class TieredSpillStoreContractTest extends SpillStoreContractTest {
  @Override
  protected SpillStore newStore(SpillConfig config) throws IOException {
    return new TieredSpillStoreProvider().create(config);
  }

  @Override
  protected SpillConfig.Builder configure(SpillConfig.Builder builder) {
    return builder
        .option(TieredSpillStoreProvider.PRIMARY, "memory")
        .option(TieredSpillStoreProvider.SECONDARY, "file")
        .option(TieredSpillStoreProvider.PRIMARY_QUOTA, "100KiB");
  }
}
