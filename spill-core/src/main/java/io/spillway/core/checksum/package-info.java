/**
 * Spillway's built-in checksum codecs, registered as {@link io.spillway.api.spi.ChecksumCodecProvider}s:
 * {@code crc32} (id 1), {@code crc32c} (id 2) and the read-only {@code fold32} (id 3).
 *
 * <p>Only the provider classes are public, because {@link java.util.ServiceLoader} must instantiate them; the
 * codecs they create are reached through {@link io.spillway.core.ChecksumCodecs}.
 */
@NullMarked
package io.spillway.core.checksum;

import org.jspecify.annotations.NullMarked;
