package io.spillway.bench.sim;

/**
 * S3-FIFO as a second peer (Yang et al., "FIFO queues are all you need for cache eviction", SOSP 2023), with the
 * parameters libCacheSim runs it with by default: a small FIFO queue of {@value #SMALL_SHARE} of the capacity, a main
 * FIFO queue with reinsertion, and a ghost queue of the keys lately evicted from the small one, holding up to
 * {@value #GHOST_SHARE} of the capacity in their sizes. Internal, may change.
 *
 * <ul>
 *   <li>A hit raises the key's frequency, capped at {@value #MAX_FREQUENCY}.
 *   <li>A miss inserts the key into the main queue if the ghost queue holds it, else into the small one, with
 *       frequency 0; a key larger than the capacity is not inserted.
 *   <li>While the key does not fit, one is evicted: from the small queue while it holds at least its share (or the
 *       main queue is empty), else from the main queue. The small queue's oldest key moves to the main queue if it
 *       was hit there (frequency 1 or more, reset to 0), else it leaves for the ghost queue. The main queue's oldest
 *       key goes back to the end of it with its frequency lowered by one if that is above 0, else it leaves.
 * </ul>
 *
 * <p>A reference replay, as {@link CaffeineReplay} is: it counts hits only and keeps no spilled copies. It runs on
 * demand ({@code TraceSimulator --peers s3-fifo}), not in every run. Thread-safe: each replay has its own state.
 */
final class S3FifoReplay {
  /** The reference's name in reports. */
  static final String NAME = "s3-fifo";
  static final double SMALL_SHARE = 0.1;
  static final double GHOST_SHARE = 0.9;
  static final int MAX_FREQUENCY = 3;

  private static final byte ABSENT = 0;
  private static final byte SMALL = 1;
  private static final byte MAIN = 2;
  private static final byte GHOST = 3;

  private final int[] keySizes;
  private final long capacity;
  private final long smallTarget;
  private final long ghostLimit;
  private final byte[] where;
  private final byte[] frequency;
  /** For each key in the ghost queue, the number of its entry there; older entries of that key are stale. */
  private final int[] ghostEntry;
  private final IntFifo small = new IntFifo();
  private final IntFifo main = new IntFifo();
  /** Ghost keys in insertion order, each with its entry number; stale pairs are skipped when they come out. */
  private final IntFifo ghost = new IntFifo();
  private final IntFifo ghostNumbers = new IntFifo();
  private long smallBytes;
  private long mainBytes;
  private long ghostBytes;
  private int ghostEntries;
  private int ghostSerial;

  private S3FifoReplay(Trace trace, long capacity) {
    this.keySizes = trace.keySizes;
    this.capacity = capacity;
    this.smallTarget = (long) (capacity * SMALL_SHARE);
    this.ghostLimit = (long) (capacity * GHOST_SHARE);
    int distinct = trace.distinctKeys();
    this.where = new byte[distinct];
    this.frequency = new byte[distinct];
    this.ghostEntry = new int[distinct];
  }

  /** Replays {@code trace} through S3-FIFO at {@code capacity} bytes (entries, for a trace of uniform sizes). */
  static CellResult run(Trace trace, long capacity) {
    long start = System.nanoTime();
    S3FifoReplay cache = new S3FifoReplay(trace, capacity);
    long hits = 0;
    long bytesHit = 0;
    long bytesRequested = 0;
    for (int i = 0; i < trace.keys.length; i++) {
      int size = trace.sizes[i];
      bytesRequested += size;
      if (cache.request(trace.keys[i])) {
        hits++;
        bytesHit += size;
      }
    }
    return CellResult.reference(NAME, trace, capacity, hits, bytesRequested, bytesHit, System.nanoTime() - start);
  }

  /** One request; whether it hit. */
  private boolean request(int key) {
    if (where[key] == SMALL || where[key] == MAIN) {
      frequency[key] = (byte) Math.min(MAX_FREQUENCY, frequency[key] + 1);
      return true;
    }
    long size = keySizes[key];
    if (size > capacity) {
      return false;
    }
    while (smallBytes + mainBytes + size > capacity) {
      if (small.size() > 0 && (smallBytes >= smallTarget || mainBytes == 0)) {
        evictSmall();
      } else {
        evictMain();
      }
    }
    frequency[key] = 0;
    if (where[key] == GHOST) {
      ghostBytes -= size;
      ghostEntries--;
      where[key] = MAIN;
      main.add(key);
      mainBytes += size;
    } else {
      where[key] = SMALL;
      small.add(key);
      smallBytes += size;
    }
    return false;
  }

  /** Takes the small queue's oldest key out: to the main queue if it was hit, else to the ghost queue. */
  private void evictSmall() {
    int key = small.poll();
    long size = keySizes[key];
    smallBytes -= size;
    if (frequency[key] >= 1) {
      frequency[key] = 0;
      where[key] = MAIN;
      main.add(key);
      mainBytes += size;
      return;
    }
    where[key] = GHOST;
    int number = ++ghostSerial;
    ghostEntry[key] = number;
    ghost.add(key);
    ghostNumbers.add(number);
    ghostBytes += size;
    ghostEntries++;
    while (ghostBytes > ghostLimit && ghostEntries > 0) {
      int old = ghost.poll();
      int oldNumber = ghostNumbers.poll();
      if (where[old] == GHOST && ghostEntry[old] == oldNumber) {
        where[old] = ABSENT;
        ghostBytes -= keySizes[old];
        ghostEntries--;
      }
    }
  }

  /** Takes the main queue's oldest key out, or back to its end one frequency lower. */
  private void evictMain() {
    while (true) {
      int key = main.poll();
      if (frequency[key] > 0) {
        frequency[key]--;
        main.add(key);
      } else {
        where[key] = ABSENT;
        mainBytes -= keySizes[key];
        return;
      }
    }
  }

  /** A first-in first-out queue of ints in a ring that grows. Not thread-safe. */
  static final class IntFifo {
    private int[] ring = new int[16];
    private int head;
    private int size;

    void add(int value) {
      if (size == ring.length) {
        int[] larger = new int[2 * ring.length];
        for (int i = 0; i < size; i++) {
          larger[i] = ring[(head + i) & (ring.length - 1)];
        }
        ring = larger;
        head = 0;
      }
      ring[(head + size) & (ring.length - 1)] = value;
      size++;
    }

    /** The oldest value, removed. */
    int poll() {
      if (size == 0) {
        throw new IllegalStateException("empty queue");
      }
      int value = ring[head];
      head = (head + 1) & (ring.length - 1);
      size--;
      return value;
    }

    int size() {
      return size;
    }
  }
}
