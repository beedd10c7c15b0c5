/**
 * The bundled compression codecs, {@code lz4} and {@code zstd}: select one with
 * {@code SpillConfig.builder().compression("zstd")}; {@code auto} uses {@code lz4} when it is here.
 */
@NullMarked
package io.spillway.compress;

import org.jspecify.annotations.NullMarked;
