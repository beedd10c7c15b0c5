package io.spillway.bench;

import java.util.SplittableRandom;

/**
 * Zipf-distributed streams of ranks, precomputed so that a benchmark pays one array read per operation. Rank
 * {@code k} (0-based) is drawn with probability proportional to {@code 1 / (k + 1)^s}, so rank 0 is the hottest.
 *
 * <p>Deterministic: the same arguments give the same stream. Stateless and thread-safe.
 */
public final class Zipf {
  private Zipf() {}

  /**
   * Draws {@code length} ranks in {@code [0, n)} by inverting the cumulative distribution.
   *
   * @param n the number of distinct ranks
   * @param s the exponent; 0 gives a uniform stream, about 1 a typical cache workload
   * @param length how many ranks to draw
   * @param seed the seed of the random source
   * @throws IllegalArgumentException if {@code n} or {@code length} is not positive, or {@code s} is negative or NaN
   */
  public static int[] ranks(int n, double s, int length, long seed) {
    if (n <= 0 || length <= 0) {
      throw new IllegalArgumentException("n and length must be positive, were " + n + " and " + length);
    }
    if (!(s >= 0)) {
      throw new IllegalArgumentException("s must be a non-negative number, was " + s);
    }
    double[] cumulative = new double[n];
    double total = 0;
    for (int k = 0; k < n; k++) {
      total += 1.0 / Math.pow(k + 1, s);
      cumulative[k] = total;
    }
    SplittableRandom random = new SplittableRandom(seed);
    int[] ranks = new int[length];
    for (int i = 0; i < length; i++) {
      ranks[i] = firstAtLeast(cumulative, random.nextDouble() * total);
    }
    return ranks;
  }

  /** The smallest index whose cumulative weight is at least {@code target}, clamped to the last index. */
  private static int firstAtLeast(double[] cumulative, double target) {
    int low = 0;
    int high = cumulative.length - 1;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (cumulative[mid] < target) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }
}
