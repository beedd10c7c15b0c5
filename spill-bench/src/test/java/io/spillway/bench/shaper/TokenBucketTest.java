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

  @Test
  void take_freshBucket_releasesNBytesNoEarlierThanNOverRate() {
    TokenBucket bucket = new TokenBucket(RATE, 0, 0);
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
  void take_bytesReadyLate_releasedWhenReady() {
    TokenBucket bucket = new TokenBucket(RATE, 0, 0);
    long first = bucket.take(0, 1 << 20);
    assertThat(first).isEqualTo(SECOND / 64);
    // Ready long after the link went idle: no tokens are owed, and with no burst the chunk takes its own time.
    assertThat(bucket.take(SECOND, 1 << 20)).isEqualTo(SECOND + SECOND / 64);
  }

  @Test
  void take_afterIdle_releasesUpToTheBurstAtOnce() {
    int burst = 64 * 1024;
    TokenBucket bucket = new TokenBucket(RATE, burst, 0);
    assertThat(bucket.take(SECOND, burst)).isEqualTo(SECOND);
    // The bucket is empty now: one more byte waits for its token.
    assertThat(bucket.take(SECOND, 1)).isGreaterThan(SECOND);
  }

  @Test
  void take_afterLongIdle_savesNoMoreThanTheBurst() {
    int burst = 64 * 1024;
    TokenBucket bucket = new TokenBucket(RATE, burst, 0);
    long release = bucket.take(10 * SECOND, 3 * burst);
    // Ten idle seconds are worth one burst: the other two bursts' worth go at the rate.
    assertThat(release * RATE).isGreaterThanOrEqualTo(10 * SECOND * RATE + 2L * burst * SECOND);
    assertThat(release).isLessThanOrEqualTo(10 * SECOND + 2L * burst * SECOND / RATE + 1);
  }

  @Test
  void take_anyWindow_releasesAtMostBurstPlusRateTimesLength() {
    int burst = 64 * 1024;
    TokenBucket bucket = new TokenBucket(RATE, burst, 0);
    SplittableRandom random = new SplittableRandom(17);
    List<long[]> releases = new ArrayList<>();
    long ready = 0;
    for (int i = 0; i < 2_000; i++) {
      // Bytes arrive in bursts and pauses, sometimes behind the schedule, sometimes ahead of it.
      ready += random.nextInt(4) == 0 ? random.nextLong(5_000_000) : 0;
      int n = 1 + random.nextInt(burst);
      long release = bucket.take(ready, n);
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
        assertThat(bytes * SECOND).isLessThanOrEqualTo(burst * SECOND + RATE * (window + 1));
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
