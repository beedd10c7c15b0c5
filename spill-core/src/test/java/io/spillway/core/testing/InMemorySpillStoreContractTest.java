package io.spillway.core.testing;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillStore;
import io.spillway.testkit.SpillStoreContractTest;

/** The fault-injection store used by the manager's tests behaves as a store must when no fault is injected. */
class InMemorySpillStoreContractTest extends SpillStoreContractTest {
  @Override
  protected SpillStore newStore(SpillConfig config) {
    return new InMemorySpillStoreProvider().create(config);
  }
}
