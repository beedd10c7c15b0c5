package io.spillway.policy.lfu;

import io.spillway.api.spi.SpillPolicy;
import io.spillway.testkit.CheckedSpillPolicy;
import java.util.List;

/**
 * Drives a policy the way the core does under a byte budget: a request to an unknown segment admits it, to a
 * spilled one reloads it, to a resident one accesses it (a hit); after each request the victims chosen for the
 * bytes over budget are spilled. Every answer is checked against the contract.
 */
final class CacheSimulation {
  private final CheckedSpillPolicy policy;
  private final long budget;
  private long resident;
  private long hits;
  private long requests;

  CacheSimulation(SpillPolicy policy, long budget) {
    this.policy = new CheckedSpillPolicy(policy);
    this.budget = budget;
  }

  /** One request for {@code segment} of {@code size} bytes; returns whether it was a hit. */
  boolean request(String segment, long size) {
    requests++;
    boolean hit = false;
    if (!policy.isKnown(segment)) {
      policy.onAdmit(segment, size);
      resident += size;
    } else if (policy.isSpilled(segment)) {
      policy.onReload(segment);
      resident += policy.size(segment);
    } else {
      policy.onAccess(segment);
      hit = true;
      hits++;
    }
    if (resident > budget) {
      List<String> victims = policy.victims(resident - budget);
      for (String victim : List.copyOf(victims)) {
        resident -= policy.size(victim);
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
    return policy.isResident(segment);
  }

  long residentBytes() {
    return resident;
  }
}
