package io.spillway.store.file;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.ForwardingSpillStore;
import io.spillway.api.spi.SpillStore;
import io.spillway.testkit.SpillStoreContractTest;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The whole contract again on persistent sessions, whose writes, deletes and compaction take other paths (a header
 * written after its value, records marked dead). Each store is a session of its own name, as the contract wants
 * stores of one configuration to be private to each other, and its {@code close()} is a {@code discard()}, as the
 * contract wants a closed session to leave nothing behind (what a persistent close keeps is
 * {@link PersistentSessionTest}'s subject).
 */
class PersistentFileSpillStoreContractTest extends SpillStoreContractTest {
  private static final AtomicInteger SESSIONS = new AtomicInteger();

  @Override
  protected SpillStore newStore(SpillConfig config) throws IOException {
    SpillConfig persistent = SpillConfig.builder().spillDir(config.spillDir())
        .persistentSession("contract-" + SESSIONS.incrementAndGet()).build();
    return new ForwardingSpillStore(new FileSpillStoreProvider().create(persistent)) {
      @Override
      public void close() throws IOException {
        delegate().discard();
      }
    };
  }
}
