package io.spillway.core;

/**
 * What {@code auto} compression has measured so far, to tell whether compressing a payload pays: per byte, the time
 * LZ4 takes to compress and to expand (from the samples and the payloads it compressed), the time the store takes to
 * write a frame (which the manager reports after each write, {@link SpillFrames#storeWriteTook}) and the time a reload
 * takes to read and verify one ({@link SpillFrames#reloadTook}). Each is a moving average that weighs the newest
 * measurement by {@value #WEIGHT}.
 *
 * <p><b>The rule.</b> A segment is spilled to be reloaded, so a payload of {@code n} bytes is weighed with the one
 * reload it is written for: compressed to a share {@code r}, it saves {@code (1 - r) n} bytes of store writing and
 * as many of reading, and costs {@code n} bytes of compressing and of expanding. Compressing pays when
 * {@code (1 - r) × (writeNanosPerByte + readNanosPerByte) > compressNanosPerByte + expandNanosPerByte}. Until the
 * store's writes and LZ4's compression have been measured it is taken to pay; until a reload has been measured, a
 * read is taken to cost what a write does; until an expansion has been measured, it is taken to cost nothing. So on a
 * store that takes and gives bytes faster than LZ4 makes and expands them (a page cache), {@code auto} stores
 * payloads as they are; on a slow one (a disk limited to a few hundred MiB/s, an object store over a network) it
 * compresses whatever its sample shrinks, because the bytes it saves are read back as well as written.
 *
 * <p>Thread-safe.
 */
final class CompressionCost {
  /** Weight of the newest measurement in each moving average. */
  static final double WEIGHT = 0.2;

  private double compressNanosPerByte = Double.NaN; // guarded by this
  private double expandNanosPerByte = Double.NaN; // guarded by this
  private double writeNanosPerByte = Double.NaN; // guarded by this
  private double readNanosPerByte = Double.NaN; // guarded by this

  /** Compressing {@code bytes} took {@code nanos}. */
  synchronized void compressed(long bytes, long nanos) {
    if (bytes > 0 && nanos >= 0) {
      compressNanosPerByte = average(compressNanosPerByte, (double) nanos / bytes);
    }
  }

  /** Expanding compressed bytes to {@code bytes} took {@code nanos}. */
  synchronized void expanded(long bytes, long nanos) {
    if (bytes > 0 && nanos >= 0) {
      expandNanosPerByte = average(expandNanosPerByte, (double) nanos / bytes);
    }
  }

  /** Writing {@code bytes} to the store took {@code nanos}. */
  synchronized void stored(long bytes, long nanos) {
    if (bytes > 0 && nanos >= 0) {
      writeNanosPerByte = average(writeNanosPerByte, (double) nanos / bytes);
    }
  }

  /**
   * Reloading a frame of {@code storedBytes} took {@code nanos} (reading it from the store, verifying and, when
   * {@code payloadBytes} is larger, expanding it to them); the expansion, priced at what it has been measured to
   * cost, is taken out, so that what is averaged is the time per stored byte.
   */
  synchronized void reloaded(long storedBytes, long payloadBytes, long nanos) {
    if (storedBytes <= 0 || nanos < 0) {
      return;
    }
    double expanding = payloadBytes > storedBytes && !Double.isNaN(expandNanosPerByte)
        ? expandNanosPerByte * payloadBytes : 0;
    readNanosPerByte = average(readNanosPerByte, Math.max(0, nanos - expanding) / storedBytes);
  }

  /** Whether compressing to a share {@code ratio} of the payload pays, by the rule in the class comment. */
  synchronized boolean pays(double ratio) {
    if (Double.isNaN(compressNanosPerByte) || Double.isNaN(writeNanosPerByte)) {
      return true;
    }
    double read = Double.isNaN(readNanosPerByte) ? writeNanosPerByte : readNanosPerByte;
    double expand = Double.isNaN(expandNanosPerByte) ? 0 : expandNanosPerByte;
    return (1 - ratio) * (writeNanosPerByte + read) > compressNanosPerByte + expand;
  }

  private static double average(double current, double sample) {
    return Double.isNaN(current) ? sample : current + WEIGHT * (sample - current);
  }

  @Override
  public synchronized String toString() {
    return String.format(java.util.Locale.ROOT, "compress %.3f ns/B, expand %.3f ns/B, write %.3f ns/B, read %.3f"
        + " ns/B", compressNanosPerByte, expandNanosPerByte, writeNanosPerByte, readNanosPerByte);
  }
}
