package io.spillway.compress;

import com.github.luben.zstd.Zstd;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.api.spi.CompressionCodec;
import io.spillway.api.spi.CompressionCodecProvider;
import java.util.Set;

/**
 * Provides {@code zstd} (id 2): a Zstandard frame (with its content size) through zstd-jni's native library.
 *
 * <p>Option {@value #LEVEL_OPTION}: the compression level, an integer from {@value #MIN_LEVEL} to
 * {@value #MAX_LEVEL}, default {@value #DEFAULT_LEVEL} (Zstandard's own default); higher is smaller and slower to
 * write, reading speed hardly changes. A malformed level fails when the manager opens, with a
 * {@link SpillConfigurationException}.
 *
 * <p>Decompression is bounded by the destination length; before it, the frame content size the Zstandard frame
 * records ({@link CompressionCodec#contentLength}) must equal the length the Spillway frame declares. A Zstandard
 * block expands to at most 128 KiB and takes at least 4 bytes (a 3-byte header and one byte, for a run-length
 * block), so a frame expands at most 32768-fold: the codec's {@link CompressionCodec#maxExpansion()}.
 *
 * <p>Stateless and thread-safe; found by {@link java.util.ServiceLoader}.
 */
public final class ZstdCodecProvider implements CompressionCodecProvider {
  /** The codec's name: {@value}. */
  public static final String NAME = "zstd";
  /** The codec's frame id: {@value}. */
  public static final int ID = 2;
  /** The option that sets the level: {@value}. */
  public static final String LEVEL_OPTION = "zstd.level";
  /** The level unless {@value #LEVEL_OPTION} says otherwise: {@value}. */
  public static final int DEFAULT_LEVEL = 3;
  /** The lowest level accepted: {@value}. */
  public static final int MIN_LEVEL = 1;
  /** The highest level accepted: {@value} ({@code ZSTD_maxCLevel()}). */
  public static final int MAX_LEVEL = 22;

  /** Called by {@link java.util.ServiceLoader}. */
  public ZstdCodecProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  /**
   * The codec at the configured level.
   *
   * @throws SpillConfigurationException if {@value #LEVEL_OPTION} is not an integer within
   *     [{@value #MIN_LEVEL}, {@value #MAX_LEVEL}]
   */
  @Override
  public CompressionCodec create(SpillConfig config) {
    return new ZstdCodec(level(config));
  }

  static int level(SpillConfig config) {
    String value = config.option(LEVEL_OPTION).orElse(null);
    if (value == null) {
      return DEFAULT_LEVEL;
    }
    int level;
    try {
      level = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new SpillConfigurationException("Option " + LEVEL_OPTION + " must be an integer from " + MIN_LEVEL
          + " to " + MAX_LEVEL + ", was '" + value + "'", e);
    }
    if (level < MIN_LEVEL || level > MAX_LEVEL) {
      throw new SpillConfigurationException("Option " + LEVEL_OPTION + " must be from " + MIN_LEVEL + " to "
          + MAX_LEVEL + ", was " + level);
    }
    return level;
  }

  /** The codec at one level; thread-safe, as each call uses a fresh native context. */
  private static final class ZstdCodec implements CompressionCodec {
    private final int level;

    ZstdCodec(int level) {
      this.level = level;
    }

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public int id() {
      return ID;
    }

    @Override
    public int maxCompressedLength(int length) {
      long bound = Zstd.compressBound(length);
      if (bound > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException("a payload of " + length + " bytes is too long to compress");
      }
      return (int) bound;
    }

    @Override
    public int compress(byte[] src, int srcOffset, int srcLength, byte[] dest, int destOffset) {
      long written = Zstd.compressByteArray(dest, destOffset, dest.length - destOffset, src, srcOffset, srcLength,
          level);
      if (Zstd.isError(written)) {
        throw new IllegalStateException("zstd compression failed: " + Zstd.getErrorName(written));
      }
      return (int) written;
    }

    @Override
    public int decompress(byte[] src, int srcOffset, int srcLength, byte[] dest, int destOffset, int destLength) {
      long written = Zstd.decompressByteArray(dest, destOffset, destLength, src, srcOffset, srcLength);
      if (Zstd.isError(written)) {
        throw new IllegalStateException("zstd decompression failed: " + Zstd.getErrorName(written));
      }
      return (int) written;
    }

    @Override
    public long contentLength(byte[] src, int srcOffset, int srcLength) {
      long size = Zstd.getFrameContentSize(src, srcOffset, srcLength);
      if (size < 0) {
        // This codec always records the content size; a frame without one is not what it wrote.
        throw new IllegalArgumentException("the zstd frame records no readable content size (" + size + ")");
      }
      return size;
    }

    @Override
    public long maxExpansion() {
      return 32768;
    }

    @Override
    public String toString() {
      return "zstd (level " + level + ")";
    }
  }

  /** {@value #LEVEL_OPTION}, the one option {@link #create} reads. */
  @Override
  public Set<String> optionKeys() {
    return Set.of(LEVEL_OPTION);
  }
}
