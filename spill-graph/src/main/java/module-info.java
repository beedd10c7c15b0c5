/**
 * Graphs larger than the memory budget, on Guava's {@code common.graph}: {@code SpillingGraph},
 * {@code SpillableGraph} and {@code LongBfs}. Needs a manager at run time (spill-core or another implementation of
 * the API), not at compile time.
 */
module io.spillway.graph {
  requires transitive io.spillway.api;
  requires transitive com.google.common;

  exports io.spillway.graph;
}
