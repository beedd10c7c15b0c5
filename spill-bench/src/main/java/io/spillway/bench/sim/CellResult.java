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
 * @param reloads misses that reloaded a spilled segment (0 for the references, which keep no spilled copies)
 * @param nanos wall time of the replay
 * @param failure why the replay did not finish (a timeout, an exception), or empty when it did
 */
record CellResult(String policy, long capacity, long requests, long hits, long bytesRequested, long bytesHit,
    long reloads, long nanos, String failure) {

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

  static CellResult failed(String policy, long capacity, long nanos, String why) {
    return new CellResult(policy, capacity, 0, 0, 0, 0, 0, nanos, why);
  }
}
