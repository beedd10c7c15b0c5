/**
 * Spillway's benchmarks: JMH benchmarks of {@link io.spillway.api.SpillManager} against Caffeine and against raw
 * {@link java.nio.channels.FileChannel} I/O, a heap-per-segment measurement, and
 * {@link io.spillway.bench.BenchmarkRunner}, which runs them all and writes {@code BENCHMARKS.md}. Not part of the
 * library: nothing depends on this package.
 */
@NullMarked
package io.spillway.bench;

import org.jspecify.annotations.NullMarked;
