/**
 * Spillway's core: the {@code Spillway} entry point, the manager, the frame format, the built-in codecs, the
 * {@code coldness} policy and the {@code tiered} store.
 *
 * <p>Exports {@code io.spillway.core} only: {@code io.spillway.core.internal} is the implementation, and
 * {@code io.spillway.core.checksum} holds nothing but the built-in checksum codec providers, which are reached by
 * name through {@code ChecksumCodecs}, and {@code io.spillway.core.keys} the bundled encryption key providers.
 * Policies, stores and checksum codecs are found through the services this module {@code uses}, in every module
 * of the boot layer (or the class path) that {@code provides} them.
 */
module io.spillway.core {
  requires transitive io.spillway.api;
  requires org.slf4j;
  // Flight Recorder events (io.spillway.core.internal.jfr), which cost nothing while no recording takes them.
  requires jdk.jfr;

  exports io.spillway.core;

  uses io.spillway.api.spi.SpillPolicyProvider;
  uses io.spillway.api.spi.SpillStoreProvider;
  uses io.spillway.api.spi.ChecksumCodecProvider;
  uses io.spillway.api.spi.CompressionCodecProvider;
  uses io.spillway.api.spi.SpillKeyProvider;

  provides io.spillway.api.spi.SpillPolicyProvider with io.spillway.core.ColdnessPolicyProvider;
  provides io.spillway.api.spi.SpillStoreProvider with io.spillway.core.TieredSpillStoreProvider;
  provides io.spillway.api.spi.ChecksumCodecProvider with
      io.spillway.core.checksum.Crc32CodecProvider,
      io.spillway.core.checksum.Crc32cCodecProvider,
      io.spillway.core.checksum.Fold32CodecProvider;
  provides io.spillway.api.spi.SpillKeyProvider with
      io.spillway.core.keys.KeyFileKeyProvider,
      io.spillway.core.keys.EnvironmentKeyProvider;
}
