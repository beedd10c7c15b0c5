package io.spillway.testkit;

import io.spillway.api.spi.SpillPolicy;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;

/** The random events {@link SpillPolicyContractTest}'s seeded tests drive through a policy. Not thread-safe. */
final class RandomPolicyEvents {
  private RandomPolicyEvents() {}

  /**
   * Delivers the pending batch of accesses, as the core does before any other event (an admit included), then
   * scribbles over the array as the core's next drain would; returns the new batch length, 0.
   */
  static int deliver(SpillPolicy policy, int[] batch, int pending) {
    if (pending > 0) {
      policy.onAccess(batch, pending);
      Arrays.fill(batch, -1);
    }
    return 0;
  }

  static void select(CheckedSpillPolicy policy, Random random) {
    int salt = random.nextInt();
    int modulus = 1 + random.nextInt(4);
    // Pure in the name, as CheckedSpillPolicy requires; modulus 1 makes every segment eligible.
    Predicate<String> eligible = name -> Math.floorMod(name.hashCode() ^ salt, modulus) == 0 || modulus == 1;
    long residentTotal = 0;
    for (String name : policy.residentSegments()) {
      residentTotal += policy.size(name);
    }
    long bytesToFree;
    int kind = random.nextInt(20);
    if (kind == 0) {
      bytesToFree = -random.nextInt(100);
    } else if (kind == 1) {
      bytesToFree = Long.MAX_VALUE;
    } else if (kind == 2) {
      bytesToFree = residentTotal + 1 + random.nextInt(1_000);
    } else {
      bytesToFree = 1 + (long) (random.nextDouble() * Math.max(1, residentTotal / 2));
    }
    List<String> victims = policy.victims(bytesToFree, eligible);
    if (random.nextBoolean()) {
      for (String victim : victims) {
        policy.onSpill(victim);
      }
    }
  }

  static long randomSize(Random random) {
    int kind = random.nextInt(10);
    if (kind == 0) {
      return 0;
    }
    if (kind == 1) {
      return 1L << (20 + random.nextInt(20));
    }
    return 1 + random.nextInt(10_000);
  }
}
