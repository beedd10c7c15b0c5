package io.spillway.api.spi;

import io.spillway.api.SpillConfig;

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
}
