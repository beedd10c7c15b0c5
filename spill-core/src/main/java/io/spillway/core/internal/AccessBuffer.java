package io.spillway.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.IntConsumer;

/**
 * A lossy, striped, bounded buffer of recorded accesses awaiting delivery to a single-threaded policy, in the manner
 * of Caffeine's read buffer. Internal, may change. An item is a segment id: an int of zero or more.
 *
 * <p><b>Shape.</b> A fixed number of stripes, each a ring of {@code capacity} slots with a head (advanced only by the
 * drainer) and a tail (claimed by producers with a compare-and-set). All rings live in one array, and all heads and
 * tails in another, spaced apart so that two stripes never share a cache line. A thread records into the stripe its
 * id hashes to, so threads of a small pool rarely meet on one stripe; when its compare-and-set loses to another
 * thread it moves on to the next stripe. Recording allocates nothing and takes no lock.
 *
 * <p><b>Outcomes of {@link #offer}.</b> {@link #RECORDED}: the item will be handed to exactly one later drain
 * ({@link #drainTo}, {@link #drainStripe}); {@link #RECORDED_DRAIN_DUE}: the same, and the stripe has reached the drain
 * threshold given at construction, so that a drain can start before the stripe fills. A stripe index (zero or more, see
 * {@link #isFull}): that stripe is full and nothing was recorded; the caller decides whether to drain it (if it can
 * take the drainer's lock without waiting, with {@link #drainStripe}) and offer again, or drop the item.
 * {@link #CONTENDED}: every attempt lost its compare-and-set to other recording threads, and nothing was recorded; only
 * possible when several threads record at once. An item is never duplicated, and a recorded one is never lost: a drain
 * that finds a slot claimed but not yet written stops at it and leaves it for the next drain.
 *
 * <p>Order is kept within a stripe, not across stripes: accesses from different threads are concurrent anyway.
 *
 * <p>Thread-safe for any number of producers; {@link #drainStripe}, {@link #drainTo} and {@link #isEmpty} must be
 * called by one thread at a time (the manager calls them under its policy lock).
 */
final class AccessBuffer {
  /** {@link #offer} recorded the item. */
  static final int RECORDED = -1;
  /** {@link #offer} lost every attempt to other producers and recorded nothing. */
  static final int CONTENDED = -2;
  /**
   * {@link #offer} recorded the item, and its stripe now holds at least the drain threshold given at construction:
   * a drain should start before the stripe fills.
   */
  static final int RECORDED_DRAIN_DUE = -3;

  /** Longs between two stripes' counters: 128 bytes, two cache lines (adjacent-line prefetch pairs them). */
  private static final int COUNTER_STRIDE = 16;
  /** Offset of a stripe's tail from its head: 64 bytes, so producers' CAS does not disturb the drainer's head. */
  private static final int TAIL = 8;
  /** Slots left empty before, between and after the rings: 128 bytes. */
  private static final int SLOT_PAD = 32;

  private static final VarHandle COUNTERS = MethodHandles.arrayElementVarHandle(long[].class);
  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(int[].class);

  /** Per stripe s: head at {@code COUNTER_STRIDE * (s + 1)}, tail {@link #TAIL} longs after it. */
  private final long[] counters;
  /**
   * Per stripe s: a ring of {@code capacity} slots starting at {@code SLOT_PAD + s * (capacity + SLOT_PAD)}; a slot
   * holds its item plus one, 0 while empty.
   */
  private final int[] slots;
  private final int stripeMask;
  /** Right shift turning a 64-bit Fibonacci hash of the thread id into a stripe index; -1 for a single stripe. */
  private final int stripeShift;
  private final int capacity;
  private final int slotMask;
  private final int attempts;
  /** Fill of a stripe, after a recorded offer, from which {@link #offer} says {@link #RECORDED_DRAIN_DUE}. */
  private final long drainThreshold;

  /**
   * @param stripeCount stripes, rounded up to a power of two
   * @param stripeCapacity slots per stripe, rounded up to a power of two
   * @param attempts compare-and-set attempts, on successive stripes, before {@link #offer} gives up with
   *     {@link #CONTENDED}; {@link Integer#MAX_VALUE} makes offers retry until they record or find a stripe full
   */
  AccessBuffer(int stripeCount, int stripeCapacity, int attempts) {
    this(stripeCount, stripeCapacity, attempts, Integer.MAX_VALUE);
  }

  /**
   * @param stripeCount stripes, rounded up to a power of two
   * @param stripeCapacity slots per stripe, rounded up to a power of two
   * @param attempts compare-and-set attempts, as for {@link #AccessBuffer(int, int, int)}
   * @param drainThreshold how many items a stripe holds, once an offer recorded into it, for that offer to return
   *     {@link #RECORDED_DRAIN_DUE} instead of {@link #RECORDED}; above the stripe capacity, never
   */
  AccessBuffer(int stripeCount, int stripeCapacity, int attempts, int drainThreshold) {
    if (stripeCount < 1 || stripeCapacity < 1 || attempts < 1 || drainThreshold < 1) {
      throw new IllegalArgumentException("stripeCount, stripeCapacity, attempts and drainThreshold must be positive");
    }
    this.drainThreshold = drainThreshold;
    int stripes = powerOfTwoAtLeast(stripeCount);
    this.capacity = powerOfTwoAtLeast(stripeCapacity);
    this.stripeMask = stripes - 1;
    this.stripeShift = stripes == 1 ? -1 : 64 - Integer.numberOfTrailingZeros(stripes);
    this.slotMask = capacity - 1;
    this.attempts = attempts;
    this.counters = new long[COUNTER_STRIDE * (stripes + 1) + TAIL];
    this.slots = new int[SLOT_PAD + stripes * (capacity + SLOT_PAD)];
  }

  /** Four stripes per processor, at most 64: threads of a small pool rarely share one. */
  static int stripesForThisMachine() {
    return Math.min(64, 4 * Runtime.getRuntime().availableProcessors());
  }

  /**
   * A buffer sized for this machine: {@link #stripesForThisMachine()} stripes of {@code stripeCapacity} slots, as
   * many attempts as there are stripes (at most 4), a drain due from {@code drainThreshold} items in a stripe.
   */
  static AccessBuffer forThisMachine(int stripeCapacity, int drainThreshold) {
    int stripes = stripesForThisMachine();
    return new AccessBuffer(stripes, stripeCapacity, Math.min(4, powerOfTwoAtLeast(stripes)), drainThreshold);
  }

  /** Whether an outcome of {@link #offer} means the item was recorded. */
  static boolean isRecorded(int outcome) {
    return outcome == RECORDED || outcome == RECORDED_DRAIN_DUE;
  }

  /**
   * Records {@code item} without blocking or allocating.
   *
   * @param item zero or more
   * @return {@link #RECORDED}, {@link #CONTENDED}, or the index of the full stripe (see the class comment)
   */
  int offer(int item) {
    return offer(item, homeStripe());
  }

  /**
   * Records {@code item} as {@link #offer(int)} does, but trying stripe {@code first} first instead of the calling
   * thread's: for tests that fill a given stripe.
   */
  int offer(int item, int first) {
    int stripe = first & stripeMask;
    for (int attempt = 1; ; attempt++) {
      int head = COUNTER_STRIDE * (stripe + 1);
      long tail = (long) COUNTERS.getAcquire(counters, head + TAIL);
      long consumed = (long) COUNTERS.getAcquire(counters, head);
      if (tail - consumed >= capacity) {
        return stripe;
      }
      if (COUNTERS.compareAndSet(counters, head + TAIL, tail, tail + 1)) {
        // The slot is free: the drainer emptied it before it published the head read above.
        SLOTS.setRelease(slots, slotBase(stripe) + (int) (tail & slotMask), item + 1);
        return tail + 1 - consumed >= drainThreshold ? RECORDED_DRAIN_DUE : RECORDED;
      }
      if (attempt >= attempts) {
        return CONTENDED;
      }
      stripe = (stripe + 1) & stripeMask;
    }
  }

  /**
   * Hands every item recorded and written so far to {@code sink}, stripe by stripe, each exactly once. Allocates a
   * stripe's worth of scratch space: for closing and tests, not for the hot path, which drains with
   * {@link #drainStripe}. If {@code sink} throws, the items of the stripe it threw in are consumed and the later
   * stripes' stay for the next drain. One drainer at a time.
   */
  void drainTo(IntConsumer sink) {
    int[] scratch = new int[capacity];
    for (int stripe = 0; stripe <= stripeMask; stripe++) {
      int drained = drainStripe(stripe, scratch);
      for (int i = 0; i < drained; i++) {
        sink.accept(scratch[i]);
      }
    }
  }

  /** Whether an outcome of {@link #offer} means a full stripe (and is then that stripe's index). */
  static boolean isFull(int outcome) {
    return outcome >= 0;
  }

  /** The number of stripes: the stripe indexes are 0 to this minus one. */
  int stripes() {
    return stripeMask + 1;
  }

  /** The slots per stripe: the most one {@link #drainStripe} can move. */
  int stripeCapacity() {
    return capacity;
  }

  /**
   * Moves the items recorded and written so far in one stripe into {@code into}, from index 0, each exactly once,
   * in the order they were recorded. Lets a recording thread that found its stripe full drain only that one: the
   * accesses it recorded itself, whose segments are likely still in its processor's cache. Writes nothing but the
   * stripe and {@code into}, so the drainer shares no written cache line with the recording threads. One drainer at
   * a time.
   *
   * @param stripe a stripe index, as returned by {@link #offer}
   * @param into where the items go; at least {@link #stripeCapacity()} long
   * @return how many items were moved
   */
  int drainStripe(int stripe, int[] into) {
    if (into.length < capacity) {
      throw new IllegalArgumentException("room for " + into.length + " items, a stripe holds " + capacity);
    }
    int at = COUNTER_STRIDE * (stripe + 1);
    long head = counters[at]; // written only by drainers, which run one at a time
    long tail = (long) COUNTERS.getAcquire(counters, at + TAIL);
    int base = slotBase(stripe);
    int moved = 0;
    while (head != tail) {
      int slot = base + (int) (head & slotMask);
      int held = (int) SLOTS.getAcquire(slots, slot);
      if (held == 0) {
        break; // claimed by a producer that has not written it yet: the next drain takes it
      }
      slots[slot] = 0; // published to producers by the release of the head below
      head++;
      into[moved++] = held - 1;
    }
    if (moved > 0) {
      COUNTERS.setRelease(counters, at, head);
    }
    return moved;
  }

  /** Whether nothing is buffered (exact only when no thread records concurrently). Drainer only. */
  boolean isEmpty() {
    for (int stripe = 0; stripe <= stripeMask; stripe++) {
      int at = COUNTER_STRIDE * (stripe + 1);
      if (counters[at] != (long) COUNTERS.getAcquire(counters, at + TAIL)) {
        return false;
      }
    }
    return true;
  }

  private int slotBase(int stripe) {
    return SLOT_PAD + stripe * (capacity + SLOT_PAD);
  }

  private int homeStripe() {
    if (stripeShift < 0) {
      return 0;
    }
    // Fibonacci hashing: consecutive thread ids (a pool's workers) land on well separated, distinct stripes.
    return (int) ((Thread.currentThread().getId() * 0x9E3779B97F4A7C15L) >>> stripeShift);
  }

  private static int powerOfTwoAtLeast(int n) {
    return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
  }
}
