package io.spillway.store.file;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillStore;
import io.spillway.testkit.SpillStoreContractTest;
import java.io.IOException;

class FileSpillStoreContractTest extends SpillStoreContractTest {

  @Override
  protected SpillStore newStore(SpillConfig config) throws IOException {
    return new FileSpillStoreProvider().create(config);
  }
}
