package io.spillway.bench.graph500;

import java.util.SplittableRandom;

/**
 * Graph500's Kronecker (R-MAT) edge generator: {@code edgeFactor * 2^scale} edges over {@code 2^scale} vertices,
 * each edge placed by descending {@code scale} times into one quadrant of the adjacency matrix with probabilities
 * A = 0.57, B = 0.19, C = 0.19, D = 0.05, then both endpoints relabelled by a random permutation of the vertices
 * (Graph500's scrambling, so that high-degree vertices are not clustered at low ids). The stream holds duplicate
 * edges and self-loops, as Graph500's does.
 *
 * <p>Deterministic: the same scale, edge factor and seed give the same edges in the same order, so a caller can
 * stream them again (to validate a search) instead of keeping them. Holds the permutation: 4 bytes per vertex.
 * Immutable and thread-safe; each {@link #forEachEdge} call streams independently.
 */
public final class Kronecker {
  /** Graph500's initiator probabilities. */
  public static final double A = 0.57;
  /** Graph500's initiator probabilities. */
  public static final double B = 0.19;
  /** Graph500's initiator probabilities. */
  public static final double C = 0.19;
  /** Graph500's edge factor: edges per vertex. */
  public static final int DEFAULT_EDGE_FACTOR = 16;

  private final int scale;
  private final long edges;
  private final long seed;
  private final int[] permutation;

  /**
   * A generator of {@code edgeFactor << scale} edges.
   *
   * @throws IllegalArgumentException unless {@code 1 <= scale <= 30} and {@code edgeFactor >= 1}
   */
  public Kronecker(int scale, int edgeFactor, long seed) {
    if (scale < 1 || scale > 30) {
      throw new IllegalArgumentException("scale must be in [1, 30], was " + scale);
    }
    if (edgeFactor < 1) {
      throw new IllegalArgumentException("edgeFactor must be positive, was " + edgeFactor);
    }
    this.scale = scale;
    this.edges = (long) edgeFactor << scale;
    this.seed = seed;
    int n = 1 << scale;
    permutation = new int[n];
    for (int i = 0; i < n; i++) {
      permutation[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = permutation[i];
      permutation[i] = permutation[j];
      permutation[j] = t;
    }
  }

  /** Receives generated edges. */
  @FunctionalInterface
  public interface EdgeConsumer {
    /** One generated edge between vertices {@code u} and {@code v}, both in {@code [0, vertexCount())}. */
    void accept(long u, long v);
  }

  /** {@code 2^scale}. */
  public int vertexCount() {
    return permutation.length;
  }

  /** The number of edges {@link #forEachEdge} generates, duplicates and self-loops included. */
  public long edgeCount() {
    return edges;
  }

  /** The scale. */
  public int scale() {
    return scale;
  }

  /** Streams every edge, in the same order on every call. */
  public void forEachEdge(EdgeConsumer consumer) {
    SplittableRandom random = new SplittableRandom(seed);
    double ab = A + B;
    double cNorm = C / (1 - ab);
    double aNorm = A / ab;
    for (long e = 0; e < edges; e++) {
      int u = 0;
      int v = 0;
      for (int bit = 0; bit < scale; bit++) {
        boolean down = random.nextDouble() > ab;
        boolean right = random.nextDouble() > (down ? cNorm : aNorm);
        u |= (down ? 1 : 0) << bit;
        v |= (right ? 1 : 0) << bit;
      }
      consumer.accept(permutation[u], permutation[v]);
    }
  }
}
