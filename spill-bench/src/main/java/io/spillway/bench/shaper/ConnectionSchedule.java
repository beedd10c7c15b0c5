package io.spillway.bench.shaper;

import java.util.concurrent.atomic.LongAdder;

/**
 * When bytes read from one side of a proxied connection may be written to the other: the time to first byte of
 * each response, and the bandwidth of each direction.
 *
 * <p><b>Latency, per request.</b> The proxy does not parse the protocol; it sees a request/response exchange as
 * HTTP/1.1 produces it on a keep-alive connection. A <em>request</em> starts with the first bytes the client sends
 * while no request is waiting for its response (on a new connection, or once the previous response has begun).
 * The first bytes the upstream sends while a request waits are the start of its <em>response</em>: they are released
 * no earlier than {@code latency} after the request's first byte was read, and the connection has no request
 * waiting again. Further bytes of the response, and upstream bytes sent while no request waits, pay no latency.
 * So each request on a keep-alive connection pays the latency once, as S3's time to first byte, and a request's
 * upload overlaps the latency rather than adding to it (time to first byte measured from the request's start).
 * An interim response counts as a response: a PUT sent with {@code Expect: 100-continue} pays the latency for
 * {@code 100 Continue} and again for the final response, as it pays a round trip twice on a real network.
 *
 * <p><b>Bandwidth, per direction.</b> Each direction has its own {@link TokenBucket} of the shaping's rate, idle with
 * the connection. The first bytes of a response start on the link when the latency lets them go, and never count as
 * queued: the latency is not a time the link fell behind.
 *
 * <p>Thread-safe for its intended use: one thread calls {@link #awaitToUpstream}, another {@link #awaitToClient};
 * each bucket belongs to one of them, and the request state they share is guarded by this object's lock.
 */
final class ConnectionSchedule {
  private final long latencyNanos;
  private final PaceClock clock;
  private final TokenBucket toUpstream;
  private final TokenBucket toClient;
  private final LongAdder requests;
  private boolean requestWaiting; // guarded by this
  private long requestStart; // guarded by this

  /**
   * @param catchUpBytes what queued bytes may gain on the rate to make up for a late pump (see {@link TokenBucket})
   * @param requests counts every request this connection sees start (shared by the proxy's connections)
   */
  ConnectionSchedule(Shaping shaping, long catchUpBytes, PaceClock clock, LongAdder requests) {
    this.latencyNanos = shaping.latency().toNanos();
    this.clock = clock;
    this.requests = requests;
    long now = clock.nanoTime();
    this.toUpstream = new TokenBucket(shaping.bytesPerSecond(), catchUpBytes, now);
    this.toClient = new TokenBucket(shaping.bytesPerSecond(), catchUpBytes, now);
  }

  /**
   * Called with {@code bytes} just read from the client; returns when they may be written upstream.
   *
   * @param queued whether the bytes were already waiting to be read when the previous chunk had been written
   * @throws InterruptedException if interrupted while waiting
   */
  void awaitToUpstream(int bytes, boolean queued) throws InterruptedException {
    long now = clock.nanoTime();
    clientSent(now);
    clock.sleepUntil(queued ? toUpstream.takeQueued(now, bytes) : toUpstream.take(now, bytes));
  }

  /**
   * Called with {@code bytes} just read from the upstream; returns when they may be written to the client.
   *
   * @param queued whether the bytes were already waiting to be read when the previous chunk had been written
   * @throws InterruptedException if interrupted while waiting
   */
  void awaitToClient(int bytes, boolean queued) throws InterruptedException {
    long now = clock.nanoTime();
    long notBefore = upstreamSent(now);
    if (notBefore > Long.MIN_VALUE) {
      clock.sleepUntil(toClient.take(Math.max(now, notBefore), bytes));
    } else {
      clock.sleepUntil(queued ? toClient.takeQueued(now, bytes) : toClient.take(now, bytes));
    }
  }

  /** Marks the start of a request if none is waiting. */
  private synchronized void clientSent(long now) {
    if (!requestWaiting) {
      requestWaiting = true;
      requestStart = now;
      requests.increment();
    }
  }

  /**
   * If upstream bytes read now start the response to a waiting request, its start plus the latency, and no request
   * waits any more; else {@link Long#MIN_VALUE}.
   */
  private synchronized long upstreamSent(long now) {
    if (!requestWaiting) {
      return Long.MIN_VALUE;
    }
    requestWaiting = false;
    return requestStart + latencyNanos;
  }
}
