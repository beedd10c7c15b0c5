/**
 * The S3-compatible spill store, named {@code "s3"}: see {@link io.spillway.store.s3.S3SpillStoreProvider} for its
 * settings, layout and failure behaviour.
 */
@NullMarked
package io.spillway.store.s3;

import org.jspecify.annotations.NullMarked;
