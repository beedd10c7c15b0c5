/**
 * The bundled {@link io.spillway.api.spi.SpillKeyProvider}s: {@code key-file} and {@code env}. Found through
 * {@link java.util.ServiceLoader}; not exported.
 */
@NullMarked
package io.spillway.core.keys;

import org.jspecify.annotations.NullMarked;
