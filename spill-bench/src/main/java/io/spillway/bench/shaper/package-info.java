/**
 * A TCP shaper for the S3 benchmarks: {@link io.spillway.bench.shaper.ShapedProxy} forwards connections to a local
 * server, holding each response back by a time to first byte and each connection's directions to a bandwidth, as a
 * {@link io.spillway.bench.shaper.Shaping} says ({@code -Dbench.s3.latency=20ms -Dbench.s3.bandwidth=64MiB} by
 * default). Benchmark tooling only; not part of the library.
 */
@NullMarked
package io.spillway.bench.shaper;

import org.jspecify.annotations.NullMarked;
