package io.spillway.core.checksum;

import io.spillway.api.spi.ChecksumCodec;
import io.spillway.api.spi.ChecksumCodecProvider;
import java.util.zip.CRC32;

/**
 * Provides {@code crc32} (id 1): CRC-32 as in IEEE 802.3, zlib and RedDB's v2 frames ({@link CRC32}).
 *
 * <p>Stateless and thread-safe; found by {@link java.util.ServiceLoader}.
 */
public final class Crc32CodecProvider implements ChecksumCodecProvider {
  /** The codec's name: {@value}. */
  public static final String NAME = "crc32";
  /** The codec's frame id: {@value}. */
  public static final int ID = 1;

  /** Called by {@link java.util.ServiceLoader}. */
  public Crc32CodecProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ChecksumCodec create() {
    return new BuiltinCodec(NAME, ID, true, CRC32::new);
  }
}
