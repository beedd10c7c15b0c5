package io.spillway.api.spi;

import io.spillway.api.SpillConfig;
import java.util.Set;

/**
 * Creates {@link SpillPolicy} instances; registered in
 * {@code META-INF/services/io.spillway.api.spi.SpillPolicyProvider}.
 *
 * <p>Implementations are stateless, thread-safe and have a public no-arg constructor.
 */
public interface SpillPolicyProvider {

  /** The name users select this policy by, for example {@code "lru"}. Unique on a class path. */
  String name();

  /**
   * Rank among providers when no name is configured; the highest wins. The bundled default, {@code adaptive}, ranks
   * 10; the other bundled policies 0 or below.
   */
  default int priority() {
    return 0;
  }

  /** A new, empty policy for one manager. */
  SpillPolicy create(SpillConfig config);

  /**
   * The {@link SpillConfig#options() option} keys this provider reads, each exactly as
   * {@link SpillConfig.Builder#option(String, String)} takes it, so that configuration tools (spill-config's
   * {@code io.spillway.config.SpillConfigs}) can refuse a misspelt key and map environment variables onto it. Keys
   * are conventionally under a namespace named after the provider; keys that any policy may read, such as the
   * reload cost ({@code policy.reloadLatencyNanos}), are under {@code policy.}. A provider that declares keys
   * declares every key it reads.
   *
   * <p>Default: empty, meaning "not declared": such a tool accepts any key under {@code name() + "."} unchecked.
   */
  default Set<String> optionKeys() {
    return Set.of();
  }
}
