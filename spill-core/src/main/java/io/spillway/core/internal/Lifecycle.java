package io.spillway.core.internal;

/**
 * Whether a manager is open, and the errors its parts throw once it is not. Internal, may change.
 *
 * <p>Thread-safe: the flag is volatile and set once.
 */
final class Lifecycle {
  private volatile boolean closed;

  /** Whether {@link #markClosed()} has been called. */
  boolean isClosed() {
    return closed;
  }

  /** Marks the manager closed; returns false if it already was. Callers serialise it (the manager's close lock). */
  boolean markClosed() {
    if (closed) {
      return false;
    }
    closed = true;
    return true;
  }

  /** Throws {@link IllegalStateException} if the manager is closed. */
  void ensureOpen() {
    if (closed) {
      throw closedError();
    }
  }

  /** Throws if the manager is closed or {@code seg} is dead. Caller holds the segment's lock. */
  void checkLive(Segment seg) {
    ensureOpen();
    if (seg.isRemoved()) {
      throw closedHandle(seg.name);
    }
  }

  static IllegalStateException closedError() {
    return new IllegalStateException("This SpillManager is closed");
  }

  static IllegalStateException closedHandle(String name) {
    return new IllegalStateException("The handle of segment '" + name + "' is closed (closed, unregistered, "
        + "replaced or cleaned up)");
  }
}
