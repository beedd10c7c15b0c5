package io.spillway.bench.sim;

/**
 * The outcome of replaying one trace against one policy at one capacity. Internal, may change.
 *
 * @param policy the policy or reference name
 * @param capacity the capacity in bytes
 * @param requests requests replayed
 * @param hits requests served from memory
 * @param bytesRequested sum of the sizes of all requests
 * @param bytesHit sum of the sizes of the hits
 * @param reloads misses that reloaded a spilled segment: every miss but a key's first request and a request larger
 *     than the capacity (for the references, which keep no spilled copies, counted so from their misses)
 * @param bytesReloaded sum of the sizes of those reloads
 * @param nanos wall time of the replay
 * @param failure why the replay did not finish (a timeout, an exception), or empty when it did
 */
record CellResult(String policy, long capacity, long requests, long hits, long bytesRequested, long bytesHit,
    long reloads, long bytesReloaded, long nanos, String failure) {

  /**
   * The result of a reference replay (Belady, Caffeine) that counts hits only: its reloads are its misses less the
   * {@linkplain Trace#compulsory compulsory ones}, so that its reload time compares with the policies'.
   */
  static CellResult reference(String policy, Trace trace, long capacity, long hits, long bytesRequested,
      long bytesHit, long nanos) {
    Trace.Compulsory compulsory = trace.compulsory(capacity);
    long reloads = trace.requests() - hits - compulsory.requests();
    long bytesReloaded = bytesRequested - bytesHit - compulsory.bytes();
    return new CellResult(policy, capacity, trace.requests(), hits, bytesRequested, bytesHit, reloads,
        bytesReloaded, nanos, "");
  }

  long misses() {
    return requests - hits;
  }

  long bytesMissed() {
    return bytesRequested - bytesHit;
  }

  boolean ok() {
    return failure.isEmpty();
  }

  /** Hit ratio in percent. */
  double hitRatio() {
    return requests == 0 ? 0 : 100.0 * hits / requests;
  }

  /** Byte hit ratio in percent. */
  double byteHitRatio() {
    return bytesRequested == 0 ? 0 : 100.0 * bytesHit / bytesRequested;
  }

  /** Estimated seconds of reloading, one reload after another, at {@code cost}. */
  double reloadSeconds(ReloadCost cost) {
    return cost.seconds(reloads, bytesReloaded);
  }

  static CellResult failed(String policy, long capacity, long nanos, String why) {
    return new CellResult(policy, capacity, 0, 0, 0, 0, 0, 0, nanos, why);
  }
}
