/**
 * The trace simulator: replays recorded access traces against every {@link io.spillway.api.spi.SpillPolicy} on the
 * class path, through a real {@link io.spillway.api.SpillManager}, beside Belady's optimum and Caffeine, and writes
 * tables and charts of the hit ratios. Entry point: {@link io.spillway.bench.sim.TraceSimulator}.
 */
@NullMarked
package io.spillway.bench.sim;

import org.jspecify.annotations.NullMarked;
