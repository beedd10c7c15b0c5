/**
 * The S3-compatible spill store, {@code s3}, on the AWS SDK for Java v2.
 *
 * <p>The SDK's jars are automatic modules (named by their {@code Automatic-Module-Name}); the S3 client types
 * appear in {@code S3SpillStores}' signatures, so that module is required transitively.
 */
// The name is the package's, final digit included (javac's "module" lint would rather it ended in a letter); the
// AWS SDK for Java v2 ships no module descriptors, so requiring its automatic modules is the only way to use it.
@SuppressWarnings({"module", "requires-automatic", "requires-transitive-automatic"})
module io.spillway.store.s3 {
  requires transitive io.spillway.api;
  requires transitive software.amazon.awssdk.services.s3;
  requires software.amazon.awssdk.auth;
  requires software.amazon.awssdk.awscore;
  requires software.amazon.awssdk.core;
  requires software.amazon.awssdk.http;
  requires software.amazon.awssdk.http.urlconnection;
  requires software.amazon.awssdk.regions;
  requires software.amazon.awssdk.retries;
  requires software.amazon.awssdk.retries.api;

  exports io.spillway.store.s3;

  provides io.spillway.api.spi.SpillStoreProvider with io.spillway.store.s3.S3SpillStoreProvider;
}
