package io.spillway.core.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The managed spills and reloads under way, each a future completed (normally) when its I/O has left the store
 * alone, so that closing a manager can wait for them. Internal, may change. Thread-safe.
 */
final class InFlightIo {
  private final Set<CompletableFuture<Void>> running = ConcurrentHashMap.newKeySet();

  /** A new future for an operation starting now; the caller completes it and {@link #finish}es it. */
  CompletableFuture<Void> start() {
    CompletableFuture<Void> io = new CompletableFuture<>();
    running.add(io);
    return io;
  }

  /** Completes {@code io} and forgets it. */
  void finish(CompletableFuture<Void> io) {
    running.remove(io);
    io.complete(null);
  }

  /** Waits until no operation is under way, including those that start while it waits. */
  void awaitAll() {
    while (!running.isEmpty()) {
      for (CompletableFuture<Void> io : List.copyOf(running)) {
        io.join();
      }
    }
  }
}
