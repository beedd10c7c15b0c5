package io.spillway.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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

/** {@link SharedLoop}: every index once, the caller never waiting for one nobody took, failures kept. */
class SharedLoopTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(3);

  @AfterEach
  void shutDown() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void everyChunkRunsExactlyOnce_withAWorkerPerThread() throws Exception {
    SharedLoop work = SharedLoop.on(pool, 3, 8, 4);
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
      if (chunks < 8) {
        assertThat(threads).as("%d chunks: the caller alone", chunks).isSubsetOf(Thread.currentThread());
      }
    }
  }

  @Test
  @Timeout(30)
  void helpersThatNeverRun_orAreRefused_leaveTheCallerToRunEveryChunk() throws Exception {
    List<Runnable> neverRun = new ArrayList<>();
    SharedLoop queued = SharedLoop.on(neverRun::add, 3, 8, 4);
    SharedLoop refused = SharedLoop.on(task -> {
      throw new RejectedExecutionException("saturated");
    }, 3, 8, 4);
    for (SharedLoop work : List.of(queued, refused)) {
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
  void anIndexsException_isThrownToTheCaller_afterEveryOtherIndexRan() {
    SharedLoop work = SharedLoop.on(pool, 3, 8, 4);
    AtomicIntegerArray runs = new AtomicIntegerArray(64);
    assertThatThrownBy(() -> work.run(64, Object::new, (worker, i) -> {
      runs.incrementAndGet(i);
      if (i == 17) {
        throw new AEADBadTagException("chunk 17");
      }
    })).isInstanceOf(AEADBadTagException.class).hasMessage("chunk 17");
    for (int i = 0; i < 64; i++) {
      assertThat(runs.get(i)).as("chunk %d ran once", i).isEqualTo(1);
    }
  }
}
