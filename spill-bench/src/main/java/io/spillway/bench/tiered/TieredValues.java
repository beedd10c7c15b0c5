package io.spillway.bench.tiered;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The values of the tiered-cache workload: value {@code k} is one of 16 random base arrays with {@code k} stamped at
 * both ends, so that it can be checked on every read at the cost of one array comparison, and no two keys share a
 * value. Thread-safe (immutable once built).
 */
final class TieredValues {
  private static final int BASES = 16;
  private final byte[][] bases;
  private final int valueBytes;

  TieredValues(int valueBytes, long seed) {
    if (valueBytes < 16) {
      throw new IllegalArgumentException("values need at least 16 bytes, was " + valueBytes);
    }
    this.valueBytes = valueBytes;
    SplittableRandom random = new SplittableRandom(seed);
    bases = new byte[BASES][valueBytes];
    for (byte[] base : bases) {
      random.nextBytes(base);
    }
  }

  int valueBytes() {
    return valueBytes;
  }

  /** A new array holding value {@code key}. */
  byte[] value(int key) {
    byte[] value = bases[key % BASES].clone();
    ByteBuffer.wrap(value).putLong(0, key).putLong(valueBytes - 8, key);
    return value;
  }

  /** Whether {@code value} is value {@code key}, byte for byte. */
  boolean matches(int key, byte[] value) {
    if (value.length != valueBytes) {
      return false;
    }
    ByteBuffer buffer = ByteBuffer.wrap(value);
    return buffer.getLong(0) == key && buffer.getLong(valueBytes - 8) == key
        && Arrays.equals(value, 8, valueBytes - 8, bases[key % BASES], 8, valueBytes - 8);
  }
}
