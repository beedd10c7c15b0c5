package io.spillway.store.file;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Direct buffers through which heap bytes go to and from the log files.
 *
 * <p>Why: {@link java.nio.channels.FileChannel} copies a heap buffer into a temporary direct buffer of the same size
 * and caches it in the calling thread, so handing it a whole 4 MiB value would leave 4 MiB of native memory behind in
 * every thread that ever spilled. Copying through a few pooled buffers of {@value #BUFFER_BYTES} bytes costs the same
 * copy and keeps native memory bounded: at most {@link #maxIdle} buffers are kept between uses; more are made when
 * more threads write at once, and dropped afterwards.
 *
 * <p>Thread-safe. Internal, may change.
 */
final class BufferPool {
  static final int BUFFER_BYTES = 1024 * 1024;

  private final ConcurrentLinkedQueue<ByteBuffer> idle = new ConcurrentLinkedQueue<>();
  private final AtomicInteger idleCount = new AtomicInteger();
  private final int maxIdle;

  BufferPool(int maxIdle) {
    this.maxIdle = maxIdle;
  }

  /** A cleared buffer of {@value #BUFFER_BYTES} bytes, for the caller alone until {@link #give}. */
  ByteBuffer take() {
    ByteBuffer buffer = idle.poll();
    if (buffer == null) {
      return ByteBuffer.allocateDirect(BUFFER_BYTES);
    }
    idleCount.decrementAndGet();
    return buffer.clear();
  }

  /** Returns a buffer from {@link #take}; the caller must not use it afterwards. */
  void give(ByteBuffer buffer) {
    if (idleCount.incrementAndGet() <= maxIdle) {
      idle.offer(buffer);
    } else {
      idleCount.decrementAndGet();
    }
  }
}
