/**
 * The local-directory spill store, {@code file}. Depends on the API only.
 */
module io.spillway.store.file {
  requires transitive io.spillway.api;

  exports io.spillway.store.file;

  provides io.spillway.api.spi.SpillStoreProvider with io.spillway.store.file.FileSpillStoreProvider;
}
