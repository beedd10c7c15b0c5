/**
 * Spillway's public API and its service provider interfaces (policies, stores, checksum and compression codecs).
 *
 * <p>Depends on the JDK only, and on the JSpecify nullness annotations its signatures carry: they are required
 * transitively, so that every module reading this one (each of Spillway's does) reads them too. A plugin declares
 * its providers with {@code provides io.spillway.api.spi.SpillPolicyProvider with ...} (or the store or checksum
 * codec interface) and, for users on the class path, in {@code META-INF/services} as well.
 */
module io.spillway.api {
  requires transitive org.jspecify;

  exports io.spillway.api;
  exports io.spillway.api.spi;
}
