package io.spillway.api.spi;

/**
 * A compression format with a stable one-byte id, written in each compressed v3 frame so that a reader knows how to
 * expand it.
 *
 * <p>Id 0 means "not compressed" and belongs to no codec. Ids 1&ndash;63 are reserved for Spillway's bundled codecs
 * ({@code lz4} = 1, {@code zstd} = 2, in spill-compress); plugins use 64&ndash;255. An id, once published, must
 * never change meaning: frames written years ago are still read with it.
 *
 * <p><b>Trust</b>: the core verifies a frame's checksums <em>before</em> it calls {@link #decompress}, so a codec
 * only ever sees bytes its own {@link #compress} wrote (or a writer that forged a checksum); the core also refuses a
 * declared length above {@link #maxExpansion()} times the compressed length before it allocates the destination.
 * Still, {@link #decompress} must use a bounds-checked decoder that never writes outside its destination range nor
 * reads outside its source range, whatever the input.
 *
 * <p>Codecs are stateless and thread-safe: any number of threads may compress and decompress at once.
 */
public interface CompressionCodec {

  /** The name, as in {@link CompressionCodecProvider#name()}. */
  String name();

  /** The stable id written in frames, 1&ndash;255. */
  int id();

  /**
   * The largest number of bytes {@link #compress} may write for {@code length} input bytes (its worst case on
   * incompressible input).
   */
  int maxCompressedLength(int length);

  /**
   * Compresses {@code src[srcOffset, srcOffset + srcLength)} into {@code dest} from {@code destOffset}, where at
   * least {@link #maxCompressedLength(int) maxCompressedLength(srcLength)} bytes are free.
   *
   * @return the number of bytes written
   * @throws RuntimeException if the codec fails (the core then stores the payload uncompressed)
   * @throws LinkageError if the codec cannot run in this JVM (a JNI codec whose native library does not load): the
   *     core then stores this and every later payload uncompressed without calling the codec again, and logs it once
   */
  int compress(byte[] src, int srcOffset, int srcLength, byte[] dest, int destOffset);

  /**
   * Expands all of {@code src[srcOffset, srcOffset + srcLength)}, which {@link #compress} wrote, into exactly
   * {@code dest[destOffset, destOffset + destLength)}.
   *
   * @return the number of bytes written, which the core checks to equal {@code destLength}
   * @throws RuntimeException if the input is malformed or would expand past {@code destLength} (the core turns it
   *     into a {@link io.spillway.api.CorruptSegmentException})
   * @throws LinkageError if the codec cannot run in this JVM: the core reports the frame, which passed its checksum,
   *     as {@link io.spillway.api.CorruptSegmentException.Reason#UNSUPPORTED_ENCODING}, as for a codec not on the
   *     class path
   */
  int decompress(byte[] src, int srcOffset, int srcLength, byte[] dest, int destOffset, int destLength);

  /**
   * The expanded length that {@code src[srcOffset, srcOffset + srcLength)} itself records, if the format records
   * one (Zstandard's frame content size), or -1. The core refuses a frame whose declared length differs, before it
   * allocates the destination. The default returns -1.
   *
   * @throws RuntimeException if the bytes cannot be read as this format (the core reports the frame corrupt)
   */
  default long contentLength(byte[] src, int srcOffset, int srcLength) {
    return -1;
  }

  /**
   * The largest ratio of expanded to compressed length the format can produce, at least 1: a frame declaring more
   * is refused as corrupt before anything is allocated. For example 255 for the LZ4 block format.
   */
  long maxExpansion();
}
