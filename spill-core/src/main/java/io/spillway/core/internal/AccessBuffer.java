package io.spillway.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.function.Consumer;

/**
 * A bounded, striped buffer of recorded accesses awaiting delivery to a single-threaded policy, in the manner of
 * Caffeine's read buffer but lossless. Internal, may change.
 *
 * <p>{@link #offer} never blocks: it returns {@code false} when the recording thread's stripe is full, and the
 * caller must then {@link #drainTo drain} (under the policy lock) and offer again. Draining empties every stripe.
 * Order is kept within a stripe, not across stripes: accesses from different threads are concurrent anyway.
 *
 * <p>Thread-safe for any number of producers; {@link #drainTo} must be called by one thread at a time.
 */
final class AccessBuffer<T> {
  private final ArrayBlockingQueue<T>[] stripes;
  private final int mask;
  private final List<T> batch;

  AccessBuffer(int stripeCount, int stripeCapacity) {
    int count = 1;
    while (count < stripeCount) {
      count <<= 1;
    }
    @SuppressWarnings({"unchecked", "rawtypes"}) // generic array creation
    ArrayBlockingQueue<T>[] made = new ArrayBlockingQueue[count];
    for (int i = 0; i < count; i++) {
      made[i] = new ArrayBlockingQueue<>(stripeCapacity);
    }
    this.stripes = made;
    this.mask = count - 1;
    this.batch = new ArrayList<>(stripeCapacity);
  }

  /** A buffer sized for this machine: a stripe per processor (up to 16), 256 accesses each. */
  static <T> AccessBuffer<T> forThisMachine() {
    return new AccessBuffer<>(Math.min(16, Runtime.getRuntime().availableProcessors()), 256);
  }

  /** Records {@code item}; {@code false} if the stripe is full (nothing recorded). */
  boolean offer(T item) {
    return stripes[stripe()].offer(item);
  }

  /** Hands every buffered item to {@code sink}, stripe by stripe. */
  void drainTo(Consumer<? super T> sink) {
    for (ArrayBlockingQueue<T> stripe : stripes) {
      stripe.drainTo(batch);
      try {
        for (T item : batch) {
          sink.accept(item);
        }
      } finally {
        batch.clear();
      }
    }
  }

  /** Whether nothing is buffered (exact only when no thread records concurrently). */
  boolean isEmpty() {
    for (ArrayBlockingQueue<T> stripe : stripes) {
      if (!stripe.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  private int stripe() {
    long id = Thread.currentThread().getId();
    // Spread consecutive thread ids over the stripes.
    int h = (int) (id ^ (id >>> 32)) * 0x9E3779B9;
    return (h ^ (h >>> 16)) & mask;
  }
}
