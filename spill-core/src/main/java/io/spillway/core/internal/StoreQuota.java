package io.spillway.core.internal;

import io.spillway.api.SpillConfig;
import io.spillway.api.StoreQuotaExceededException;
import io.spillway.api.spi.SpillStore;
import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * A manager's store quota ({@link SpillConfig#maxStoreBytes()}): the limit, and the bytes that spills under way
 * have reserved against it. Internal, may change.
 *
 * <p>A spill reserves its frame's length before it writes and releases it once the write has returned or failed,
 * when the store's own {@link SpillStore#usage()} counts the bytes if they were stored. The check (the store's
 * usage, plus what is reserved, plus the new bytes, against the limit) and the reservation happen under this
 * object's lock, so concurrent spills never pass the limit together. For the moment between a write's return and
 * its release a spill is counted twice; so that this never refuses a spill that fits, a spill that would fit in
 * what the store holds but not with the reservations of the writes under way waits for them to release, then is
 * decided again. A spill that does not fit even in what the store holds is refused at once: those writes can only
 * add to it. Deletes need nothing here: the store's usage falls with them. Without a limit
 * the store's usage is not asked, but reservations are still kept, so that a limit set while spills are under way
 * counts them.
 *
 * <p>Thread-safe. The lock is held while the store reports its usage, which the SPI's stores keep in memory.
 */
final class StoreQuota {
  private final SpillStore store;
  private final String storeName;
  private volatile long limit;
  /** Bytes reserved by spills under way. Guarded by this. */
  private long reserved;

  StoreQuota(SpillStore store, String storeName, long limit) {
    this.store = store;
    this.storeName = storeName;
    this.limit = requireLimit(limit);
  }

  /** The limit in bytes; {@link SpillConfig#DEFAULT_MAX_STORE_BYTES} for none. */
  long limit() {
    return limit;
  }

  /**
   * Sets the limit for every later {@link #reserve}; reservations already made stand.
   *
   * @throws IllegalArgumentException if {@code bytes} is negative
   */
  synchronized void setLimit(long bytes) {
    this.limit = requireLimit(bytes);
    notifyAll(); // spills waiting for others to end may fit now
  }

  /**
   * Reserves {@code bytes} for a write of {@code segment}'s frame; the caller {@link #release}s them once the write
   * returned or failed. If they fit beside what the store holds but not beside the other writes' reservations,
   * waits for those to be released (each write ends by itself: it returns or fails), since their bytes may be
   * counted twice or never be stored.
   *
   * @throws StoreQuotaExceededException if they do not fit beside what the store holds, or beside it and the
   *     reservations once no other write is under way; nothing reserved
   * @throws InterruptedIOException if interrupted while waiting (the interrupt flag is kept); nothing reserved
   * @throws IOException if the store cannot report its usage; nothing reserved
   */
  synchronized void reserve(String segment, long bytes) throws IOException {
    while (true) {
      long max = limit;
      if (max == SpillConfig.DEFAULT_MAX_STORE_BYTES) {
        break;
      }
      long usage = store.usage();
      // All terms are non-negative and at most the limit or a stored size, so the subtraction cannot overflow.
      if (bytes <= max - usage - reserved) {
        break;
      }
      // The writes under way can only add to what the store holds, so wait for them only if it is their
      // reservations, not the stored bytes, that leave no room.
      if (reserved == 0 || bytes > max - usage) {
        throw new StoreQuotaExceededException(segment, storeName, max, usage, reserved, bytes);
      }
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("Interrupted while spills under way held " + reserved
            + " bytes of the store quota that segment '" + segment + "' needed");
      }
    }
    reserved += bytes;
  }

  /** Gives back bytes {@link #reserve}d for a write that has returned or failed, and wakes the spills waiting. */
  synchronized void release(long bytes) {
    reserved -= bytes;
    notifyAll();
  }

  /** The bytes reserved now, for tests. */
  synchronized long reserved() {
    return reserved;
  }

  private static long requireLimit(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("maxStoreBytes must not be negative, was " + bytes);
    }
    return bytes;
  }
}
