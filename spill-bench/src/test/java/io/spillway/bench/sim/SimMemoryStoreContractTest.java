package io.spillway.bench.sim;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillStore;
import io.spillway.testkit.SpillStoreContractTest;

/** The simulator's {@code sim-memory} store keeps the store contract. */
class SimMemoryStoreContractTest extends SpillStoreContractTest {
  @Override
  protected SpillStore newStore(SpillConfig config) {
    return new SimMemoryStoreProvider().create(config);
  }
}
