package io.spillway.core.checksum;

import io.spillway.api.spi.ChecksumCodec;
import io.spillway.api.spi.ChecksumCodecProvider;
import java.util.zip.CRC32C;

/**
 * Provides {@code crc32c} (id 2): CRC-32C, the Castagnoli polynomial ({@link CRC32C}), hardware-accelerated on
 * current CPUs and the default codec of new frames.
 *
 * <p>Stateless and thread-safe; found by {@link java.util.ServiceLoader}.
 */
public final class Crc32cCodecProvider implements ChecksumCodecProvider {
  /** The codec's name: {@value}. */
  public static final String NAME = "crc32c";
  /** The codec's frame id: {@value}. */
  public static final int ID = 2;

  /** Called by {@link java.util.ServiceLoader}. */
  public Crc32cCodecProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ChecksumCodec create() {
    return new BuiltinCodec(NAME, ID, true, CRC32C::new);
  }
}
