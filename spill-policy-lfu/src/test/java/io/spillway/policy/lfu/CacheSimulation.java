package io.spillway.policy.lfu;

import io.spillway.api.spi.SpillPolicy;
import io.spillway.testkit.CheckedSpillPolicy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Drives a policy the way the core does under a byte budget: a request to an unknown segment admits it, to a
 * spilled one reloads it, to a resident one accesses it (a hit); after each request the victims chosen for the
 * bytes over budget are spilled. When {@code checked}, every answer is also checked against the contract (slower:
 * the check looks at every resident segment).
 */
final class CacheSimulation {
  private final SpillPolicy policy;
  private final long budget;
  private final Map<String, Long> sizes = new HashMap<>();
  private final Map<String, Boolean> residency = new HashMap<>();
  private long resident;
  private long hits;
  private long requests;

  CacheSimulation(SpillPolicy policy, long budget, boolean checked) {
    this.policy = checked ? new CheckedSpillPolicy(policy) : policy;
    this.budget = budget;
  }

  CacheSimulation(SpillPolicy policy, long budget) {
    this(policy, budget, true);
  }

  /** One request for {@code segment} of {@code size} bytes; returns whether it was a hit. */
  boolean request(String segment, long size) {
    requests++;
    boolean hit = false;
    Boolean isResident = residency.get(segment);
    if (isResident == null) {
      policy.onAdmit(segment, size);
      sizes.put(segment, size);
      resident += size;
    } else if (!isResident) {
      policy.onReload(segment);
      resident += sizes.get(segment);
    } else {
      policy.onAccess(segment);
      hit = true;
      hits++;
    }
    residency.put(segment, true);
    if (resident > budget) {
      List<String> victims = policy.selectVictims(resident - budget, name -> true);
      for (String victim : List.copyOf(victims)) {
        resident -= sizes.get(victim);
        residency.put(victim, false);
        policy.onSpill(victim);
      }
    }
    return hit;
  }

  boolean request(String segment) {
    return request(segment, 1);
  }

  /** Forgets the hits and requests counted so far (after a warm-up). */
  void resetCounts() {
    hits = 0;
    requests = 0;
  }

  double hitRatio() {
    return requests == 0 ? 0 : (double) hits / requests;
  }

  boolean isResident(String segment) {
    return Boolean.TRUE.equals(residency.get(segment));
  }

  long residentBytes() {
    return resident;
  }
}
