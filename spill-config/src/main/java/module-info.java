/**
 * Spillway's configuration from files, system properties and the environment: {@code io.spillway.config.SpillConfigs}.
 *
 * <p>It finds the option keys of the plugins on the module path through {@link java.util.ServiceLoader}, hence the
 * {@code uses} clauses.
 */
module io.spillway.config {
  requires transitive io.spillway.api;
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.dataformat.yaml;

  exports io.spillway.config;

  uses io.spillway.api.spi.SpillStoreProvider;
  uses io.spillway.api.spi.SpillPolicyProvider;
  uses io.spillway.api.spi.CompressionCodecProvider;
  uses io.spillway.api.spi.SpillKeyProvider;
}
