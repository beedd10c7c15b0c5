package io.spillway.core.internal;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillStore;
import io.spillway.api.spi.SpillStoreProvider;

/**
 * A plugin that cannot even be instantiated. Listed only in a services file that {@link ProviderSelectionTest}
 * exposes through its own class loader, never on the test class path.
 */
public final class BrokenSpillStoreProvider implements SpillStoreProvider {
  public BrokenSpillStoreProvider() {
    throw new IllegalStateException("broken on purpose: missing native library");
  }

  @Override
  public String name() {
    return "broken";
  }

  @Override
  public SpillStore create(SpillConfig config) {
    throw new AssertionError("never created");
  }
}
