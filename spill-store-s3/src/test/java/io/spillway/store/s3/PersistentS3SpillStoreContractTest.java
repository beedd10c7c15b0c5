package io.spillway.store.s3;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.ForwardingSpillStore;
import io.spillway.api.spi.SpillStore;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole store contract again on persistent sessions against S3Proxy, whose writes and deletes take other paths
 * (the ownership check, name objects of hashed keys). Each store is a session of its own name, as the contract
 * wants stores of one configuration to be private to each other, and its {@code close()} is a {@code discard()}, as
 * the contract wants a closed session to leave nothing behind (what a persistent close keeps is
 * {@link S3PersistentSessionTest}'s subject).
 */
class PersistentS3SpillStoreContractTest extends S3ContractTest {
  @RegisterExtension static final S3Bucket<S3ProxyServer> S3 = S3Bucket.s3Proxy(BUCKET);
  private static final AtomicInteger SESSIONS = new AtomicInteger();

  @Override
  S3Bucket<?> s3() {
    return S3;
  }

  @Override
  protected SpillStore newStore(SpillConfig config) throws IOException {
    SpillConfig.Builder persistent = SpillConfig.builder().persistentSession("contract-" + SESSIONS.incrementAndGet());
    for (Map.Entry<String, String> option : config.options().entrySet()) {
      persistent.option(option.getKey(), option.getValue());
    }
    return new ForwardingSpillStore(super.newStore(persistent.build())) {
      @Override
      public void close() throws IOException {
        delegate().discard();
      }
    };
  }
}
