package io.spillway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.CorruptSegmentException;
import io.spillway.api.CorruptSegmentException.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link ChunkWork}: every chunk once, the caller never waiting for a chunk nobody took, failures kept. */
class ChunkWorkTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(3);

  @AfterEach
  void shutDown() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void everyChunkRunsExactlyOnce_withAWorkerPerThread() throws Exception {
    ChunkWork work = ChunkWork.using(pool, 3);
    for (int chunks : new int[] {0, 1, 7, 8, 64, 1000}) {
      AtomicIntegerArray runs = new AtomicIntegerArray(Math.max(1, chunks));
      Set<Object> workers = ConcurrentHashMap.newKeySet();
      Set<Thread> threads = ConcurrentHashMap.newKeySet();
      work.run(chunks, () -> new Object[] {Thread.currentThread()}, (worker, i) -> {
        assertThat(worker[0]).as("a worker is its thread's own").isSameAs(Thread.currentThread());
        workers.add(worker);
        threads.add(Thread.currentThread());
        runs.incrementAndGet(i);
      });
      for (int i = 0; i < chunks; i++) {
        assertThat(runs.get(i)).as("chunk %d of %d", i, chunks).isEqualTo(1);
      }
      assertThat(workers).hasSameSizeAs(threads);
      if (chunks < ChunkWork.MIN_PARALLEL_CHUNKS) {
        assertThat(threads).as("%d chunks: the caller alone", chunks).isSubsetOf(Thread.currentThread());
      }
    }
  }

  @Test
  @Timeout(30)
  void helpersThatNeverRun_orAreRefused_leaveTheCallerToRunEveryChunk() throws Exception {
    List<Runnable> neverRun = new ArrayList<>();
    ChunkWork queued = ChunkWork.using(neverRun::add, 3);
    ChunkWork refused = ChunkWork.using(task -> {
      throw new RejectedExecutionException("saturated");
    }, 3);
    for (ChunkWork work : List.of(queued, refused)) {
      AtomicIntegerArray runs = new AtomicIntegerArray(64);
      work.run(64, Object::new, (worker, i) -> {
        assertThat(Thread.currentThread()).isSameAs(callerThread);
        runs.incrementAndGet(i);
      });
      for (int i = 0; i < 64; i++) {
        assertThat(runs.get(i)).isEqualTo(1);
      }
    }
    assertThat(neverRun).hasSize(3);
    // A helper that starts after the last chunk was taken does nothing.
    neverRun.forEach(Runnable::run);
  }

  private final Thread callerThread = Thread.currentThread();

  @Test
  void aChunksException_isThrownToTheCaller_afterTheOtherChunksEnded() {
    ChunkWork work = ChunkWork.using(pool, 3);
    AtomicIntegerArray runs = new AtomicIntegerArray(64);
    assertThatThrownBy(() -> work.run(64, Object::new, (worker, i) -> {
      runs.incrementAndGet(i);
      if (i == 17) {
        throw new AEADBadTagException("chunk 17");
      }
    })).isInstanceOf(AEADBadTagException.class).hasMessage("chunk 17");
    for (int i = 0; i < 64; i++) {
      assertThat(runs.get(i)).as("chunk %d ran at most once", i).isLessThanOrEqualTo(1);
    }
  }

  @Test
  void framesSealedAndOpenedOnSeveralThreads_roundTrip_andAnAlteredMiddleChunkFailsAuthentication() {
    FrameEncryption encryption = new FrameEncryption(FrameCipher.withRandomKey(), ChunkWork.using(pool, 3));
    byte[] header = {1, 2, 3, 4, 5};
    int chunk = FrameEncryption.CHUNK;
    for (int length : new int[] {40 * chunk, 40 * chunk - 3, 9 * chunk}) {
      byte[] plain = new byte[length];
      new SplittableRandom(length).nextBytes(plain);
      byte[] region = new byte[FrameEncryption.sealedLength(length)];
      long serial = encryption.seal(header, plain, 0, length, region);

      assertThat(encryption.open("s", header, region, 0, region.length, serial)).isEqualTo(plain);
      byte[] altered = region.clone();
      altered[FrameCipher.NONCE_BYTES + 5 * (FrameEncryption.CHUNK + FrameCipher.TAG_BYTES) + 99] ^= 1;
      assertThatThrownBy(() -> encryption.open("s", header, altered, 0, altered.length, serial))
          .isInstanceOfSatisfying(CorruptSegmentException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.AUTHENTICATION_FAILED));
    }
  }
}
