/**
 * Frame compression codecs: {@code lz4} (id 1, lz4-java) and {@code zstd} (id 2, zstd-jni). Depends on the API and
 * the two libraries only; found by the core through {@link io.spillway.api.spi.CompressionCodecProvider}.
 */
// lz4-java ships no module descriptor: it is required as the automatic module its manifest names, org.lz4.java.
@SuppressWarnings({"requires-automatic"})
module io.spillway.compress {
  requires transitive io.spillway.api;
  requires org.lz4.java;
  requires com.github.luben.zstd_jni;

  exports io.spillway.compress;

  provides io.spillway.api.spi.CompressionCodecProvider with
      io.spillway.compress.Lz4CodecProvider,
      io.spillway.compress.ZstdCodecProvider;
}
