package io.spillway.core.internal;

import io.spillway.api.spi.SpillPolicy;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Empties an {@link AccessBuffer} into a policy: counts each access for the segment that holds its id in the
 * {@link SegmentIdTable}, and tells the policy of those whose segments it knows resident, every one or a sample.
 * Internal, may change.
 *
 * <p><b>Every access or a sample.</b> Counting is cheap; telling the policy may not be (a W-TinyLFU access is a
 * sketch increment and a list move, several cache misses), and readers can record faster than a policy takes them in.
 * {@link #drainAll} and {@link #drainStripe} tell every access, in one call per stripe. The sampling drains tell
 * chunks (of up to {@value #CHUNK}, fewer for a slow policy: {@link DrainBudget}), and only while the policy has time
 * left in its share of a processor ({@link DrainBudget}): {@link #drainStripeSampled}, for a reader that empties its
 * own full stripe, tells at most the first chunk; {@link #drainAllBehindReaders}, for the drain task, tells a
 * stripe's chunks until the policy's time is spent or, past the stripe's first chunk, a reader is kept waiting. The
 * accesses left are counted but not told ({@link #undelivered()}). So the policy hears every access while it keeps
 * up and a sample of about its share of a processor when it does not, as the SPI allows and as Caffeine's lossy read
 * buffer does, while the counts stay exact. The drain task starts each pass at the stripe after the last one it told,
 * so that when the share runs out within a pass, the stripes behind it are told first in the next.
 *
 * <p>The count loop reads two arrays indexed by id and no segment, so that the lines of the segments (and of the map
 * nodes beside them) stay shared by the processors that look them up. A policy's exception on an access is logged at
 * WARN and swallowed.
 *
 * <p>Not thread-safe: {@link PolicyDriver} calls it under its policy lock, which also guards the id table.
 */
final class AccessDrain {
  /**
   * Accesses told in one call when sampling, between two looks at whether a reader is kept waiting. As large as an
   * inline drain's stripe, so that a policy working through a batch in passes (W-TinyLFU) keeps that benefit; small
   * enough that a drain behind the readers costs them some microseconds only.
   */
  static final int CHUNK = PolicyDriver.INLINE_STRIPE_CAPACITY;

  private final AccessBuffer accesses;
  private final SegmentIdTable ids;
  private final Logger log;
  /** One stripe's drained accesses, the ids being told. */
  private final int[] batch;
  private final LongAdder undelivered = new LongAdder();
  private final DrainBudget budget;

  /**
   * @param accesses the buffer to empty
   * @param ids the segments' ids and access counts, shared with the driver
   * @param log where a policy's failure is logged
   * @param clock nanoseconds, to time the policy's calls ({@link System#nanoTime} but in tests)
   */
  AccessDrain(AccessBuffer accesses, SegmentIdTable ids, Logger log, LongSupplier clock) {
    this.accesses = accesses;
    this.ids = ids;
    this.log = log;
    this.batch = new int[accesses.stripeCapacity()];
    this.budget = new DrainBudget(CHUNK, clock);
  }

  /** Never stops telling: every access of a stripe is told, in one call. */
  private static final BooleanSupplier NEVER = () -> false;
  /** Stops after the first chunk. */
  private static final BooleanSupplier ALWAYS = () -> true;

  /** Where the drain task's next pass starts: the stripe after the last one it told. */
  private int nextStripe;

  /** Drains every stripe and tells {@code policy} (if not null) of every access. */
  void drainAll(@Nullable SpillPolicy policy) {
    for (int stripe = 0; stripe < accesses.stripes(); stripe++) {
      drainStripe(stripe, policy);
    }
  }

  /** Drains one stripe and tells {@code policy} (if not null) of every access, in one call. */
  void drainStripe(int stripe, @Nullable SpillPolicy policy) {
    drain(stripe, policy, batch.length, NEVER, false);
  }

  /**
   * Drains one stripe and tells {@code policy} the first chunk of accesses if the policy has time left in its share;
   * the rest are undelivered.
   */
  void drainStripeSampled(int stripe, @Nullable SpillPolicy policy) {
    drain(stripe, policy, budget.chunk(), ALWAYS, true);
  }

  /**
   * Drains every stripe, from the one after the last told, and tells {@code policy} of each stripe's accesses a chunk
   * at a time while the policy has time left in its share and, past a stripe's first chunk, {@code readersAhead} does
   * not say that a reader is waiting for another drain; the rest of a stripe's accesses are undelivered.
   */
  void drainAllBehindReaders(@Nullable SpillPolicy policy, BooleanSupplier readersAhead) {
    BooleanSupplier stop = () -> readersAhead.getAsBoolean() || !budget.hasTimeLeft();
    int stripes = accesses.stripes();
    int start = nextStripe;
    for (int i = 0; i < stripes; i++) {
      int stripe = (start + i) % stripes;
      if (drain(stripe, policy, budget.chunk(), stop, true)) {
        nextStripe = (stripe + 1) % stripes;
      }
    }
  }

  /**
   * Drains one stripe, counts its accesses and tells {@code policy} of them {@code chunkSize} at a time, asking
   * {@code stop} before every chunk but the first, and (if {@code metered}) the budget before the first; once either
   * says stop, the accesses left are undelivered.
   *
   * @return whether the policy was told any access of the stripe
   */
  private boolean drain(int stripe, @Nullable SpillPolicy policy, int chunkSize, BooleanSupplier stop,
      boolean metered) {
    int counted = count(accesses.drainStripe(stripe, batch));
    for (int from = 0; from < counted; from += chunkSize) {
      boolean stopHere = from == 0 ? metered && !budget.hasTimeLeft() : stop.getAsBoolean();
      if (stopHere) {
        undelivered.add(counted - from);
        return from > 0;
      }
      int chunk = Math.min(chunkSize, counted - from);
      if (from > 0) {
        System.arraycopy(batch, from, batch, 0, chunk); // over ids already told
      }
      if (stop == NEVER || policy == null) {
        tell(policy, chunk);
      } else {
        long start = budget.start();
        tell(policy, chunk);
        budget.spent(start, chunk);
      }
    }
    return counted > 0 && policy != null;
  }

  /** Accesses counted but not told so far. */
  long undelivered() {
    return undelivered.sum();
  }

  /**
   * Counts each of the first {@code n} accesses of the batch and moves those whose segments the policy knows resident
   * to its front, in order.
   *
   * @return how many accesses are to be told
   */
  private int count(int n) {
    int counted = 0;
    // No call in this loop but to the id table's arrays, so the processor can fetch their lines in parallel.
    for (int i = 0; i < n; i++) {
      int id = batch[i];
      if (ids.countAccess(id)) {
        batch[counted++] = id;
      }
    }
    return counted;
  }

  /** Tells {@code policy} of the first {@code n} accesses of the batch, in one call. */
  private void tell(@Nullable SpillPolicy policy, int n) {
    if (policy == null) {
      return;
    }
    try {
      policy.onAccess(batch, n);
    } catch (RuntimeException e) {
      log.warn("Policy {} failed on an access; ignored: {}", policy.getClass().getName(), e.toString(), e);
    }
  }
}
