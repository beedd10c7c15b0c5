/**
 * Graph500's input: {@link io.spillway.bench.graph500.Kronecker}, the R-MAT edge generator that the graph
 * benchmarks and the examples' {@code GraphDemo} build their graphs from. Benchmark input, not part of the library.
 */
@NullMarked
package io.spillway.bench.graph500;

import org.jspecify.annotations.NullMarked;
