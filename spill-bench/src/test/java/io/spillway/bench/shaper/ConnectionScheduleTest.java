package io.spillway.bench.shaper;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

class ConnectionScheduleTest {
  private static final long MS = 1_000_000L;
  private static final long SECOND = 1_000_000_000L;
  private static final long RATE = 64L << 20;
  private static final Shaping SHAPING = new Shaping(Duration.ofMillis(20), RATE);
  private static final int CHUNK = ShapedConnection.CHUNK;

  private final FakeClock clock = new FakeClock();
  private final LongAdder requests = new LongAdder();
  private final ConnectionSchedule schedule =
      new ConnectionSchedule(SHAPING, ShapedConnection.CATCH_UP, clock, requests);

  /** The time {@code bytes} take on the link, rounded up as the bucket does. */
  private static long nanos(long bytes) {
    return (bytes * SECOND + RATE - 1) / RATE;
  }

  @Test
  void awaitToClient_firstResponseBytes_heldUntilLatencyAfterRequestStart() throws InterruptedException {
    schedule.awaitToUpstream(500, false);
    clock.advance(3 * MS); // the upstream answers quickly
    schedule.awaitToClient(400, false);
    // The latency, then the chunk's own time on the link.
    assertThat(clock.nanoTime()).isEqualTo(20 * MS + nanos(400));
  }

  @Test
  void awaitToClient_restOfResponse_paysNoLatencyAgain() throws InterruptedException {
    schedule.awaitToUpstream(500, false);
    schedule.awaitToClient(400, false);
    clock.advance(MS);
    long before = clock.nanoTime();
    schedule.awaitToClient(400, false);
    assertThat(clock.nanoTime()).isEqualTo(before + nanos(400));
  }

  @Test
  void awaitToClient_keepAliveConnection_paysLatencyOncePerRequest() throws InterruptedException {
    for (int request = 0; request < 5; request++) {
      clock.advance(7 * MS); // the client thinks between requests
      long start = clock.nanoTime();
      schedule.awaitToUpstream(300, false);
      schedule.awaitToUpstream(300, true); // a request in two reads is still one request
      clock.advance(MS);
      schedule.awaitToClient(200, false);
      assertThat(clock.nanoTime()).isEqualTo(start + 20 * MS + nanos(200));
      schedule.awaitToClient(200, true);
      assertThat(clock.nanoTime()).isEqualTo(start + 20 * MS + 2 * nanos(200));
    }
    assertThat(requests.sum()).isEqualTo(5);
  }

  @Test
  void awaitToClient_slowUpstream_latencyOverlapsItsTime() throws InterruptedException {
    schedule.awaitToUpstream(500, false);
    clock.advance(50 * MS); // the upstream takes longer than the latency to answer
    long answered = clock.nanoTime();
    schedule.awaitToClient(400, false);
    assertThat(clock.nanoTime()).isEqualTo(answered + nanos(400));
  }

  @Test
  void awaitToClient_bytesWithNoRequestWaiting_payNoLatency() throws InterruptedException {
    clock.advance(5 * MS);
    schedule.awaitToClient(100, false);
    assertThat(clock.nanoTime()).isEqualTo(5 * MS + nanos(100));
  }

  @Test
  void awaitToClient_responseQueuedBehindLatency_gainsNothingFromTheWait() throws InterruptedException {
    schedule.awaitToUpstream(500, false);
    clock.advance(MS);
    // Even if the response's bytes were already queued, the latency is not time the link fell behind.
    schedule.awaitToClient(CHUNK, true);
    assertThat(clock.nanoTime()).isEqualTo(20 * MS + nanos(CHUNK));
  }

  @Test
  void awaitToUpstream_largeRequest_releasedNoEarlierThanBytesOverRate() throws InterruptedException {
    long total = 4L << 20;
    for (long sent = 0; sent < total; sent += CHUNK) {
      schedule.awaitToUpstream(CHUNK, sent > 0);
    }
    long chunks = total / CHUNK;
    assertThat(clock.nanoTime() * RATE).isGreaterThanOrEqualTo(total * SECOND);
    assertThat(clock.nanoTime()).isLessThanOrEqualTo(total * SECOND / RATE + chunks);
  }

  @Test
  void awaitToClient_largeResponse_latencyThenBandwidth() throws InterruptedException {
    schedule.awaitToUpstream(500, false);
    long total = 4L << 20;
    for (long sent = 0; sent < total; sent += CHUNK) {
      schedule.awaitToClient(CHUNK, sent > 0);
    }
    long rest = total * SECOND / RATE;
    assertThat(clock.nanoTime()).isBetween(20 * MS + rest, 20 * MS + rest + total / CHUNK);
  }

  @Test
  void awaitToClient_afterLongUpload_clientDirectionIsNotBusyWithIt() throws InterruptedException {
    long total = 4L << 20;
    for (long sent = 0; sent < total; sent += CHUNK) {
      schedule.awaitToUpstream(CHUNK, sent > 0);
    }
    long uploaded = clock.nanoTime(); // 62.5 ms: past the latency, which the upload overlapped
    schedule.awaitToClient(CHUNK, false);
    // The answer takes its own chunk time only: the upload used the other direction's bandwidth.
    assertThat(clock.nanoTime()).isEqualTo(uploaded + nanos(CHUNK));
  }
}
