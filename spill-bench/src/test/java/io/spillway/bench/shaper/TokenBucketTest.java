package io.spillway.bench.shaper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
  private static final long RATE = 64L << 20;
  private static final long SECOND = 1_000_000_000L;
  private static final int CATCH_UP = 256 * 1024;

  @Test
  void take_freshLink_releasesNBytesNoEarlierThanNOverRate() {
    TokenBucket bucket = new TokenBucket(RATE, CATCH_UP, 0);
    SplittableRandom random = new SplittableRandom(3);
    long now = 0;
    long sent = 0;
    int chunks = 0;
    while (sent < 8L << 20) {
      int n = 1 + random.nextInt(64 * 1024);
      now = bucket.take(now, n);
      sent += n;
      chunks++;
      // Each release is no earlier than the bytes so far take at the rate, and late by rounding only (1 ns a chunk).
      assertThat(now * RATE).isGreaterThanOrEqualTo(sent * SECOND);
      assertThat(now).isLessThanOrEqualTo(sent * SECOND / RATE + chunks);
    }
  }

  @Test
  void take_bytesReadyLate_startWhenReady() {
    TokenBucket bucket = new TokenBucket(RATE, CATCH_UP, 0);
    assertThat(bucket.take(0, 1 << 20)).isEqualTo(SECOND / 64);
    assertThat(bucket.take(SECOND, 1 << 20)).isEqualTo(SECOND + SECOND / 64);
  }

  @Test
  void take_afterIdle_savesNothing() {
    TokenBucket bucket = new TokenBucket(RATE, CATCH_UP, 0);
    // A rested link is no faster: the chunk still takes its own time.
    assertThat(bucket.take(10 * SECOND, CATCH_UP)).isEqualTo(10 * SECOND + CATCH_UP * SECOND / RATE);
  }

  @Test
  void takeQueued_behindSchedule_catchesUpAtMostTheAllowance() {
    TokenBucket bucket = new TokenBucket(RATE, CATCH_UP, 0);
    bucket.take(0, 64 * 1024);
    // Queued bytes met a pump that woke 10 s late: one allowance goes at once, the rest at the rate.
    long release = bucket.takeQueued(10 * SECOND, 3 * CATCH_UP);
    assertThat(release * RATE).isGreaterThanOrEqualTo(10 * SECOND * RATE + 2L * CATCH_UP * SECOND);
    assertThat(release).isLessThanOrEqualTo(10 * SECOND + 2L * CATCH_UP * SECOND / RATE + 1);
  }

  @Test
  void takeQueued_pumpLateByLessThanAChunk_keepsTheRate() {
    int chunk = 64 * 1024;
    long chunkNanos = chunk * SECOND / RATE;
    TokenBucket queued = new TokenBucket(RATE, CATCH_UP, 0);
    TokenBucket idle = new TokenBucket(RATE, CATCH_UP, 0);
    long queuedNow = 0;
    long idleNow = 0;
    for (int i = 0; i < 64; i++) {
      // The pump wakes half a chunk's time after each release.
      queuedNow = i == 0 ? queued.take(queuedNow, chunk) : queued.takeQueued(queuedNow + chunkNanos / 2, chunk);
      idleNow = idle.take(idleNow + (i == 0 ? 0 : chunkNanos / 2), chunk);
    }
    long total = 64L * chunk * SECOND / RATE;
    assertThat(queuedNow).isBetween(total, total + 64);
    // Without the allowance every late wake-up would be lost: a third slower here.
    assertThat(idleNow).isGreaterThan(total + 60 * chunkNanos / 2);
  }

  @Test
  void takeAny_anyWindow_releasesAtMostAllowancePlusRateTimesLength() {
    TokenBucket bucket = new TokenBucket(RATE, CATCH_UP, 0);
    SplittableRandom random = new SplittableRandom(17);
    List<long[]> releases = new ArrayList<>();
    long ready = 0;
    for (int i = 0; i < 2_000; i++) {
      // Bytes arrive in bursts and pauses, sometimes behind the schedule, sometimes ahead of it.
      ready += random.nextInt(4) == 0 ? random.nextLong(5_000_000) : 0;
      int n = 1 + random.nextInt(CATCH_UP);
      long release = random.nextBoolean() ? bucket.takeQueued(ready, n) : bucket.take(ready, n);
      assertThat(release).isGreaterThanOrEqualTo(ready);
      releases.add(new long[] {release, n});
      ready = Math.max(ready, release - random.nextLong(200_000));
    }
    for (int i = 0; i < releases.size(); i++) {
      long bytes = 0;
      for (int j = i; j < Math.min(releases.size(), i + 300); j++) {
        bytes += releases.get(j)[1];
        long window = releases.get(j)[0] - releases.get(i)[0];
        // One nanosecond of slack: release times are whole nanoseconds, rounded up.
        assertThat(bytes * SECOND).isLessThanOrEqualTo(CATCH_UP * SECOND + RATE * (window + 1));
      }
    }
  }

  @Test
  void new_badSizes_fail() {
    assertThatThrownBy(() -> new TokenBucket(0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenBucket(1, -1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenBucket(1, 0, 0).take(0, -1)).isInstanceOf(IllegalArgumentException.class);
  }
}
