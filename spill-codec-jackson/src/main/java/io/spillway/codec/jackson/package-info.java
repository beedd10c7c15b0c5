/**
 * Values as JSON through Jackson: {@link io.spillway.codec.jackson.JacksonCodecs} makes a
 * {@link io.spillway.api.SpillCodec} for a class or a generic type, with Spillway's own mapper or yours.
 *
 * <p>Depends on {@code spill-api} and {@code jackson-databind} only, so that the core carries no JSON library.
 */
@NullMarked
package io.spillway.codec.jackson;

import org.jspecify.annotations.NullMarked;
