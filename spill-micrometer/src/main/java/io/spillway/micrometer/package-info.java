/**
 * Micrometer metrics for a Spillway manager: {@link io.spillway.micrometer.SpillwayMetrics}.
 */
@NullMarked
package io.spillway.micrometer;

import org.jspecify.annotations.NullMarked;
