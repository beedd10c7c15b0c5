package io.spillway.core.checksum;

import io.spillway.api.spi.ChecksumCodec;
import io.spillway.api.spi.ChecksumCodecProvider;

/**
 * Provides {@code fold32} (id 3): RedDB v1's checksum, the sum of the unsigned bytes modulo 2<sup>32</sup>.
 *
 * <p>The codec is read-only ({@link ChecksumCodec#writable()} is false): it detects any single changed byte but
 * no reordering of bytes, so it is kept to verify old frames and never chosen for new ones.
 *
 * <p>Stateless and thread-safe; found by {@link java.util.ServiceLoader}.
 */
public final class Fold32CodecProvider implements ChecksumCodecProvider {
  /** The codec's name: {@value}. */
  public static final String NAME = "fold32";
  /** The codec's frame id: {@value}. */
  public static final int ID = 3;

  /** Called by {@link java.util.ServiceLoader}. */
  public Fold32CodecProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ChecksumCodec create() {
    return new BuiltinCodec(NAME, ID, false, Fold32Checksum::new);
  }
}
