package io.spillway.core;

/**
 * What {@code auto} compression has measured so far, to tell whether compressing a payload pays: per byte, the time
 * LZ4 takes to compress (its samples and the payloads it compressed) and to expand (the reloads of compressed
 * frames), and the time the store takes to write a frame ({@link SpillFrames#storeWriteTook}) and a reload to read
 * and verify one ({@link SpillFrames#reloadTook}) &mdash; these two kept apart for frames stored compressed and as
 * they are, since they need not cost the same per byte (a bounded page cache holds more of the smaller frames, so
 * they come back from memory while the larger come from the disk). Each is a moving average that weighs the newest
 * measurement by {@value #WEIGHT}. A frame that decodes to more bytes than it stores counts as compressed.
 *
 * <p><b>The rule.</b> A segment is spilled to be reloaded, so a payload is weighed with the one reload it is written
 * for. Per byte of payload, storing it as it is costs {@code write + read} (of such frames), and compressing it to a
 * share {@code r} costs {@code compress + expand + r × (write + read)} (of compressed frames); compressing pays when
 * that is less. Until LZ4's compression and a write of either kind have been measured it is taken to pay; a kind not
 * measured yet is taken to cost what the other does, a reload not measured yet what a write of its kind does, an
 * expansion not measured yet nothing. With equal per-byte costs for both kinds this is
 * {@code (1 - r) × (write + read) > compress + expand}. So on a store that takes and gives bytes faster than LZ4
 * makes and expands them (a page cache), {@code auto} stores payloads as they are; on a slow one (a disk the page
 * cache cannot hide, an object store over a network) it compresses whatever its sample shrinks.
 *
 * <p>Thread-safe.
 */
final class CompressionCost {
  /** Weight of the newest measurement in each moving average. */
  static final double WEIGHT = 0.2;
  private static final int PLAIN = 0;
  private static final int COMPRESSED = 1;

  private double compressNanosPerByte = Double.NaN; // guarded by this
  private double expandNanosPerByte = Double.NaN; // guarded by this
  /** By kind ({@link #PLAIN}, {@link #COMPRESSED}): a write's time per stored byte. Guarded by this. */
  private final double[] writeNanosPerByte = {Double.NaN, Double.NaN};
  /** By kind: a reload's time per stored byte, the expansion taken out. Guarded by this. */
  private final double[] readNanosPerByte = {Double.NaN, Double.NaN};

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

  /** Writing a frame of {@code storedBytes} to the store, for a payload of {@code payloadBytes}, took {@code nanos}. */
  synchronized void stored(long storedBytes, long payloadBytes, long nanos) {
    if (storedBytes > 0 && nanos >= 0) {
      int kind = kind(storedBytes, payloadBytes);
      writeNanosPerByte[kind] = average(writeNanosPerByte[kind], (double) nanos / storedBytes);
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
    int kind = kind(storedBytes, payloadBytes);
    double expanding = kind == COMPRESSED && !Double.isNaN(expandNanosPerByte) ? expandNanosPerByte * payloadBytes : 0;
    readNanosPerByte[kind] = average(readNanosPerByte[kind], Math.max(0, nanos - expanding) / storedBytes);
  }

  /** Whether compressing to a share {@code ratio} of the payload pays, by the rule in the class comment. */
  synchronized boolean pays(double ratio) {
    double plainWrite = known(writeNanosPerByte[PLAIN], writeNanosPerByte[COMPRESSED]);
    double compressedWrite = known(writeNanosPerByte[COMPRESSED], writeNanosPerByte[PLAIN]);
    if (Double.isNaN(compressNanosPerByte) || Double.isNaN(plainWrite)) {
      return true;
    }
    double plainRead = known(known(readNanosPerByte[PLAIN], readNanosPerByte[COMPRESSED]), plainWrite);
    double compressedRead = known(known(readNanosPerByte[COMPRESSED], readNanosPerByte[PLAIN]), compressedWrite);
    double expand = Double.isNaN(expandNanosPerByte) ? 0 : expandNanosPerByte;
    return compressNanosPerByte + expand + ratio * (compressedWrite + compressedRead) < plainWrite + plainRead;
  }

  private static int kind(long storedBytes, long payloadBytes) {
    return payloadBytes > storedBytes ? COMPRESSED : PLAIN;
  }

  /** {@code value}, or {@code otherwise} while it is not measured. */
  private static double known(double value, double otherwise) {
    return Double.isNaN(value) ? otherwise : value;
  }

  private static double average(double current, double sample) {
    return Double.isNaN(current) ? sample : current + WEIGHT * (sample - current);
  }

  @Override
  public synchronized String toString() {
    return String.format(java.util.Locale.ROOT, "compress %.3f ns/B, expand %.3f ns/B, write %.3f / %.3f ns/B, read"
        + " %.3f / %.3f ns/B (as they are / compressed)", compressNanosPerByte, expandNanosPerByte,
        writeNanosPerByte[PLAIN], writeNanosPerByte[COMPRESSED], readNanosPerByte[PLAIN],
        readNanosPerByte[COMPRESSED]);
  }
}
