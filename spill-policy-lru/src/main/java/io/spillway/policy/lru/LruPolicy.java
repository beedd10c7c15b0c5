package io.spillway.policy.lru;

import io.spillway.api.spi.SpillPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Least recently used first. Internal, may change.
 *
 * <p>Resident segments live in an insertion-ordered map that is kept in recency order: a use removes the entry
 * and puts it back at the most recent end, while a resize replaces the value in place and so leaves the order
 * alone. Spilled segments leave that order and wait, with their size, in a plain map until they are reloaded as
 * the most recent. Every event is O(1). Selection walks from the least recent end: O(1) per victim and per
 * ineligible segment passed over.
 *
 * <p>Events about segments the policy does not know in the required state (an access to a spilled or unknown
 * segment, a reload of a resident one, ...) are ignored rather than thrown on, so that a policy never breaks
 * the core's bookkeeping; an admit of a known name replaces the old segment.
 *
 * <p>Not thread-safe: the core calls it from one thread at a time.
 */
final class LruPolicy implements SpillPolicy {
  /** Resident segments and their sizes, least recently used first. */
  private final LinkedHashMap<String, Long> resident = new LinkedHashMap<>();
  /** Spilled segments and their sizes, in no order. */
  private final Map<String, Long> spilled = new HashMap<>();

  @Override
  public void onAdmit(String segment, long size) {
    spilled.remove(segment);
    resident.remove(segment);
    resident.put(segment, size);
  }

  @Override
  public void onAccess(String segment) {
    Long size = resident.remove(segment);
    if (size != null) {
      resident.put(segment, size);
    }
  }

  @Override
  public void onResize(String segment, long oldSize, long newSize) {
    // put on an existing key of an insertion-ordered map keeps its place: a resize is not a use.
    if (resident.containsKey(segment)) {
      resident.put(segment, newSize);
    } else if (spilled.containsKey(segment)) {
      spilled.put(segment, newSize);
    }
  }

  @Override
  public void onSpill(String segment) {
    Long size = resident.remove(segment);
    if (size != null) {
      spilled.put(segment, size);
    }
  }

  @Override
  public void onReload(String segment) {
    Long size = spilled.remove(segment);
    if (size != null) {
      resident.put(segment, size);
    }
  }

  @Override
  public void onRemove(String segment) {
    resident.remove(segment);
    spilled.remove(segment);
  }

  @Override
  public List<String> selectVictims(long bytesToFree, Predicate<String> eligible) {
    Objects.requireNonNull(eligible, "eligible");
    List<String> victims = new ArrayList<>();
    // Counting down what is still missing cannot overflow, unlike adding up what was freed.
    long missing = bytesToFree;
    for (Map.Entry<String, Long> entry : resident.entrySet()) {
      if (missing <= 0) {
        break;
      }
      if (eligible.test(entry.getKey())) {
        victims.add(entry.getKey());
        missing -= entry.getValue();
      }
    }
    return victims;
  }
}
