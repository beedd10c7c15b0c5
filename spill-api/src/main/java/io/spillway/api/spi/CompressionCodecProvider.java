package io.spillway.api.spi;

import io.spillway.api.SpillConfig;
import java.util.Set;

/**
 * Creates a {@link CompressionCodec}; registered in
 * {@code META-INF/services/io.spillway.api.spi.CompressionCodecProvider} (and with {@code provides} in a
 * {@code module-info}).
 *
 * <p>Implementations are stateless, thread-safe and have a public no-arg constructor. The core calls
 * {@link #create(SpillConfig)} once per manager (and per {@code SpillFrames} instance), for every provider found,
 * whether or not its codec is the one that manager writes: every codec on the class path can be read.
 */
public interface CompressionCodecProvider {

  /** The name users select this codec by, for example {@code "lz4"}. Unique on a class path. */
  String name();

  /** Rank among providers of the same name or id; the highest wins. */
  default int priority() {
    return 0;
  }

  /**
   * The codec, set up from the plugin's own {@link SpillConfig#options() options} (for example a compression
   * level).
   *
   * @throws io.spillway.api.SpillConfigurationException if an option of this codec is malformed
   */
  CompressionCodec create(SpillConfig config);

  /**
   * The {@link SpillConfig#options() option} keys this provider reads, each exactly as
   * {@link SpillConfig.Builder#option(String, String)} takes it, so that configuration tools (spill-config's
   * {@code io.spillway.config.SpillConfigs}) can refuse a misspelt key and name the nearest valid one. Keys are
   * conventionally under a namespace named after the provider ({@code zstd.level}).
   * A provider that declares keys declares every key it reads, and a key nobody declares under a namespace some
   * provider declares in is refused by such a tool.
   *
   * <p>Default: empty, meaning "not declared": such a tool accepts any key under {@code name() + "."} unchecked
   * and leaves it to the provider to judge; it cannot map environment variables onto undeclared keys.
   */
  default Set<String> optionKeys() {
    return Set.of();
  }
}
