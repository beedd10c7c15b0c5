package io.spillway.examples.plugin;

import io.spillway.api.spi.SpillPolicy;
import java.util.Arrays;
import java.util.Comparator;
import java.util.TreeSet;
import java.util.function.IntPredicate;
import org.jspecify.annotations.Nullable;

/**
 * Orders resident segments by size, largest first; among equal sizes the one admitted earlier goes first. Every
 * event costs O(log n). Not thread-safe, as the SPI allows: the core calls it from one thread at a time.
 *
 * <p>The core numbers the segments, so the policy keeps what it knows of each in an array indexed by id, grown when
 * an admit brings an id past its end; the resident ones are also in a sorted set.
 */
final class LargestFirstPolicy implements SpillPolicy {

  /** One segment's rank. Immutable, so that it can be removed from the ordered set by equality. */
  private record Rank(int id, long size, long admitted, boolean spilled) {}

  private static final Comparator<Rank> LARGEST_FIRST = Comparator.comparingLong(Rank::size).reversed()
      .thenComparingLong(Rank::admitted);

  /** By id: the rank of each known segment, or null. */
  private @Nullable Rank[] ranks = new Rank[16];
  private final TreeSet<Rank> resident = new TreeSet<>(LARGEST_FIRST);
  private long admissions;

  @Override
  public void onAdmit(int segment, String name, long size) {
    if (segment >= ranks.length) {
      ranks = Arrays.copyOf(ranks, Math.max(segment + 1, ranks.length * 2));
    }
    onRemove(segment);
    Rank rank = new Rank(segment, size, admissions++, false);
    ranks[segment] = rank;
    resident.add(rank);
  }

  @Override
  public void onAccess(int segment) {
    // Size alone decides; accesses do not change the order.
  }

  @Override
  public void onResize(int segment, long oldSize, long newSize) {
    Rank old = rank(segment);
    if (old == null) {
      return;
    }
    Rank resized = new Rank(segment, newSize, old.admitted(), old.spilled());
    ranks[segment] = resized;
    if (resident.remove(old)) {
      resident.add(resized);
    }
  }

  @Override
  public void onSpill(int segment) {
    Rank rank = rank(segment);
    if (rank != null && resident.remove(rank)) {
      ranks[segment] = new Rank(segment, rank.size(), rank.admitted(), true);
    }
  }

  @Override
  public void onReload(int segment) {
    Rank rank = rank(segment);
    if (rank != null && rank.spilled()) {
      Rank reloaded = new Rank(segment, rank.size(), rank.admitted(), false);
      ranks[segment] = reloaded;
      resident.add(reloaded);
    }
  }

  @Override
  public void onRemove(int segment) {
    Rank rank = rank(segment);
    if (rank != null) {
      resident.remove(rank);
      ranks[segment] = null;
    }
  }

  @Override
  public int[] selectVictims(long bytesToFree, IntPredicate eligible) {
    int[] victims = new int[resident.size()];
    int count = 0;
    long freed = 0;
    for (Rank rank : resident) {
      if (freed >= bytesToFree) {
        break;
      }
      if (eligible.test(rank.id())) {
        victims[count++] = rank.id();
        freed += rank.size();
      }
    }
    return Arrays.copyOf(victims, count);
  }

  private @Nullable Rank rank(int segment) {
    return segment >= 0 && segment < ranks.length ? ranks[segment] : null;
  }
}
