/**
 * Graphs larger than the memory budget. {@link io.spillway.graph.SpillableGraph} wraps any graph object as one
 * managed segment (RedDB's wrapper, working); {@link io.spillway.graph.SpillingGraph} splits a graph's adjacency
 * into partitions, each a managed segment in a compact primitive form, and implements Guava's
 * {@link com.google.common.graph.MutableGraph}, so that Guava's {@code Traverser} and {@code Graphs} run on it
 * unchanged while the manager spills and reloads partitions underneath.
 */
@NullMarked
package io.spillway.graph;

import org.jspecify.annotations.NullMarked;
