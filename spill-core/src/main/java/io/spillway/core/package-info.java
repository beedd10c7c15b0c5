/**
 * Spillway's core: the {@link io.spillway.core.Spillway} entry point that assembles a
 * {@link io.spillway.api.SpillManager} from the providers on the class path, the frame format
 * ({@link io.spillway.core.SpillFrames}), the checksum codec registry ({@link io.spillway.core.ChecksumCodecs}) and
 * the {@code coldness} policy.
 */
@NullMarked
package io.spillway.core;

import org.jspecify.annotations.NullMarked;
