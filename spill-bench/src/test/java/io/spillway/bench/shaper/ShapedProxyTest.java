package io.spillway.bench.shaper;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShapedProxyTest {
  private static final int READ_TIMEOUT_MILLIS = 20_000;

  private final ExecutorService upstreamThreads = Executors.newCachedThreadPool();
  private ServerSocket upstream;

  @BeforeEach
  void listen() throws IOException {
    upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }

  @AfterEach
  void stop() throws IOException {
    upstream.close();
    upstreamThreads.shutdownNow();
  }

  private InetSocketAddress upstreamAddress() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), upstream.getLocalPort());
  }

  private static byte[] random(int length, long seed) {
    byte[] bytes = new byte[length];
    new SplittableRandom(seed).nextBytes(bytes);
    return bytes;
  }

  private static Socket connect(ShapedProxy proxy) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    return socket;
  }

  /** Accepts one connection and runs {@code exchange} on it in an upstream thread. */
  private <T> CompletableFuture<T> serveOnce(IoFunction<Socket, T> exchange) {
    return CompletableFuture.supplyAsync(() -> {
      try (Socket socket = upstream.accept()) {
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        return exchange.apply(socket);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, upstreamThreads);
  }

  @FunctionalInterface
  private interface IoFunction<A, R> {
    R apply(A a) throws IOException;
  }

  @Test
  void proxy_megabytesBothWays_passUnchangedAndEndsOfStreamPropagate() throws Exception {
    byte[] request = random(4 << 20, 1);
    byte[] response = random(3 << 20, 2);
    // The upstream reads to the end of stream, which only the client's half-close can give it, then answers and
    // closes: the client reads to an end of stream, which only the upstream's close can give it.
    CompletableFuture<byte[]> received = serveOnce(socket -> {
      byte[] got = socket.getInputStream().readAllBytes();
      socket.getOutputStream().write(response);
      return got;
    });
    try (ShapedProxy proxy = ShapedProxy.start(upstreamAddress(), Shaping.defaults());
        Socket client = connect(proxy)) {
      client.getOutputStream().write(request);
      client.shutdownOutput();
      byte[] answer = client.getInputStream().readAllBytes();
      assertThat(received.get(30, TimeUnit.SECONDS)).isEqualTo(request);
      assertThat(answer).isEqualTo(response);
      assertThat(proxy.acceptedConnections()).isEqualTo(1);
    }
  }

  @Test
  void proxy_upstreamHalfClosesFirst_clientStillSendsAndUpstreamReadsAll() throws Exception {
    byte[] greeting = random(100_000, 3);
    byte[] upload = random(1 << 20, 4);
    CompletableFuture<byte[]> received = serveOnce(socket -> {
      socket.getOutputStream().write(greeting);
      socket.shutdownOutput();
      return socket.getInputStream().readAllBytes();
    });
    try (ShapedProxy proxy = ShapedProxy.start(upstreamAddress(), Shaping.defaults());
        Socket client = connect(proxy)) {
      assertThat(client.getInputStream().readAllBytes()).isEqualTo(greeting);
      client.getOutputStream().write(upload);
      client.shutdownOutput();
      assertThat(received.get(30, TimeUnit.SECONDS)).isEqualTo(upload);
    }
  }

  @Test
  void proxy_keepAliveExchanges_eachAnswerComplete() throws Exception {
    int rounds = 20;
    CompletableFuture<Integer> served = serveOnce(socket -> {
      InputStream in = socket.getInputStream();
      int count = 0;
      for (int b = in.read(); b >= 0; b = in.read()) {
        socket.getOutputStream().write(random(10_000 + b, b));
        count++;
      }
      return count;
    });
    try (ShapedProxy proxy = ShapedProxy.start(upstreamAddress(), Shaping.parse("1ms", "64MiB"));
        Socket client = connect(proxy)) {
      for (int i = 0; i < rounds; i++) {
        client.getOutputStream().write(i);
        assertThat(client.getInputStream().readNBytes(10_000 + i)).isEqualTo(random(10_000 + i, i));
      }
      client.shutdownOutput();
      assertThat(client.getInputStream().read()).isEqualTo(-1);
      assertThat(served.get(30, TimeUnit.SECONDS)).isEqualTo(rounds);
      assertThat(proxy.requests()).isEqualTo(rounds);
    }
  }

  @Test
  void close_openConnection_endsBothSides() throws Exception {
    CompletableFuture<Boolean> upstreamEnded = serveOnce(socket -> {
      InputStream in = socket.getInputStream();
      socket.getOutputStream().write(in.read());
      return endsOrFails(in);
    });
    ShapedProxy proxy = ShapedProxy.start(upstreamAddress(), Shaping.parse("0", "64MiB"));
    try (Socket client = connect(proxy)) {
      client.getOutputStream().write(42);
      assertThat(client.getInputStream().read()).isEqualTo(42); // the connection is through, both ways
      assertThat(proxy.openConnections()).isEqualTo(1);
      proxy.close();
      assertThat(endsOrFails(client.getInputStream())).isTrue();
      assertThat(upstreamEnded.get(30, TimeUnit.SECONDS)).isTrue();
      assertThat(proxy.openConnections()).isZero();
    } finally {
      proxy.close();
    }
  }

  @Test
  void proxy_upstreamDown_clientConnectionEnds() throws Exception {
    int port = upstream.getLocalPort();
    upstream.close();
    try (ShapedProxy proxy = ShapedProxy.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
        Shaping.defaults());
        Socket client = connect(proxy)) {
      assertThat(endsOrFails(client.getInputStream())).isTrue();
    }
  }

  /** True once {@code in} reports an end of stream or a reset; fails the test on data or a read timeout. */
  private static boolean endsOrFails(InputStream in) throws IOException {
    try {
      return in.read() < 0;
    } catch (SocketException e) {
      return true; // a reset: the connection ended
    }
  }
}
