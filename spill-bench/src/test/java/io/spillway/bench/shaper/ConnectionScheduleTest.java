package io.spillway.bench.shaper;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConnectionScheduleTest {
  private static final long MS = 1_000_000L;
  private static final long SECOND = 1_000_000_000L;
  private static final long RATE = 64L << 20;
  private static final Shaping SHAPING = new Shaping(Duration.ofMillis(20), RATE);
  private static final int BURST = 64 * 1024;

  private final FakeClock clock = new FakeClock();
  private final ConnectionSchedule schedule = new ConnectionSchedule(SHAPING, BURST, clock);

  @Test
  void awaitToClient_firstResponseBytes_heldUntilLatencyAfterRequestStart() throws InterruptedException {
    schedule.awaitToUpstream(500);
    clock.advance(3 * MS); // the upstream answers quickly
    schedule.awaitToClient(400);
    assertThat(clock.nanoTime()).isEqualTo(20 * MS);
  }

  @Test
  void awaitToClient_restOfResponse_paysNoLatencyAgain() throws InterruptedException {
    schedule.awaitToUpstream(500);
    schedule.awaitToClient(400);
    clock.advance(MS);
    long before = clock.nanoTime();
    schedule.awaitToClient(400);
    assertThat(clock.nanoTime()).isEqualTo(before);
  }

  @Test
  void awaitToClient_keepAliveConnection_paysLatencyOncePerRequest() throws InterruptedException {
    for (int request = 0; request < 5; request++) {
      clock.advance(7 * MS); // the client thinks between requests
      long start = clock.nanoTime();
      schedule.awaitToUpstream(300);
      schedule.awaitToUpstream(300); // a request in two reads is still one request
      clock.advance(MS);
      schedule.awaitToClient(200);
      assertThat(clock.nanoTime()).isEqualTo(start + 20 * MS);
      schedule.awaitToClient(200);
      assertThat(clock.nanoTime()).isEqualTo(start + 20 * MS);
    }
  }

  @Test
  void awaitToClient_slowUpstream_latencyOverlapsItsTime() throws InterruptedException {
    schedule.awaitToUpstream(500);
    clock.advance(50 * MS); // the upstream takes longer than the latency to answer
    long answered = clock.nanoTime();
    schedule.awaitToClient(400);
    assertThat(clock.nanoTime()).isEqualTo(answered);
  }

  @Test
  void awaitToClient_bytesWithNoRequestWaiting_payNoLatency() throws InterruptedException {
    clock.advance(5 * MS);
    schedule.awaitToClient(100);
    assertThat(clock.nanoTime()).isEqualTo(5 * MS);
  }

  @Test
  void awaitToUpstream_largeRequest_releasedNoEarlierThanBytesOverRate() throws InterruptedException {
    long total = 4L << 20;
    for (long sent = 0; sent < total; sent += ShapedConnection.CHUNK) {
      schedule.awaitToUpstream(ShapedConnection.CHUNK);
    }
    long chunks = total / ShapedConnection.CHUNK;
    assertThat(clock.nanoTime() * RATE).isGreaterThanOrEqualTo(total * SECOND);
    assertThat(clock.nanoTime()).isLessThanOrEqualTo(total * SECOND / RATE + chunks);
  }

  @Test
  void awaitToClient_largeResponse_latencyThenBandwidth() throws InterruptedException {
    schedule.awaitToUpstream(500);
    long total = 4L << 20;
    for (long sent = 0; sent < total; sent += ShapedConnection.CHUNK) {
      schedule.awaitToClient(ShapedConnection.CHUNK);
    }
    // The first chunk goes at 20 ms on the tokens gathered while it waited; the rest follow at the rate.
    long rest = (total - BURST) * SECOND / RATE;
    assertThat(clock.nanoTime()).isBetween(20 * MS + rest, 20 * MS + rest + total / BURST);
  }

  @Test
  void awaitBothWays_directionsHaveBandwidthsOfTheirOwn() throws InterruptedException {
    // No latency here: with one, every client chunk sent after an answer began would be a new request to wait for.
    ConnectionSchedule duplex = new ConnectionSchedule(new Shaping(Duration.ZERO, RATE), BURST, clock);
    long total = 4L << 20;
    for (long sent = 0; sent < total; sent += ShapedConnection.CHUNK) {
      duplex.awaitToUpstream(ShapedConnection.CHUNK);
      duplex.awaitToClient(ShapedConnection.CHUNK);
    }
    // 4 MiB each way in the time of 4 MiB one way, not of 8 MiB.
    long oneWay = total * SECOND / RATE;
    assertThat(clock.nanoTime()).isBetween(oneWay, oneWay + 2 * MS);
  }
}
