/**
 * Spillway's core: the manager, memory accounting, provider selection, the frame format
 * ({@link io.spillway.core.SpillFrames}) and the checksum codec registry ({@link io.spillway.core.ChecksumCodecs}).
 */
@NullMarked
package io.spillway.core;

import org.jspecify.annotations.NullMarked;
