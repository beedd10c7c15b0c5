package io.spillway.testkit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Numbers segment names the way the core does, for the test kit's name-level helpers: a new segment takes the most
 * recently freed id, else the lowest id never used, so ids stay below the largest number of segments known at once.
 * An id may also be claimed directly (a test that admits by id); the numbering then skips over it.
 *
 * <p>Not thread-safe.
 */
final class SegmentNumbering {
  private final Map<String, Integer> ids = new HashMap<>();
  /** By id: the name, or null while the id is free. */
  private final List<@Nullable String> names = new ArrayList<>();
  /** Free ids below {@link #names}' size, the most recently freed last. */
  private final List<Integer> free = new ArrayList<>();

  /** The id of {@code name}, or -1 if it has none. */
  int idOf(String name) {
    Integer id = ids.get(name);
    return id == null ? -1 : id;
  }

  /** The name holding {@code id}, or null if the id is free or was never used. */
  @Nullable String nameOf(int id) {
    return id >= 0 && id < names.size() ? names.get(id) : null;
  }

  /** The id the next {@link #take} would give. */
  int next() {
    return free.isEmpty() ? names.size() : free.get(free.size() - 1);
  }

  /** Gives {@code name}, which must have no id, the id {@link #next()} names. */
  int take(String name) {
    int id = next();
    claim(id, name);
    return id;
  }

  /** Gives {@code name}, which must have no id, the free id {@code id}. */
  void claim(int id, String name) {
    if (ids.containsKey(name) || nameOf(id) != null) {
      throw new IllegalStateException("id " + id + " or name " + name + " already in use");
    }
    while (names.size() <= id) {
      // Ids skipped by a direct claim become free, the lowest to be reused last.
      free.add(0, names.size());
      names.add(null);
    }
    free.remove(Integer.valueOf(id));
    names.set(id, name);
    ids.put(name, id);
  }

  /** Frees the id of {@code name}, which must have one; returns it. */
  int release(String name) {
    Integer id = ids.remove(name);
    if (id == null) {
      throw new IllegalStateException("no id for " + name);
    }
    names.set(id, null);
    free.add(id);
    return id;
  }
}
