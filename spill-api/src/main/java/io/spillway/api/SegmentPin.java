package io.spillway.api;

/**
 * Keeps one segment resident while held; obtained from {@link SegmentHandle#pin()}. Closing it releases this pin
 * (idempotently); the segment becomes spillable again when its last pin is closed.
 */
public interface SegmentPin extends AutoCloseable {
  @Override
  void close();
}
