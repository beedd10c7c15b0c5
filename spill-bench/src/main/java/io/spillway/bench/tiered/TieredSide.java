package io.spillway.bench.tiered;

import java.io.Closeable;

/**
 * One side of the tiered-cache comparison: a store of {@code byte[]} values by {@code int} key that keeps a quarter
 * of them on the heap and the rest on local disk. Implementations are thread-safe for {@link #get}.
 */
interface TieredSide extends Closeable {
  /** Stores value {@code key}; the side owns the array from now on. */
  void put(int key, byte[] value);

  /** The value of {@code key}, which was put; never null. */
  byte[] get(int key);

  /** A short description for the report. */
  String describe();
}
