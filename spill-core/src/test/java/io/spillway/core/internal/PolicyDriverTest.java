package io.spillway.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.spillway.core.testing.IgnoringPolicy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Who drains the access buffer, when, and that a thread alone loses nothing whoever drains. */
class PolicyDriverTest {
  /** A clock that never moves: the policy's calls cost nothing, so its share of a processor is never spent. */
  private static final LongSupplier FROZEN_CLOCK = () -> 0L;
  private static final long SIZE = 10;

  private final Logger logger = (Logger) LoggerFactory.getLogger("PolicyDriverTest." + UUID.randomUUID());
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final CountingPolicy policy = new CountingPolicy();
  private final List<ExecutorService> executors = new ArrayList<>();

  PolicyDriverTest() {
    log.start();
    logger.addAppender(log);
    logger.setLevel(Level.WARN);
  }

  @AfterEach
  void stopExecutors() {
    executors.forEach(ExecutorService::shutdownNow);
  }

  @Test
  void background_schedulesOneDrainTaskAtHalfAStripe_andTheTaskDeliversOnItsThread() {
    QueuedExecutor executor = new QueuedExecutor();
    PolicyDriver driver = new PolicyDriver(policy, logger, executor, FROZEN_CLOCK);
    Segment seg = admitted(driver, "a");
    int threshold = driver.stripeCapacity() / 2;

    record(driver, seg, threshold - 1);
    assertThat(executor.queued()).isZero();
    record(driver, seg, 1);
    assertThat(executor.queued()).isOne();
    record(driver, seg, threshold - 1); // the stripe is now one short of full
    assertThat(executor.queued()).as("one task at a time").isOne();
    assertThat(policy.accesses()).as("the recording thread delivers nothing").isZero();

    Thread drainer = new Thread(executor::runQueued, "drainer");
    drainer.start();
    join(drainer);

    assertThat(policy.accesses()).as("no reader asked for another pass: every access told")
        .isEqualTo(2 * threshold - 1);
    assertThat(policy.accessThreads()).containsExactly("drainer");
    assertThat(driver.droppedAccesses()).isZero();
    assertThat(driver.undeliveredAccesses()).isZero();
  }

  @Test
  void background_aRequestDuringAPass_makesTheTaskPassAgain_andLeavesTheRestOfThePassUntold() {
    QueuedExecutor executor = new QueuedExecutor();
    PolicyDriver driver = new PolicyDriver(policy, logger, executor, FROZEN_CLOCK);
    Segment seg = admitted(driver, "a");
    int threshold = driver.stripeCapacity() / 2;
    // While the task delivers its first pass, the same thread records past the threshold again.
    policy.onFirstAccess = () -> record(driver, seg, threshold);

    record(driver, seg, threshold);
    executor.runQueued();

    assertThat(executor.queued()).as("the second pass ran in the same task").isZero();
    // The reader asked for another pass during the first chunk: the first pass told only that chunk of its stripe.
    int firstChunk = Math.min(AccessDrain.CHUNK, threshold);
    assertThat(policy.accesses()).isEqualTo(firstChunk + threshold);
    assertThat(driver.undeliveredAccesses()).isEqualTo(threshold - firstChunk);
    assertThat(driver.droppedAccesses()).isZero();
    driver.drainedThen(() -> assertThat(driver.accessCount(seg)).as("every access counted").isEqualTo(2L * threshold));
  }

  @Test
  void background_aStripeFullBeforeTheTaskRuns_isDrainedByTheRecordingThread_countingAll_tellingAChunk() {
    QueuedExecutor executor = new QueuedExecutor();
    PolicyDriver driver = new PolicyDriver(policy, logger, executor, FROZEN_CLOCK);
    Segment seg = admitted(driver, "a");
    int capacity = driver.stripeCapacity();

    record(driver, seg, capacity + 1);

    int chunk = Math.min(AccessDrain.CHUNK, capacity);
    assertThat(policy.accesses()).as("the reader tells only the first chunk").isEqualTo(chunk);
    assertThat(driver.undeliveredAccesses()).isEqualTo(capacity - chunk);
    assertThat(policy.accessThreads()).containsExactly(Thread.currentThread().getName());
    assertThat(driver.droppedAccesses()).isZero();
    driver.drainedThen(() -> assertThat(driver.accessCount(seg)).as("every access counted").isEqualTo(capacity + 1));
    assertThat(policy.accesses()).as("the drain before an event tells every access").isEqualTo(chunk + 1);
  }

  @Test
  void background_aStripeFullWhileTheTaskDelivers_waitsForTheTask_ratherThanDropping() throws InterruptedException {
    ExecutorService executor = Executors.newSingleThreadExecutor(task -> new Thread(task, "drainer"));
    executors.add(executor);
    PolicyDriver driver = new PolicyDriver(policy, logger, executor);
    Segment seg = admitted(driver, "a");
    CountDownLatch taskBlocked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    policy.blockOnThread("drainer", taskBlocked, release);
    int total = 50 * driver.stripeCapacity();
    AtomicInteger recorded = new AtomicInteger();
    Thread recorder = new Thread(() -> {
      for (int i = 0; i < total; i++) {
        driver.recordAccess(seg);
        recorded.incrementAndGet();
      }
    }, "recorder");

    recorder.start();
    assertThat(taskBlocked.await(30, TimeUnit.SECONDS)).isTrue();

    // The task holds the policy lock and the recorder's stripe fills: it waits (and drops nothing) until released.
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(10)).until(() -> recorded.get() < total);
    release.countDown();
    join(recorder);

    driver.drainedThen(() -> assertThat(driver.accessCount(seg)).isEqualTo(total));
    assertThat(driver.droppedAccesses()).isZero();
    assertThat(policy.accesses() + driver.undeliveredAccesses()).isEqualTo(total);
  }

  @Test
  void background_rejectedTask_theRecordingThreadDrainsEverything_andTheRejectionIsLoggedOnce() {
    PolicyDriver driver = new PolicyDriver(policy, logger, task -> {
      throw new RejectedExecutionException("queue full");
    });
    Segment seg = admitted(driver, "a");
    int capacity = driver.stripeCapacity();

    record(driver, seg, 3 * capacity);

    assertThat(policy.accesses()).as("each drain due emptied the buffer").isEqualTo(3 * capacity);
    assertThat(policy.accessThreads()).containsExactly(Thread.currentThread().getName());
    assertThat(driver.droppedAccesses()).isZero();
    assertThat(log.list).hasSize(1);
    assertThat(log.list.get(0).getFormattedMessage()).contains("rejected the access drain").contains("queue full");
  }

  @Test
  void background_aTaskRunAfterClose_callsNothingOnThePolicy() {
    QueuedExecutor executor = new QueuedExecutor();
    PolicyDriver driver = new PolicyDriver(policy, logger, executor);
    Segment seg = admitted(driver, "a");
    record(driver, seg, driver.stripeCapacity() / 2);
    assertThat(executor.queued()).isOne();

    driver.close();
    record(driver, seg, 1);
    executor.runQueued();

    assertThat(policy.accesses()).isZero();
  }

  @Test
  void background_schedulesATask_howeverManyThreadsRecord() {
    QueuedExecutor executor = new QueuedExecutor();
    PolicyDriver driver = new PolicyDriver(policy, logger, executor);
    Segment seg = admitted(driver, "a");
    int threshold = driver.stripeCapacity() / 2;
    // Many threads, one after the other, each record once: on stripes of their own, more than the processors.
    for (int t = 0; t < 4 * AccessBuffer.stripesForThisMachine(); t++) {
      Thread recorder = new Thread(() -> driver.recordAccess(seg));
      recorder.start();
      join(recorder);
    }
    record(driver, seg, threshold);
    assertThat(executor.queued()).isOne();
    executor.runQueued();

    record(driver, seg, threshold);
    assertThat(executor.queued()).as("a task again after a pass that saw every stripe recorded into").isOne();
    executor.runQueued();
    assertThat(policy.accesses()).isEqualTo(4 * AccessBuffer.stripesForThisMachine() + 2 * threshold);
    assertThat(driver.droppedAccesses()).isZero();
  }

  @Test
  void inline_neverSchedules_andTheRecordingThreadDrainsAFullStripe() {
    PolicyDriver driver = new PolicyDriver(policy, logger, null);
    Segment seg = admitted(driver, "a");
    int capacity = driver.stripeCapacity();

    record(driver, seg, capacity);
    assertThat(policy.accesses()).isZero();
    record(driver, seg, 1);

    assertThat(policy.accesses()).isEqualTo(capacity);
    assertThat(policy.accessThreads()).containsExactly(Thread.currentThread().getName());
    assertThat(capacity).isEqualTo(PolicyDriver.INLINE_STRIPE_CAPACITY);
  }

  private Segment admitted(PolicyDriver driver, String name) {
    Segment seg = new Segment(name, SIZE);
    driver.admit(seg, SIZE, null);
    return seg;
  }

  private static void record(PolicyDriver driver, Segment seg, int times) {
    for (int i = 0; i < times; i++) {
      driver.recordAccess(seg);
    }
  }

  private static void join(Thread thread) {
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    assertThat(thread.isAlive()).as(thread.getName() + " finished").isFalse();
  }

  /** Holds submitted tasks until the test runs them. */
  private static final class QueuedExecutor implements java.util.concurrent.Executor {
    private final Queue<Runnable> tasks = new ArrayDeque<>();

    @Override
    public synchronized void execute(Runnable task) {
      tasks.add(task);
    }

    synchronized int queued() {
      return tasks.size();
    }

    /** Runs the tasks queued so far, in the calling thread. */
    void runQueued() {
      Runnable task;
      while ((task = poll()) != null) {
        task.run();
      }
    }

    private synchronized Runnable poll() {
      return tasks.poll();
    }
  }

  /** Counts accesses and the threads that delivered them; may block one thread on its first access. */
  private static final class CountingPolicy extends IgnoringPolicy {
    private final AtomicInteger accesses = new AtomicInteger();
    private final Set<String> accessThreads = ConcurrentHashMap.newKeySet();
    volatile Runnable onFirstAccess = () -> { };
    private volatile String blockedThread = "";
    private volatile CountDownLatch blocked = new CountDownLatch(0);
    private volatile CountDownLatch release = new CountDownLatch(0);

    void blockOnThread(String thread, CountDownLatch blocked, CountDownLatch release) {
      this.blocked = blocked;
      this.release = release;
      this.blockedThread = thread;
    }

    int accesses() {
      return accesses.get();
    }

    Set<String> accessThreads() {
      return Set.copyOf(accessThreads);
    }

    @Override
    public void onAccess(int segment) {
      String thread = Thread.currentThread().getName();
      accessThreads.add(thread);
      if (accesses.getAndIncrement() == 0) {
        onFirstAccess.run();
      }
      if (thread.equals(blockedThread) && blocked.getCount() > 0) {
        blocked.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
