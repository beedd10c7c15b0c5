package io.spillway.api.spi;

import io.spillway.api.SpillConfig;

/**
 * Creates {@link SpillPolicy} instances; registered in
 * {@code META-INF/services/io.spillway.api.spi.SpillPolicyProvider}.
 *
 * <p>Implementations are stateless, thread-safe and have a public no-arg constructor.
 */
public interface SpillPolicyProvider {

  /** The name users select this policy by, for example {@code "lru"}. Unique on a class path. */
  String name();

  /** Rank among providers when no name is configured; the highest wins. Bundled policies rank 0 or below. */
  default int priority() {
    return 0;
  }

  /** A new, empty policy for one manager. */
  SpillPolicy create(SpillConfig config);
}
