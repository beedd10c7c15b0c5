package io.spillway.core;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Arrays for sealed payload regions, reused between frames: sealing a frame, and reading one to open it, each need
 * an array as long as the payload, which is garbage as soon as the store has taken it or the plaintext is out. Why
 * reuse them: a spilling process that allocates a fresh multi-MiB array per frame keeps the collector busy and, on
 * a machine that hands freed memory back to its host, touches fresh pages each time; measured, encrypted spills
 * took twice as long with a new array each.
 *
 * <p>Bounded: at most {@value #MAX_IDLE} arrays are kept between uses, none longer than {@value #MAX_KEPT} bytes;
 * more are made when more threads work at once, and dropped afterwards. Thread-safe.
 */
final class RegionPool {
  static final int MAX_IDLE = 4;
  static final int MAX_KEPT = 16 * 1024 * 1024;

  private final ConcurrentLinkedQueue<byte[]> idle = new ConcurrentLinkedQueue<>();
  private final AtomicInteger idleCount = new AtomicInteger();

  /** An array of at least {@code length} bytes, the caller's alone until {@link #give}; its contents are stale. */
  byte[] take(int length) {
    for (int tries = 0; tries < MAX_IDLE; tries++) {
      byte[] array = idle.poll();
      if (array == null) {
        break;
      }
      idleCount.decrementAndGet();
      if (array.length >= length) {
        return array;
      }
      // Too short for this one: let it go, a longer one replaces it below on give().
    }
    return new byte[length];
  }

  /** Returns an array from {@link #take}; the caller must not use it afterwards. */
  void give(byte[] array) {
    if (array.length > MAX_KEPT) {
      return;
    }
    if (idleCount.incrementAndGet() <= MAX_IDLE) {
      idle.offer(array);
    } else {
      idleCount.decrementAndGet();
    }
  }
}
