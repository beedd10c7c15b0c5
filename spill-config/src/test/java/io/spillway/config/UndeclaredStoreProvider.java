package io.spillway.config;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillStore;
import io.spillway.api.spi.SpillStoreProvider;

/**
 * A store plugin that declares no option keys, as one written before {@code optionKeys()} existed: its options
 * ({@code undeclared.*}) must pass unchecked. Never used: its priority keeps it from being chosen.
 */
public final class UndeclaredStoreProvider implements SpillStoreProvider {
  public UndeclaredStoreProvider() {}

  @Override
  public String name() {
    return "undeclared";
  }

  @Override
  public int priority() {
    return -1000;
  }

  @Override
  public SpillStore create(SpillConfig config) {
    throw new UnsupportedOperationException("a test plugin that only declares (no) option keys");
  }
}
