package io.spillway.core.internal;

import io.spillway.api.SegmentHandle;
import io.spillway.api.SegmentPin;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@link SegmentHandle} of a managed value. Internal, may change. Thread-safe.
 *
 * @param <T> the value's type
 */
final class ManagedHandle<T> implements SegmentHandle<T> {
  private final ManagedSegment<T> managed;
  private final ManagedValues values;

  ManagedHandle(ManagedSegment<T> managed, ManagedValues values) {
    this.managed = managed;
    this.values = values;
  }

  @Override
  public String name() {
    return managed.name;
  }

  @Override
  public T get() {
    // Fast path for a resident value: two volatile reads, no lock, no allocation. The read of the value is the
    // linearization point; an open manager then was open at that read too.
    T value = managed.value;
    if (value == null || values.isClosed()) {
      value = values.value(managed, false, false);
    }
    values.recordAccess(managed);
    return value;
  }

  @Override
  public CompletableFuture<T> getAsync() {
    T resident = values.residentValue(managed);
    if (resident != null) {
      values.recordAccess(managed);
      return CompletableFuture.completedFuture(resident);
    }
    return values.async(() -> {
      T value = values.value(managed, true, false);
      values.recordAccess(managed);
      return value;
    });
  }

  @Override
  public void set(T value) {
    values.set(managed, value);
  }

  @Override
  public SegmentPin pin() {
    values.value(managed, false, true);
    return new Pin();
  }

  @Override
  public boolean isSpilled() {
    return managed.location != null;
  }

  @Override
  public long size() {
    return managed.size();
  }

  @Override
  public void close() {
    values.close(managed);
  }

  @Override
  public String toString() {
    return "SegmentHandle{" + managed.name + ", size=" + managed.size() + ", spilled=" + (managed.location != null)
        + ", closed=" + managed.isRemoved() + "}";
  }

  /** One pin on the value. */
  private final class Pin implements SegmentPin {
    private final AtomicBoolean released = new AtomicBoolean();

    @Override
    public void close() {
      if (released.compareAndSet(false, true)) {
        values.unpin(managed);
      }
    }
  }
}
