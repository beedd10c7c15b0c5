package io.spillway.store.file;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Where each key's value is: key → (log file id, value offset, value length), in open-addressing hash tables of
 * parallel arrays, with no object per key.
 *
 * <p><b>Layout.</b> The keys are spread over {@value #STRIPES} stripes by hash; each stripe is a linear-probing table
 * of three arrays: the key reference (4 bytes with compressed references), a {@code long} holding the location and an
 * 8-bit hash fingerprint, and an {@code int} length code — 16 bytes a slot. A stripe grows by a quarter when it is
 * {@value #MAX_LOAD_PERCENT}% full (doubling while small), so it is 68–85% full once it has grown: 19–24 bytes
 * of table per key. The key strings are the caller's and are not counted. A probe compares the fingerprint before
 * touching a key string, so a miss rarely reads one. Deletion shifts the following entries back, so no tombstones
 * build up.
 *
 * <p><b>Locations</b> ({@link #location}) pack a file id of {@value #FILE_ID_BITS} bits and a value offset of
 * {@value #OFFSET_BITS} bits (values start below 64 GiB in their file). <b>Length codes</b> are the caller's: the
 * index stores them and gives them back.
 *
 * <p><b>Thread safety:</b> every method is thread-safe; each holds its stripe's lock for a few probes (a growth moves
 * one stripe, a 64th of the keys, while holding its lock). Methods spanning stripes ({@link #keys},
 * {@link #entriesIn}) lock one stripe at a time, so they see each key as it was at some moment during the call.
 *
 * <p>Internal, may change.
 */
final class KeyIndex {
  static final int FILE_ID_BITS = 20;
  static final int OFFSET_BITS = 36;
  static final int MAX_FILE_ID = (1 << FILE_ID_BITS) - 1;
  static final long MAX_OFFSET = (1L << OFFSET_BITS) - 1;
  static final int STRIPES = 64;
  static final int MAX_LOAD_PERCENT = 85;
  /** Below this a stripe shrinks to half full, so that a store emptied after a peak gives its memory back. */
  static final int MIN_LOAD_PERCENT = 20;
  private static final int INITIAL_CAPACITY = 8;
  private static final int FINGERPRINT_BITS = 8;
  private static final long FINGERPRINT_MASK = (1L << FINGERPRINT_BITS) - 1;

  /** A key's entry as the index holds it. */
  record Entry(String key, long location, int lengthCode) {
    int fileId() {
      return KeyIndex.fileId(location);
    }

    long valueOffset() {
      return KeyIndex.valueOffset(location);
    }
  }

  private final Stripe[] stripes = new Stripe[STRIPES];

  KeyIndex() {
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Stripe();
    }
  }

  /** Index length code of a value: its length, or -1 for one beyond an int, which has a file of its own. */
  static int lengthCode(long valueLength) {
    return valueLength <= Integer.MAX_VALUE - 1 ? (int) valueLength : -1;
  }

  /** The value length of {@code entry}, whose file ends at {@code fileEnd} (for a value of its own file). */
  static long valueLength(Entry entry, long fileEnd) {
    int code = entry.lengthCode();
    return code >= 0 ? code : fileEnd - entry.valueOffset();
  }

  /** Packs a location. */
  static long location(int fileId, long valueOffset) {
    if (fileId < 0 || fileId > MAX_FILE_ID) {
      throw new IllegalArgumentException("file id out of range: " + fileId);
    }
    if (valueOffset < 0 || valueOffset > MAX_OFFSET) {
      throw new IllegalArgumentException("value offset out of range: " + valueOffset);
    }
    return ((long) fileId << OFFSET_BITS) | valueOffset;
  }

  static int fileId(long location) {
    return (int) (location >>> OFFSET_BITS);
  }

  static long valueOffset(long location) {
    return location & MAX_OFFSET;
  }

  /** The entry of {@code key}, or {@code null}. */
  @Nullable Entry get(String key) {
    return get(key, null);
  }

  /**
   * The entry of {@code key}, or {@code null}; {@code pin}, when given, is called with the location while the entry
   * is still current (under the stripe's lock), so that the caller can take hold of the file before anything can
   * move or drop the value. It must be quick and not block; if it throws, nothing is returned.
   */
  @Nullable Entry get(String key, @Nullable LongConsumer pin) {
    long hash = mix(key.hashCode());
    Stripe stripe = stripeOf(hash);
    synchronized (stripe) {
      int slot = stripe.find(key, hash);
      if (slot < 0) {
        return null;
      }
      long location = stripe.locations[slot] >>> FINGERPRINT_BITS;
      if (pin != null) {
        pin.accept(location);
      }
      return new Entry(key, location, stripe.lengths[slot]);
    }
  }

  /**
   * Points {@code key} at {@code location}, replacing any previous entry.
   *
   * @return the previous entry, or {@code null}
   */
  @Nullable Entry put(String key, long location, int lengthCode) {
    return put(key, location, lengthCode, null);
  }

  /**
   * As {@link #put(String, long, int)}, calling {@code onDrop}, when given, with the previous entry's location while
   * still holding the stripe's lock, so that no one lists the index between the two. It must be quick and not block.
   */
  @Nullable Entry put(String key, long location, int lengthCode, @Nullable LongConsumer onDrop) {
    Objects.requireNonNull(key, "key");
    long hash = mix(key.hashCode());
    Stripe stripe = stripeOf(hash);
    synchronized (stripe) {
      Entry previous = stripe.put(key, hash, location, lengthCode);
      if (previous != null && onDrop != null) {
        onDrop.accept(previous.location());
      }
      return previous;
    }
  }

  /**
   * Points {@code key} at {@code location} only if it still points at {@code expected}: how compaction moves a value
   * without bringing back one replaced or deleted meanwhile.
   */
  boolean replace(String key, long expected, long location, int lengthCode) {
    try {
      return replace(key, expected, location, lengthCode, NOTHING);
    } catch (IOException e) {
      throw new AssertionError("nothing to do threw", e);
    }
  }

  /** What {@link #replace(String, long, long, int, BeforeReplace)} does just before it repoints a key. */
  @FunctionalInterface
  interface BeforeReplace {
    void run() throws IOException;
  }

  private static final BeforeReplace NOTHING = () -> {};

  /**
   * As {@link #replace(String, long, long, int)}, running {@code beforeReplace} under the key's stripe lock once the
   * key is known to still point at {@code expected}, and repointing it only if that returns: how a persistent
   * session's compaction writes a copy's header only for a copy that will be published. The action must be short.
   *
   * @throws IOException what {@code beforeReplace} threw; the key is then unchanged
   */
  boolean replace(String key, long expected, long location, int lengthCode, BeforeReplace beforeReplace)
      throws IOException {
    long hash = mix(key.hashCode());
    Stripe stripe = stripeOf(hash);
    synchronized (stripe) {
      int slot = stripe.find(key, hash);
      if (slot < 0 || stripe.locations[slot] >>> FINGERPRINT_BITS != expected) {
        return false;
      }
      beforeReplace.run();
      stripe.locations[slot] = (location << FINGERPRINT_BITS) | fingerprint(hash);
      stripe.lengths[slot] = lengthCode;
      return true;
    }
  }

  /** Removes {@code key}; returns its entry, or {@code null} if it had none. */
  @Nullable Entry remove(String key) {
    return remove(key, null);
  }

  /**
   * As {@link #remove(String)}, calling {@code onDrop}, when given, with the entry's location while still holding the
   * stripe's lock, so that no one lists the index between the two. It must be quick and not block.
   */
  @Nullable Entry remove(String key, @Nullable LongConsumer onDrop) {
    long hash = mix(key.hashCode());
    Stripe stripe = stripeOf(hash);
    synchronized (stripe) {
      Entry removed = stripe.remove(key, hash);
      if (removed != null && onDrop != null) {
        onDrop.accept(removed.location());
      }
      return removed;
    }
  }

  /** Every key. */
  Set<String> keys() {
    Set<String> keys = new HashSet<>();
    for (Stripe stripe : stripes) {
      synchronized (stripe) {
        for (String key : stripe.keys) {
          if (key != null) {
            keys.add(key);
          }
        }
      }
    }
    return keys;
  }

  /** The entries whose value lies in file {@code fileId}. */
  List<Entry> entriesIn(int fileId) {
    List<Entry> entries = new ArrayList<>();
    for (Stripe stripe : stripes) {
      synchronized (stripe) {
        for (int i = 0; i < stripe.keys.length; i++) {
          String key = stripe.keys[i];
          if (key != null) {
            long location = stripe.locations[i] >>> FINGERPRINT_BITS;
            if (fileId(location) == fileId) {
              entries.add(new Entry(key, location, stripe.lengths[i]));
            }
          }
        }
      }
    }
    return entries;
  }

  /** How many keys there are. */
  int size() {
    int size = 0;
    for (Stripe stripe : stripes) {
      synchronized (stripe) {
        size += stripe.size;
      }
    }
    return size;
  }

  /** Slots in all stripes; 16 bytes of heap each. For measurements. */
  long capacity() {
    long capacity = 0;
    for (Stripe stripe : stripes) {
      synchronized (stripe) {
        capacity += stripe.keys.length;
      }
    }
    return capacity;
  }

  /** Removes every key, giving the tables' memory back. */
  void clear() {
    for (Stripe stripe : stripes) {
      synchronized (stripe) {
        stripe.reset(INITIAL_CAPACITY);
      }
    }
  }

  private Stripe stripeOf(long hash) {
    return stripes[(int) (hash >>> 58)]; // the top 6 bits; STRIPES is 64
  }

  /** MurmurHash3's 64-bit finaliser: every output bit depends on every bit of the string's cached hash. */
  static long mix(int hashCode) {
    long k = hashCode & 0xFFFF_FFFFL;
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }

  private static long fingerprint(long hash) {
    return (hash >>> 40) & FINGERPRINT_MASK;
  }

  /** One table; guarded by its own monitor. */
  private static final class Stripe {
    String[] keys;
    long[] locations; // location << 8 | fingerprint
    int[] lengths;
    int size;

    Stripe() {
      reset(INITIAL_CAPACITY);
    }

    void reset(int capacity) {
      keys = new String[capacity];
      locations = new long[capacity];
      lengths = new int[capacity];
      size = 0;
    }

    /** The first slot of {@code hash}'s probe sequence: its low 32 bits scaled to the capacity (no power of two). */
    private int home(long hash, int capacity) {
      return (int) (((hash & 0xFFFF_FFFFL) * capacity) >>> 32);
    }

    int find(String key, long hash) {
      int capacity = keys.length;
      long fp = fingerprint(hash);
      for (int i = home(hash, capacity); ; i = i + 1 == capacity ? 0 : i + 1) {
        String k = keys[i];
        if (k == null) {
          return -1;
        }
        if ((locations[i] & FINGERPRINT_MASK) == fp && (k == key || k.equals(key))) {
          return i;
        }
      }
    }

    @Nullable Entry put(String key, long hash, long location, int lengthCode) {
      int slot = find(key, hash);
      if (slot >= 0) {
        Entry previous = new Entry(keys[slot], locations[slot] >>> FINGERPRINT_BITS, lengths[slot]);
        // Keep the caller's instance: the core passes the same name string on every call.
        keys[slot] = key;
        locations[slot] = (location << FINGERPRINT_BITS) | fingerprint(hash);
        lengths[slot] = lengthCode;
        return previous;
      }
      if ((size + 1) * 100L > (long) keys.length * MAX_LOAD_PERCENT) {
        grow();
      }
      insertNew(key, hash, (location << FINGERPRINT_BITS) | fingerprint(hash), lengthCode);
      size++;
      return null;
    }

    private void insertNew(String key, long hash, long slotValue, int lengthCode) {
      int capacity = keys.length;
      int i = home(hash, capacity);
      while (keys[i] != null) {
        i = i + 1 == capacity ? 0 : i + 1;
      }
      keys[i] = key;
      locations[i] = slotValue;
      lengths[i] = lengthCode;
    }

    private void grow() {
      int capacity = keys.length;
      // Doubling while small keeps early growths rare; by a quarter afterwards keeps a grown table at least 68% full.
      rebuild(capacity < 1024 ? capacity * 2 : capacity + capacity / 4);
    }

    /** Moves every entry into new arrays of {@code next} slots, more than {@link #size}. */
    private void rebuild(int next) {
      int capacity = keys.length;
      String[] oldKeys = keys;
      long[] oldLocations = locations;
      int[] oldLengths = lengths;
      keys = new String[next];
      locations = new long[next];
      lengths = new int[next];
      for (int i = 0; i < capacity; i++) {
        String key = oldKeys[i];
        if (key != null) {
          insertNew(key, mix(key.hashCode()), oldLocations[i], oldLengths[i]);
        }
      }
    }

    @Nullable Entry remove(String key, long hash) {
      int slot = find(key, hash);
      if (slot < 0) {
        return null;
      }
      Entry previous = new Entry(keys[slot], locations[slot] >>> FINGERPRINT_BITS, lengths[slot]);
      int capacity = keys.length;
      int hole = slot;
      // Backward shift: pull later entries of the cluster into the hole when their probe passed through it.
      for (int j = hole + 1 == capacity ? 0 : hole + 1; keys[j] != null; j = j + 1 == capacity ? 0 : j + 1) {
        int home = home(mix(keys[j].hashCode()), capacity);
        int fromHome = j - home < 0 ? j - home + capacity : j - home;
        int fromHole = j - hole < 0 ? j - hole + capacity : j - hole;
        if (fromHome >= fromHole) {
          keys[hole] = keys[j];
          locations[hole] = locations[j];
          lengths[hole] = lengths[j];
          hole = j;
        }
      }
      keys[hole] = null;
      locations[hole] = 0;
      lengths[hole] = 0;
      size--;
      if (capacity > INITIAL_CAPACITY && size * 100L < (long) capacity * MIN_LOAD_PERCENT) {
        rebuild(Math.max(INITIAL_CAPACITY, (int) (size * 100L / 50)));
      }
      return previous;
    }
  }
}
