/**
 * The local-directory spill store, selected as {@code "file"}; see
 * {@link io.spillway.store.file.FileSpillStoreProvider} for its layout and guarantees.
 */
@NullMarked
package io.spillway.store.file;

import org.jspecify.annotations.NullMarked;
