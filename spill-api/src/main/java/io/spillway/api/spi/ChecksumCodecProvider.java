package io.spillway.api.spi;

/**
 * Creates a {@link ChecksumCodec}; registered in
 * {@code META-INF/services/io.spillway.api.spi.ChecksumCodecProvider}.
 *
 * <p>Implementations are stateless, thread-safe and have a public no-arg constructor.
 */
public interface ChecksumCodecProvider {

  /** The name users select this codec by, for example {@code "crc32c"}. Unique on a class path. */
  String name();

  /** Rank among providers of the same name or id; the highest wins. */
  default int priority() {
    return 0;
  }

  /** The codec. */
  ChecksumCodec create();
}
