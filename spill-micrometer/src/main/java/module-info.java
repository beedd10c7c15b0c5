/**
 * A Micrometer {@code MeterBinder} for a {@code SpillManager}: {@link io.spillway.micrometer.SpillwayMetrics}
 * publishes the manager's statistics as meters under {@code spillway.}. Depends on spill-api and Micrometer only; the
 * manager may come from spill-core or from any other implementation of the API.
 */
// micrometer-core ships no module descriptor: it is required as the automatic module its manifest names,
// micrometer.core, transitively because SpillwayMetrics is a MeterBinder and its methods take a MeterRegistry.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.spillway.micrometer {
  requires transitive io.spillway.api;
  requires transitive micrometer.core;

  exports io.spillway.micrometer;
}
