package io.spillway.api.spi;

import java.util.zip.Checksum;

/**
 * A 32-bit checksum with a stable one-byte id, written in each v3 frame so that a reader knows how to verify it.
 *
 * <p>Ids 0&ndash;63 are reserved for Spillway's built-in codecs ({@code crc32} = 1, {@code crc32c} = 2,
 * {@code fold32} = 3); plugins use 64&ndash;255. An id, once published, must never change meaning: frames written
 * years ago are still read with it.
 *
 * <p>Codecs are thread-safe; each {@link #newChecksum()} returns a fresh, single-threaded accumulator.
 */
public interface ChecksumCodec {

  /** The name, as in {@link ChecksumCodecProvider#name()}. */
  String name();

  /** The stable id written in frames, 0&ndash;255. */
  int id();

  /** A fresh accumulator whose {@code getValue()} is the checksum of the bytes fed so far, in 32 bits. */
  Checksum newChecksum();

  /**
   * Whether new frames may be written with this codec. A codec too weak for new data (such as {@code fold32},
   * which misses swapped bytes) is kept for reading old frames only.
   */
  default boolean writable() {
    return true;
  }
}
