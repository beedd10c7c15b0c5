package io.spillway.core.testing;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillStore;
import io.spillway.api.spi.SpillStoreProvider;

/**
 * Test-scope provider of the {@code memory} store. Its priority is below the bundled stores' so that default
 * selection in spill-core's tests still picks {@code file}.
 */
public final class InMemorySpillStoreProvider implements SpillStoreProvider {
  public static final String NAME = "memory";

  public InMemorySpillStoreProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return -100;
  }

  @Override
  public SpillStore create(SpillConfig config) {
    return config.option(InMemorySpillStore.ID_OPTION).map(InMemorySpillStore::new).orElseGet(InMemorySpillStore::new);
  }
}
