package io.spillway.api;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToLongFunction;

/**
 * Keeps a set of named segments inside a memory budget by spilling the coldest to a store and reloading them,
 * verified, when asked. Obtain one from {@code io.spillway.core.Spillway.newManager(SpillConfig)}.
 *
 * <p>This is the <em>manual</em> API, with the semantics of RedDB's spill manager: the caller registers segments
 * with their sizes, records accesses, asks which segments to spill, hands over their bytes, and reloads them.
 *
 * <pre>{@code
 * try (SpillManager manager = Spillway.newManager(SpillConfig.builder().maxMemory(256L << 20).build())) {
 *   manager.registerSegment("hosts", hosts.length);
 *   manager.access("hosts");
 *   for (String victim : manager.needsSpill()) {
 *     manager.spill(victim, bytesOf(victim));
 *     drop(victim);
 *   }
 *   manager.reload("hosts").ifPresent(bytes -> restore("hosts", bytes));
 * }
 * }</pre>
 *
 * <h2>Managed values</h2>
 * {@link #put} hands a value to the manager, which then spills it by itself when usage passes the threshold and
 * reloads it transparently on {@link SegmentHandle#get()}:
 *
 * <pre>{@code
 * SegmentHandle<long[]> ids = manager.put("ids", bigArray, SpillCodecs.longArray());
 * long first = ids.get()[0];              // reloaded, verified, if it had been spilled
 * try (SegmentPin pin = ids.pin()) { ... } // stays resident meanwhile
 * ids.close();                              // frees memory and the stored copy
 * }</pre>
 * Only managed values are spilled automatically: the manager cannot spill a segment registered with
 * {@link #registerSegment} because it does not hold its bytes, but such a segment counts toward the usage.
 * Manual {@link #spill}, {@link #reload} and {@link #updateSize} refuse managed segments
 * ({@link IllegalStateException}); {@link #unregisterSegment} of a managed segment closes its handle.
 *
 * <h2>Accounting</h2>
 * {@link #memoryUsage()} is always the sum of the registered sizes of the resident segments: spilling subtracts
 * the registered size (whatever the length of the bytes handed over), reloading adds it back, unregistering a
 * spilled segment subtracts nothing, and resizing a spilled segment changes only its recorded size.
 *
 * <h2>Thread safety</h2>
 * Every method may be called from many threads at once. Each call on one segment is atomic with respect to other
 * calls on the same segment: a spill and a concurrent reload, resize or unregister of that segment are ordered,
 * never interleaved, and store I/O for different segments runs in parallel. {@link #stats()} and
 * {@link #listSegments()} are weakly consistent snapshots: each value is exact at some moment during the call.
 *
 * <p>{@link #put}, {@link SegmentHandle#get()}, {@link SegmentHandle#set} and {@link SegmentHandle#pin()} may block:
 * while a reload they need is under way, and while there is no room for their bytes in the budget (at most
 * {@link SpillConfig#maxBlock()}, then {@link SpillBudgetExceededException}). They wait holding no lock the spiller
 * needs, so a caller blocked for room never keeps the manager from making it; {@link #close()} wakes them with
 * {@link IllegalStateException}. Manual calls ({@link #registerSegment}, {@link #updateSize}) never wait for room:
 * they may take the usage past the budget, and make the manager spill managed values to come back under it.
 *
 * <h2>Persistent sessions</h2>
 * A manager opened with {@link SpillConfig.Builder#persistentSession(String)} takes over what the session held: every
 * value its store still has whose frame header verifies is registered as a <em>spilled manual segment</em> of the
 * registered size it had when it was spilled, at its stored location, and counts nothing toward
 * {@link #memoryUsage()} until it is reloaded. {@link #listSegments()}, {@link #isSpilled}, {@link #reload},
 * {@link #unregisterSegment} and {@link #registerSegment} treat it as any spilled manual segment; {@link #reattach}
 * makes it a managed value again. A stored value that cannot be read, or whose header fails verification, is not
 * registered: it is logged at WARN, counted in {@link SpillStats#recoveryFailures()}, and its bytes are kept, never
 * deleted (until {@link #discard()}). {@link #close()} keeps what is stored for the session's next owner; what is
 * only resident is not written and does not survive.
 *
 * <p>After {@link #close()} or {@link #discard()}, every method but {@code close()} throws
 * {@link IllegalStateException}, except {@code discard()} after {@code discard()}, which does nothing.
 */
public interface SpillManager extends AutoCloseable {

  /**
   * Registers a resident segment of {@code size} bytes. Registering a name again replaces the old segment: its
   * size is no longer counted and its stored copy, if spilled, is deleted.
   *
   * @throws InvalidSegmentNameException if {@code name} breaks {@link SegmentNames}' rules
   * @throws IllegalArgumentException if {@code size} is negative
   */
  void registerSegment(String name, long size);

  /**
   * Forgets a segment and deletes its stored copy, if any. Its size is subtracted from the usage only if it was
   * resident.
   *
   * @return whether the segment was registered
   */
  boolean unregisterSegment(String name);

  /**
   * Records a new size for a segment. A resident segment's usage changes by the difference; a spilled segment's
   * recorded size changes and is counted again when it is reloaded.
   *
   * @throws SegmentNotFoundException if the segment is not registered
   * @throws IllegalArgumentException if {@code size} is negative
   */
  void updateSize(String name, long size);

  /**
   * Records one access to a segment, making it less likely to be chosen as a victim. Accesses to unknown names
   * are ignored: a segment may be unregistered while another thread still reads it. Never blocks on I/O. Like a
   * cache's read, an access may be dropped (neither counted nor told to the policy) when other threads record at
   * the same moment, rather than make the caller wait; a thread alone with the manager loses none.
   */
  void access(String name);

  /**
   * Returns the segments to spill, in order, when usage has reached the spill threshold: enough resident segments
   * of at least {@link SpillConfig#minSpillSize()} bytes to bring usage down to the target, as the policy ranks
   * them. Returns an empty list when usage is below the threshold or nothing is eligible. Spills nothing itself.
   */
  List<String> needsSpill();

  /**
   * Returns the segments to spill, in order, to free at least {@code bytesToFree} bytes now, whatever the
   * threshold: for a caller that knows it is about to allocate. The candidates and the ranking are those of
   * {@link #needsSpill()}; when all eligible segments together hold fewer bytes, all of them are returned. Returns
   * an empty list when {@code bytesToFree <= 0}. Spills nothing itself.
   */
  List<String> needsSpill(long bytesToFree);

  /**
   * Writes {@code data} as the spilled copy of a resident segment and marks it spilled, subtracting its registered
   * size from the usage. The write is atomic: the store holds either the whole verified frame or nothing.
   *
   * @return where the copy was written
   * @throws SegmentNotFoundException if the segment is not registered
   * @throws AlreadySpilledException if it is already spilled (its stored copy is untouched)
   * @throws StoreQuotaExceededException if the bytes would take the store past its quota ({@link #maxStoreBytes()})
   *     even after the clean copies of reloaded managed values were dropped; the segment stays resident
   * @throws SpillStoreException if the store cannot take the bytes; the segment stays resident
   */
  URI spill(String name, byte[] data);

  /**
   * Reads back, verifies and deletes the spilled copy of a segment, marking it resident and adding its registered
   * size back to the usage.
   *
   * @return the bytes given to {@link #spill}, or empty if the segment is resident
   * @throws SegmentNotFoundException if the segment is not registered
   * @throws CorruptSegmentException if the stored copy fails verification; the segment stays spilled
   * @throws SpillStoreException if the store cannot be read; the segment stays spilled
   */
  Optional<byte[]> reload(String name);

  /**
   * Hands {@code value} to the manager under {@code name}, accounted at {@code codec.sizeOf(value)} bytes. If the
   * value does not fit under {@link SpillConfig#maxMemory()}, waits (up to {@link SpillConfig#maxBlock()}) until
   * enough has been spilled. Putting a name that is registered replaces that segment, closing its handle.
   *
   * @throws InvalidSegmentNameException if {@code name} breaks {@link SegmentNames}' rules
   * @throws SpillBudgetExceededException if no room could be made in time; nothing is registered
   */
  <T> SegmentHandle<T> put(String name, T value, SpillCodec<T> codec);

  /**
   * {@link #put(String, Object, SpillCodec)}, with the value accounted at {@code weigher.applyAsLong(value)} bytes
   * (and again after each {@link SegmentHandle#set}).
   */
  <T> SegmentHandle<T> put(String name, T value, SpillCodec<T> codec, ToLongFunction<? super T> weigher);

  /**
   * Makes the spilled manual segment {@code name} &mdash; typically one recovered from a
   * {@linkplain SpillConfig.Builder#persistentSession(String) persistent session} &mdash; a managed value again,
   * as if {@link #put} had created and spilled it: its stored copy becomes the value's, unread, and the returned
   * handle's {@link SegmentHandle#get()} reloads, verifies and decodes it with {@code codec}, keeping the copy while
   * the value is unchanged (as every managed reload does). The value stays accounted at the segment's registered
   * size until a {@link SegmentHandle#set} re-weighs it with {@code codec.sizeOf}. Nothing is read here, so a copy
   * that does not decode fails only at the first {@code get()} ({@link CorruptSegmentException}, or the codec's
   * exception; the value then stays spilled).
   *
   * @throws SegmentNotFoundException if no segment is registered under {@code name}
   * @throws IllegalStateException if the segment is resident, or already managed
   */
  <T> SegmentHandle<T> reattach(String name, SpillCodec<T> codec);

  /**
   * {@link #reattach(String, SpillCodec)}, with the value weighed by {@code weigher} after each
   * {@link SegmentHandle#set} (as {@link #put(String, Object, SpillCodec, ToLongFunction)} does).
   *
   * @throws SegmentNotFoundException if no segment is registered under {@code name}
   * @throws IllegalStateException if the segment is resident, or already managed
   */
  <T> SegmentHandle<T> reattach(String name, SpillCodec<T> codec, ToLongFunction<? super T> weigher);

  /** {@link #spill(String, byte[])} on the manager's executor. The future fails with the same exceptions. */
  CompletableFuture<URI> spillAsync(String name, byte[] data);

  /** {@link #reload(String)} on the manager's executor. The future fails with the same exceptions. */
  CompletableFuture<Optional<byte[]>> reloadAsync(String name);

  /**
   * Reloads the named managed segments in the background, so that a later {@link SegmentHandle#get()} does not
   * wait. Names that are resident, unknown or not managed are skipped.
   *
   * @return completes when every reload has finished; fails with the first failure
   */
  CompletableFuture<Void> prefetch(String... names);

  /** Whether the segment is registered and spilled. */
  boolean isSpilled(String name);

  /** A snapshot of the counters. */
  SpillStats stats();

  /** Bytes of the resident segments, by their registered sizes. */
  long memoryUsage();

  /** {@link #memoryUsage()} divided by {@link SpillConfig#maxMemory()}. */
  double utilization();

  /**
   * Sets the store quota from now on: the most bytes the manager's store may hold, as it counts them
   * ({@link io.spillway.api.spi.SpillStore#usage()}, frames included); {@link SpillConfig#DEFAULT_MAX_STORE_BYTES}
   * ({@link Long#MAX_VALUE}) for no limit. It starts at {@link SpillConfig#maxStoreBytes()}, whose Javadoc says how
   * the quota is kept. A spill that would pass it fails with {@link StoreQuotaExceededException} and leaves its
   * segment resident.
   *
   * <p>Lowering the quota below what the store holds deletes nothing: spills fail until enough stored copies are
   * gone (reloaded, unregistered, set or closed). A spill that had already reserved its bytes completes. Raising it
   * asks the spiller to try the managed values that are due again. Thread-safe; never blocks on I/O.
   *
   * @throws IllegalArgumentException if {@code bytes} is negative
   */
  void setMaxStoreBytes(long bytes);

  /** The store quota in force, in bytes; {@link SpillConfig#DEFAULT_MAX_STORE_BYTES} when there is none. */
  long maxStoreBytes();

  /**
   * The name of the store this manager spills to, as {@link io.spillway.api.spi.SpillStoreProvider#name()} gives it
   * ({@code file}, {@code s3}, {@code tiered}, ...); for a manager made on a store session the caller opened itself,
   * the name the implementation knows it by. For metrics and logs; callable after {@link #close()}.
   *
   * <p>The default, for implementations that cannot tell, is {@code "unknown"}.
   */
  default String storeName() {
    return "unknown";
  }

  /**
   * The name of the policy this manager chooses victims with, as
   * {@link io.spillway.api.spi.SpillPolicyProvider#name()} gives it ({@code w-tinylfu}, {@code lru},
   * {@code coldness}, ...), whether {@link SpillConfig#policy()} named it or it was chosen by priority. For metrics
   * and logs; callable after {@link #close()}.
   *
   * <p>The default, for implementations that cannot tell, is {@code "unknown"}.
   */
  default String policyName() {
    return "unknown";
  }

  /** The registered segments, sorted by name. */
  List<SegmentInfo> listSegments();

  /**
   * Deletes the stored copy of every spilled segment of this manager and forgets those segments (their bytes
   * exist nowhere any more). Resident segments are untouched. Files of other managers, even in the same
   * directory, are never touched.
   *
   * @throws SpillStoreException if a stored copy cannot be deleted; the others are still deleted
   */
  void cleanup();

  /**
   * Closes the manager: wakes every caller waiting for room (they throw {@link IllegalStateException}), lets the
   * spills and reloads under way finish, and releases the store and the policy. For an ephemeral session it first
   * runs {@link #cleanup()}, and the store's session is deleted. For a
   * {@linkplain SpillConfig.Builder#persistentSession(String) persistent session} nothing is deleted: every spilled
   * segment's stored copy, and the copy a reloaded managed value kept while unchanged, stays for the session's next
   * owner; resident values are not written, so only what is stored survives. Idempotent.
   *
   * @throws SpillStoreException if a stored copy cannot be deleted or the store cannot be closed; the manager is
   *     closed all the same
   */
  @Override
  void close();

  /**
   * Closes the manager as {@link #close()} does, then deletes everything its store session holds, persistent or not
   * ({@link io.spillway.api.spi.SpillStore#discard()}): a persistent session is gone for good, and its next manager
   * starts empty. Idempotent: a second call does nothing, and so does {@link #close()} after it.
   *
   * @throws IllegalStateException if the manager was closed by {@link #close()}: a persistent session's data was kept,
   *     and only a manager that owns the session can delete it (open one and discard it)
   * @throws SpillStoreException if the store cannot delete its data; the manager is closed all the same
   */
  void discard();
}
