package io.spillway.store.file;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Originals of compaction copies that are published and not yet marked dead (persistent sessions), by index
 * location, with their keys. Between a copy's publication and its original's mark, a delete or replacement of the
 * key marks the copy, so it must mark the original too ({@link #of}), or a crash would leave the original standing
 * for the key. Holds at most a batch per compacting thread; their files stay pinned by the compaction meanwhile.
 *
 * <p>Thread-safe. Internal, may change.
 */
final class UnmarkedOriginals {
  private static final System.Logger LOG = System.getLogger(FileSpillStoreProvider.class.getName());

  private final ConcurrentHashMap<Long, String> byLocation = new ConcurrentHashMap<>();

  /** Records the original at index location {@code location}; called under the key's index stripe lock. */
  void add(long location, String key) {
    byLocation.put(location, key);
  }

  /** The index locations of the unmarked originals of {@code key}; usually none. */
  List<Long> of(String key) {
    if (byLocation.isEmpty()) {
      return List.of();
    }
    List<Long> found = new ArrayList<>(1);
    for (Map.Entry<Long, String> original : byLocation.entrySet()) {
      if (original.getValue().equals(key)) {
        found.add(original.getKey());
      }
    }
    return found;
  }

  /**
   * Marks dead the records of {@code entries} in {@code source}, the originals of copies now published (forced
   * with fsync), and forgets them, marked or not. Returns the first failure, {@code failure} if there was one.
   */
  @Nullable IOException markDead(LogFile source, List<KeyIndex.Entry> entries, boolean fsync,
      @Nullable IOException failure) {
    @Nullable IOException first = failure;
    try {
      for (KeyIndex.Entry entry : entries) {
        int keyLength = RecordFormat.utf8Length(entry.key());
        RecordWriter.markDead(source, entry.valueOffset() - RecordFormat.HEADER_BYTES - keyLength, keyLength);
      }
      if (fsync && !entries.isEmpty()) {
        source.force();
      }
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Could not mark compacted records of " + source + " dead; a key deleted later may"
          + " come back after a crash while that file exists", e);
      first = first == null ? e : first;
    } finally {
      for (KeyIndex.Entry entry : entries) {
        byLocation.remove(entry.location());
      }
    }
    return first;
  }
}
