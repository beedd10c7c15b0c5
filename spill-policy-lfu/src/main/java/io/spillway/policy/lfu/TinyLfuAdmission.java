package io.spillway.policy.lfu;

/**
 * TinyLFU's admission rule, as Caffeine applies it: a candidate replaces a victim in the main area only if the
 * sketch counts it more often; one at least {@value #RANDOM_ADMIT_FREQUENCY} times is also let in at random, once
 * in 128, so that a flood of hash collisions cannot pin the main area. The randomness is a fixed xorshift sequence,
 * so that runs repeat exactly. Internal, may change.
 *
 * <p>Not thread-safe: owned by one policy.
 */
final class TinyLfuAdmission {
  /** Candidates this frequent or more are admitted at random now and then. */
  static final int RANDOM_ADMIT_FREQUENCY = 6;

  private final FrequencySketch sketch;
  private long random = 0x2545F4914F6CDD1DL;

  TinyLfuAdmission(FrequencySketch sketch) {
    this.sketch = sketch;
  }

  /** Whether the candidate with sketch key {@code candidateHash} wins over the victim with {@code victimHash}. */
  boolean admits(int candidateHash, int victimHash) {
    int candidateFrequency = sketch.frequency(candidateHash);
    if (candidateFrequency > sketch.frequency(victimHash)) {
      return true;
    }
    if (candidateFrequency >= RANDOM_ADMIT_FREQUENCY) {
      random ^= random << 13;
      random ^= random >>> 7;
      random ^= random << 17;
      return (random & 127) == 0;
    }
    return false;
  }
}
