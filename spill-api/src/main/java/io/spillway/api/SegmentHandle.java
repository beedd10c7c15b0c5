package io.spillway.api;

import java.util.concurrent.CompletableFuture;

/**
 * A value owned by the manager, returned by {@link SpillManager#put}. While the handle is open the manager may spill
 * the value whenever memory runs short and reloads it, verified, on the next {@link #get()}: the caller never
 * handles bytes.
 *
 * <p>Thread-safe: any number of threads may call {@link #get()}, {@link #set} and {@link #pin()} at once. A
 * {@code get()} while the value is being spilled returns it without waiting for the store; concurrent
 * {@code get()}s of a spilled value reload it once; a {@code set} during a spill is never lost (the spill of the
 * old value is abandoned or its copy discarded).
 *
 * @param <T> the type of the value
 */
public interface SegmentHandle<T> extends AutoCloseable {

  /** The segment's name. */
  String name();

  /**
   * The value, reloaded from the store if it was spilled. Blocks while a reload is needed; may first wait for room
   * in the budget, as {@link SpillManager#put} does.
   *
   * @throws CorruptSegmentException if the stored copy fails verification (the segment stays spilled)
   * @throws SpillStoreException if the store cannot be read (the segment stays spilled)
   * @throws SpillBudgetExceededException if no room could be made for it in time
   * @throws IllegalStateException if the handle is closed
   */
  T get();

  /** {@link #get()} without blocking the caller: a reload, if needed, runs on the manager's executor. */
  CompletableFuture<T> getAsync();

  /**
   * Replaces the value; its size is weighed again and the accounting updated. A stored copy of the old value is
   * discarded.
   *
   * @throws SpillBudgetExceededException if no room could be made for the new size in time; the old value stays
   * @throws IllegalStateException if the handle is closed
   */
  void set(T value);

  /**
   * Keeps the value resident until the returned pin is closed, reloading it first if needed. Pins are counted: the
   * segment may be spilled again once every pin is closed.
   *
   * @throws SpillBudgetExceededException if the value must be reloaded and no room could be made for it in time
   * @throws IllegalStateException if the handle is closed
   */
  SegmentPin pin();

  /** Whether the value currently lives only in the store. */
  boolean isSpilled();

  /** The value's accounted size in bytes. */
  long size();

  /** Removes the value: frees its memory and deletes its stored copy. Idempotent. */
  @Override
  void close();
}
