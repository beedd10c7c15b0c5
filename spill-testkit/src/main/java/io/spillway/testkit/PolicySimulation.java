package io.spillway.testkit;

import io.spillway.api.spi.SpillPolicy;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Drives a {@link SpillPolicy} the way the core does under a byte budget, so that a policy's tests can replay a
 * request sequence and assert on its hit ratio and on what stays resident. Segments are requested by name and
 * numbered as the core numbers them (the most recently freed id first, else the lowest never used).
 *
 * <p>A request to an unknown segment admits it, to a spilled one reloads it, to a resident one accesses it (a
 * hit); after each request the victims the policy chooses for the bytes over budget are spilled. When built
 * {@code checked}, every call also goes through a {@link CheckedSpillPolicy}, so each choice of victims is checked
 * against the contract (slower: the check looks at every resident segment).
 *
 * <p>Not thread-safe, like the policy it drives.
 */
public final class PolicySimulation {
  private final SpillPolicy policy;
  private final long budget;
  private final SegmentNumbering numbering = new SegmentNumbering();
  private final Map<String, Long> sizes = new HashMap<>();
  private final Map<String, Boolean> residency = new HashMap<>();
  private long resident;
  private long hits;
  private long requests;

  /**
   * @param policy the policy under test, fresh (told of no segment yet)
   * @param budget the bytes that may stay resident after each request
   * @param checked whether to check every choice of victims against the contract
   */
  public PolicySimulation(SpillPolicy policy, long budget, boolean checked) {
    this.policy = checked ? new CheckedSpillPolicy(policy) : policy;
    this.budget = budget;
  }

  /** A checked simulation of {@code policy} under {@code budget} bytes. */
  public PolicySimulation(SpillPolicy policy, long budget) {
    this(policy, budget, true);
  }

  /**
   * One request for {@code segment} of {@code size} bytes (the size of its first request is kept); returns
   * whether it was a hit.
   */
  public boolean request(String segment, long size) {
    requests++;
    boolean hit = false;
    Boolean isResident = residency.get(segment);
    if (isResident == null) {
      policy.onAdmit(numbering.take(segment), segment, size);
      sizes.put(segment, size);
      resident += size;
    } else if (!isResident) {
      policy.onReload(numbering.idOf(segment));
      resident += sizeOf(segment);
    } else {
      policy.onAccess(numbering.idOf(segment));
      hit = true;
      hits++;
    }
    residency.put(segment, true);
    if (resident > budget) {
      for (int victim : policy.selectVictims(resident - budget, id -> true)) {
        String name = Objects.requireNonNull(numbering.nameOf(victim), "victim without a segment");
        resident -= sizeOf(name);
        residency.put(name, false);
        policy.onSpill(victim);
      }
    }
    return hit;
  }

  /** The size of a segment requested before: every segment with a residency has one. */
  private long sizeOf(String segment) {
    return Objects.requireNonNull(sizes.get(segment), "segment never requested");
  }

  /** One request for {@code segment} of one byte; returns whether it was a hit. */
  public boolean request(String segment) {
    return request(segment, 1);
  }

  /** Forgets the hits and requests counted so far (after a warm-up). */
  public void resetCounts() {
    hits = 0;
    requests = 0;
  }

  /** Hits ÷ requests since the start or the last {@link #resetCounts()}; 0 before any request. */
  public double hitRatio() {
    return requests == 0 ? 0 : (double) hits / requests;
  }

  /** Whether {@code segment} was requested and has not been spilled since. */
  public boolean isResident(String segment) {
    return Boolean.TRUE.equals(residency.get(segment));
  }

  /** The bytes of the resident segments. */
  public long residentBytes() {
    return resident;
  }
}
