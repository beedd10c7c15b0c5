package io.spillway.bench.shaper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One proxied connection: a client socket, the upstream socket opened for it, and two pump threads (platform daemon
 * threads; Java 17 has no virtual ones) copying bytes each way as its {@link ConnectionSchedule} lets them go.
 *
 * <p>Bytes pass unchanged and in order. An end of stream on one side becomes a half-close ({@code shutdownOutput}) of
 * the other, so either side may finish sending first and still read the rest; once both directions have ended, both
 * sockets are closed. A read or write error on either side, or {@link #abort()}, resets both sockets (closed with a
 * zero linger, so the peers see a reset rather than a clean end of stream that could pass for a complete response).
 *
 * <p>Thread-safe: {@link #abort()} may be called from any thread.
 */
final class ShapedConnection {
  /** Bytes read, paced and written at a time: about 1 ms at 64 MiB/s, fine enough for the schedule. */
  static final int CHUNK = 64 * 1024;
  /** What queued bytes may gain on the rate to make up for a late pump: 4 ms at 64 MiB/s. */
  static final int CATCH_UP = 4 * CHUNK;

  private final Socket client;
  private final Socket upstream;
  private final ConnectionSchedule schedule;
  private final Consumer<ShapedConnection> onEnd;
  private final AtomicInteger running = new AtomicInteger(2);
  private final AtomicBoolean ended = new AtomicBoolean();
  private final Thread toUpstream;
  private final Thread toClient;

  /**
   * @param onEnd told once, from a pump thread, when both sockets are closed
   */
  ShapedConnection(Socket client, Socket upstream, ConnectionSchedule schedule, String name,
      Consumer<ShapedConnection> onEnd) {
    this.client = client;
    this.upstream = upstream;
    this.schedule = schedule;
    this.onEnd = onEnd;
    this.toUpstream = daemon(() -> pump(client, upstream, true), name + "-up");
    this.toClient = daemon(() -> pump(upstream, client, false), name + "-down");
  }

  private static Thread daemon(Runnable task, String name) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }

  /** Starts both pumps. Call once. */
  void start() {
    toUpstream.start();
    toClient.start();
  }

  private void pump(Socket from, Socket to, boolean towardsUpstream) {
    byte[] buffer = new byte[CHUNK];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      boolean queued = false;
      while (true) {
        int n = in.read(buffer);
        if (n < 0) {
          to.shutdownOutput();
          break;
        }
        if (towardsUpstream) {
          schedule.awaitToUpstream(n, queued);
        } else {
          schedule.awaitToClient(n, queued);
        }
        out.write(buffer, 0, n);
        // Bytes already waiting now kept the link busy while this chunk went: the schedule may then make up the time
        // this thread lost waking up and writing.
        queued = in.available() > 0;
      }
    } catch (IOException e) {
      abort();
    } catch (InterruptedException e) {
      // Only abort() interrupts a pump; the thread ends here, so the flag has no one left to tell.
      abort();
    } finally {
      if (running.decrementAndGet() == 0) {
        closeQuietly(false);
      }
    }
  }

  /** Resets both sockets and stops both pumps; idempotent. */
  void abort() {
    closeQuietly(true);
    toUpstream.interrupt();
    toClient.interrupt();
  }

  /**
   * Waits up to {@code millis} for both pumps to end.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  void join(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    for (Thread pump : new Thread[] {toUpstream, toClient}) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left > 0) {
        pump.join(left);
      }
    }
  }

  private void closeQuietly(boolean reset) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    for (Socket socket : new Socket[] {client, upstream}) {
      try {
        if (reset && !socket.isClosed()) {
          socket.setSoLinger(true, 0);
        }
      } catch (IOException e) {
        // Already broken: closing it below is all that is left to do.
      }
      try {
        socket.close();
      } catch (IOException e) {
        // Nothing to tell: the connection is over either way.
      }
    }
    onEnd.accept(this);
  }
}
