package io.spillway.store.file;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillStore;
import io.spillway.testkit.SpillStoreContractTest;
import java.io.IOException;

/** The whole contract again with {@link SpillConfig#fsync()} on, which takes other code paths on every write. */
class FileSpillStoreFsyncContractTest extends SpillStoreContractTest {

  @Override
  protected SpillStore newStore(SpillConfig config) throws IOException {
    return new FileSpillStoreProvider().create(config);
  }

  @Override
  protected SpillConfig.Builder configure(SpillConfig.Builder builder) {
    return builder.fsync(true);
  }
}
