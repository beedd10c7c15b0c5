package io.spillway.bench.shaper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A TCP proxy in this JVM that makes a local server behave like a distant one: it listens on 127.0.0.1, forwards
 * each accepted connection to an upstream address, and shapes <em>each connection</em> by a {@link Shaping} — every
 * response reaches the client no earlier than the latency after its request began, and each direction moves at
 * most the bandwidth (see {@link ConnectionSchedule} for the exact rules). The S3 benchmarks put it in front of the
 * in-process S3 server so that a single request pays what it pays against AWS S3, where one connection is slow and
 * parallel ones add up.
 *
 * <pre>{@code
 * try (ShapedProxy proxy = ShapedProxy.start(new InetSocketAddress("127.0.0.1", s3Port), Shaping.defaults())) {
 *   URI endpoint = proxy.endpoint();   // http://127.0.0.1:<port>, for s3.endpoint
 *   ...
 * }
 * }</pre>
 *
 * <p>Bytes pass unchanged; an end of stream on one side becomes a half-close of the other, an error on one side a
 * reset of both. Connecting to the upstream is not shaped (no handshake latency). Each connection costs two
 * platform daemon threads. Not a general proxy: no limit on connections, no timeouts of its own.
 *
 * <p>Thread-safe. {@link #close()} stops listening and resets every open connection.
 */
public final class ShapedProxy implements AutoCloseable {
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  private static final long CLOSE_WAIT_MILLIS = 5_000;
  private static final AtomicInteger PROXIES = new AtomicInteger();

  private final ServerSocket listener;
  private final InetSocketAddress upstream;
  private final Shaping shaping;
  private final PaceClock clock;
  private final String name;
  private final Set<ShapedConnection> connections = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private final LongAdder requests = new LongAdder();
  private final Thread acceptor;
  private volatile boolean closed;

  private ShapedProxy(ServerSocket listener, InetSocketAddress upstream, Shaping shaping, PaceClock clock) {
    this.listener = listener;
    this.upstream = upstream;
    this.shaping = shaping;
    this.clock = clock;
    this.name = "shaped-proxy-" + PROXIES.incrementAndGet();
    this.acceptor = new Thread(this::acceptLoop, name + "-accept");
    acceptor.setDaemon(true);
  }

  /**
   * Listens on a free port of 127.0.0.1 and forwards every connection to {@code upstream}, shaped by {@code shaping}.
   *
   * @throws IOException if no port can be bound
   */
  public static ShapedProxy start(InetSocketAddress upstream, Shaping shaping) throws IOException {
    Objects.requireNonNull(upstream, "upstream");
    Objects.requireNonNull(shaping, "shaping");
    ServerSocket listener = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    ShapedProxy proxy = new ShapedProxy(listener, upstream, shaping, PaceClock.SYSTEM);
    proxy.acceptor.start();
    return proxy;
  }

  /** The port the proxy listens on, on 127.0.0.1. */
  public int port() {
    return listener.getLocalPort();
  }

  /** {@code http://127.0.0.1:<port>}: the address to give a client instead of the upstream's. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port());
  }

  /** The shaping of every connection. */
  public Shaping shaping() {
    return shaping;
  }

  /** Connections accepted so far, for tests and reports. */
  public int acceptedConnections() {
    return accepted.get();
  }

  /**
   * Requests seen so far over all connections, as the latency counts them (see {@link ConnectionSchedule}): each
   * paid the time to first byte once. An HTTP request sent with {@code Expect: 100-continue} counts twice.
   */
  public long requests() {
    return requests.sum();
  }

  /** Connections whose sockets are not closed yet. */
  public int openConnections() {
    return connections.size();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        // close() closed the listener; any other failure of accept() leaves nothing to serve either.
        return;
      }
      accepted.incrementAndGet();
      try {
        serve(client);
      } catch (IOException e) {
        // The upstream refused or timed out: the client sees its connection reset, as it would see a refusal.
        resetQuietly(client);
      }
    }
  }

  private void serve(Socket client) throws IOException {
    Socket server = new Socket();
    try {
      // Small writes must not wait for the peer's delayed acknowledgement (Nagle): the shaping sets the delays.
      client.setTcpNoDelay(true);
      server.setTcpNoDelay(true);
      server.connect(upstream, CONNECT_TIMEOUT_MILLIS);
    } catch (IOException e) {
      resetQuietly(server);
      throw e;
    }
    ShapedConnection connection = new ShapedConnection(client, server,
        new ConnectionSchedule(shaping, ShapedConnection.CATCH_UP, clock, requests), name + "-" + accepted.get(),
        connections::remove);
    connections.add(connection);
    connection.start();
    if (closed) {
      // close() may have gone over the set before this connection joined it.
      connection.abort();
    }
  }

  private static void resetQuietly(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
    } catch (IOException e) {
      // Unconnected or broken: a plain close is all there is.
    }
    try {
      socket.close();
    } catch (IOException e) {
      // Nothing left to release.
    }
  }

  /**
   * Stops listening, resets every open connection and waits (a few seconds at most) for their threads to end.
   * Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      // The listener is unusable either way.
    }
    List<ShapedConnection> open = new ArrayList<>(connections);
    for (ShapedConnection connection : open) {
      connection.abort();
    }
    try {
      acceptor.join(CLOSE_WAIT_MILLIS);
      for (ShapedConnection connection : open) {
        connection.join(CLOSE_WAIT_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "ShapedProxy[127.0.0.1:" + port() + " -> " + upstream + ", " + shaping.describe() + "; " + accepted.get()
        + " connections, " + requests() + " requests so far]";
  }
}
