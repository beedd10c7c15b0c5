package io.spillway.bench.sim;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillStore;
import io.spillway.api.spi.SpillStoreProvider;

/**
 * The {@code sim-memory} store: keeps spilled bytes on the heap, so that the trace simulator measures the policy and
 * the core's bookkeeping, not a disk. Selected by name only (its priority is below every real store's).
 *
 * <p>Stateless and thread-safe; each {@link #create} opens an independent session that
 * {@link SpillStore#close()} empties. Not meant for applications: nothing it holds outlives its manager, and it
 * takes heap that the budget was meant to free.
 */
public final class SimMemoryStoreProvider implements SpillStoreProvider {
  /** The name to select this store by: {@value}. */
  public static final String NAME = "sim-memory";

  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public SimMemoryStoreProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return -1000;
  }

  @Override
  public SpillStore create(SpillConfig config) {
    return new MemoryStore();
  }
}
