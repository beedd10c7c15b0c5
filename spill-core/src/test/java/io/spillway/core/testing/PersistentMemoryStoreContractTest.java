package io.spillway.core.testing;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillStore;
import io.spillway.testkit.SpillStoreContractTest;
import java.io.IOException;

/** The persistent test store, in its ephemeral sessions, behaves as a store must. */
class PersistentMemoryStoreContractTest extends SpillStoreContractTest {
  @Override
  protected SpillStore newStore(SpillConfig config) throws IOException {
    return new PersistentMemoryStoreProvider().create(config);
  }
}
