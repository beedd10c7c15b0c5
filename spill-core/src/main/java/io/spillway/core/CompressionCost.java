package io.spillway.core;

/**
 * What {@code auto} compression has measured so far, to tell whether compressing a payload pays: the time LZ4 takes
 * per byte (from the samples and the payloads it compressed) and the time the store takes per byte written (which
 * the manager reports after each write, {@link SpillFrames#storeWriteTook}). Both are moving averages that weigh the
 * newest measurement by {@value #WEIGHT}.
 *
 * <p><b>The rule.</b> Writing {@code n} bytes compressed to a share {@code r} saves {@code (1 - r) n} bytes of store
 * time and costs {@code n} bytes of compression time, so compressing pays when
 * {@code (1 - r) × storeNanosPerByte > compressNanosPerByte}. Until both have been measured it is taken to pay. Only
 * the spill is weighed: expanding on reload costs a fraction of compressing (LZ4 expands several times faster than
 * it compresses), and a reload reads the same bytes fewer. So on a store that takes bytes faster than LZ4 makes them
 * (a page cache, here), {@code auto} stores payloads as they are; on a slow one (an object store over a network) it
 * compresses whatever its sample shrinks.
 *
 * <p>Thread-safe.
 */
final class CompressionCost {
  /** Weight of the newest measurement in each moving average. */
  static final double WEIGHT = 0.2;

  private double compressNanosPerByte = Double.NaN; // guarded by this
  private double storeNanosPerByte = Double.NaN; // guarded by this

  /** Compressing {@code bytes} took {@code nanos}. */
  synchronized void compressed(long bytes, long nanos) {
    if (bytes > 0 && nanos >= 0) {
      compressNanosPerByte = average(compressNanosPerByte, (double) nanos / bytes);
    }
  }

  /** Writing {@code bytes} to the store took {@code nanos}. */
  synchronized void stored(long bytes, long nanos) {
    if (bytes > 0 && nanos >= 0) {
      storeNanosPerByte = average(storeNanosPerByte, (double) nanos / bytes);
    }
  }

  /** Whether compressing to a share {@code ratio} of the payload pays, by the rule in the class comment. */
  synchronized boolean pays(double ratio) {
    if (Double.isNaN(compressNanosPerByte) || Double.isNaN(storeNanosPerByte)) {
      return true;
    }
    return (1 - ratio) * storeNanosPerByte > compressNanosPerByte;
  }

  private static double average(double current, double sample) {
    return Double.isNaN(current) ? sample : current + WEIGHT * (sample - current);
  }

  @Override
  public synchronized String toString() {
    return String.format(java.util.Locale.ROOT, "compress %.3f ns/B, store %.3f ns/B", compressNanosPerByte,
        storeNanosPerByte);
  }
}
