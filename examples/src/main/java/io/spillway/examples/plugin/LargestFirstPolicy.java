package io.spillway.examples.plugin;

import io.spillway.api.spi.SpillPolicy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Orders resident segments by size, largest first; among equal sizes the one admitted earlier goes first. Every
 * event costs O(log n). Not thread-safe, as the SPI allows: the core calls it from one thread at a time.
 */
final class LargestFirstPolicy implements SpillPolicy {

  /** One segment's rank. Immutable, so that it can be removed from the ordered set by equality. */
  private record Rank(String name, long size, long admitted) {}

  private static final Comparator<Rank> LARGEST_FIRST = Comparator.comparingLong(Rank::size).reversed()
      .thenComparingLong(Rank::admitted);

  private final Map<String, Rank> ranks = new HashMap<>();
  private final Map<String, Boolean> spilled = new HashMap<>();
  private final TreeSet<Rank> resident = new TreeSet<>(LARGEST_FIRST);
  private long admissions;

  @Override
  public void onAdmit(String segment, long size) {
    onRemove(segment);
    Rank rank = new Rank(segment, size, admissions++);
    ranks.put(segment, rank);
    resident.add(rank);
  }

  @Override
  public void onAccess(String segment) {
    // Size alone decides; accesses do not change the order.
  }

  @Override
  public void onResize(String segment, long oldSize, long newSize) {
    Rank old = ranks.get(segment);
    if (old == null) {
      return;
    }
    Rank resized = new Rank(segment, newSize, old.admitted());
    ranks.put(segment, resized);
    if (resident.remove(old)) {
      resident.add(resized);
    }
  }

  @Override
  public void onSpill(String segment) {
    Rank rank = ranks.get(segment);
    if (rank != null && resident.remove(rank)) {
      spilled.put(segment, Boolean.TRUE);
    }
  }

  @Override
  public void onReload(String segment) {
    Rank rank = ranks.get(segment);
    if (rank != null && spilled.remove(segment) != null) {
      resident.add(rank);
    }
  }

  @Override
  public void onRemove(String segment) {
    Rank rank = ranks.remove(segment);
    if (rank != null) {
      resident.remove(rank);
      spilled.remove(segment);
    }
  }

  @Override
  public List<String> selectVictims(long bytesToFree, Predicate<String> eligible) {
    List<String> victims = new ArrayList<>();
    long freed = 0;
    for (Rank rank : resident) {
      if (freed >= bytesToFree) {
        break;
      }
      if (eligible.test(rank.name())) {
        victims.add(rank.name());
        freed += rank.size();
      }
    }
    return victims;
  }
}
