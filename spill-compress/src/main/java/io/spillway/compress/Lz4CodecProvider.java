package io.spillway.compress;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.CompressionCodec;
import io.spillway.api.spi.CompressionCodecProvider;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Provides {@code lz4} (id 1): the LZ4 block format through lz4-java, a payload compressed as one block.
 *
 * <p>Compression uses {@link LZ4Factory#fastestInstance()}'s fast compressor (the JNI binding where the native
 * library loads, else pure Java), chosen at the codec's first compression or expansion, not when it is created:
 * every manager creates the codecs it finds, and one that never uses LZ4 then never loads a native library (JDK 24
 * and later print a warning when one is loaded without {@code --enable-native-access}). Decompression always uses
 * the <em>safe</em> decompressor with the known destination length, which checks every read and write against its
 * bounds and fails on input that would expand past the destination &mdash; never the "fast" decompressor, which
 * trusts its input. The LZ4 block format expands at most 255-fold (a length byte of 255 stands for 255 more bytes),
 * which is the codec's {@link CompressionCodec#maxExpansion()}. No options.
 *
 * <p>Stateless and thread-safe; found by {@link java.util.ServiceLoader}.
 */
public final class Lz4CodecProvider implements CompressionCodecProvider {
  /** The codec's name: {@value}. */
  public static final String NAME = "lz4";
  /** The codec's frame id: {@value}. */
  public static final int ID = 1;

  /** Called by {@link java.util.ServiceLoader}. */
  public Lz4CodecProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CompressionCodec create(SpillConfig config) {
    return new Lz4Codec();
  }

  /**
   * lz4-java's compressor and decompressor, made when this class is first used: the JVM initialises it once, on the
   * first codec call that needs LZ4, whichever thread that is. {@link LZ4Factory#fastestInstance()} falls back to
   * pure Java if the native library does not load, so this never fails.
   */
  private static final class Lz4 {
    private static final LZ4Factory FACTORY = LZ4Factory.fastestInstance();
    static final LZ4Compressor COMPRESSOR = FACTORY.fastCompressor();
    static final LZ4SafeDecompressor DECOMPRESSOR = FACTORY.safeDecompressor();

    private Lz4() {}
  }

  /** The codec; thread-safe, as lz4-java's compressors and decompressors are. */
  private static final class Lz4Codec implements CompressionCodec {

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
      return Lz4.COMPRESSOR.maxCompressedLength(length);
    }

    @Override
    public int compress(byte[] src, int srcOffset, int srcLength, byte[] dest, int destOffset) {
      return Lz4.COMPRESSOR.compress(src, srcOffset, srcLength, dest, destOffset, dest.length - destOffset);
    }

    @Override
    public int decompress(byte[] src, int srcOffset, int srcLength, byte[] dest, int destOffset, int destLength) {
      return Lz4.DECOMPRESSOR.decompress(src, srcOffset, srcLength, dest, destOffset, destLength);
    }

    @Override
    public long maxExpansion() {
      return 255;
    }

    @Override
    public String toString() {
      // Not the instances: naming them would load them, and the native library with them.
      return "lz4 (lz4-java: JNI where its native library loads, else Java; chosen at first use)";
    }
  }
}
