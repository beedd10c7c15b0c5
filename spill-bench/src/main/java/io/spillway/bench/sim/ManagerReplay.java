package io.spillway.bench.sim;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.core.Spillway;
import io.spillway.policy.lfu.AdaptivePolicyProvider;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Replays a trace through a real {@link SpillManager} running the named policy: the core's registry, access buffer,
 * accounting and victim checks all take part, as in an application using the manual API. Internal, may change.
 *
 * <p>Per request: an unknown key is registered (a miss), a resident key is accessed (a hit), a spilled key is
 * reloaded (a miss). Then, while the usage is over the capacity, the manager is asked for victims to free the excess
 * ({@link SpillManager#needsSpill(long)}) and each is spilled. An object larger than the capacity is never registered
 * (a miss every time), as in libCacheSim. The manager's own threshold never fires: its budget is huge and the
 * simulator alone decides when to spill. The store is in memory, so a reload costs next to nothing here: the policy
 * is told the {@link ReloadCost} the report estimates with, through the options a cost-aware policy reads
 * ({@value #LATENCY_OPTION}, {@value #BANDWIDTH_OPTION}; others ignore them).
 *
 * <p>Thread-safe: each call builds its own manager.
 */
final class ManagerReplay {
  private static final byte UNKNOWN = 0;
  private static final byte RESIDENT = 1;
  private static final byte SPILLED = 2;
  /** Payloads are empty: the accounting uses the registered sizes, so the bytes spilled do not matter. */
  private static final byte[] PAYLOAD = new byte[0];
  private static final int CHECK_EVERY = 1 << 12;
  /** The {@code adaptive} policy's option for the reload latency, in nanoseconds. */
  static final String LATENCY_OPTION = AdaptivePolicyProvider.LATENCY_OPTION;
  /** The {@code adaptive} policy's option for the reload bandwidth, in bytes per second. */
  static final String BANDWIDTH_OPTION = AdaptivePolicyProvider.BANDWIDTH_OPTION;

  private ManagerReplay() {}

  /**
   * Replays {@code trace} with {@code policy} at {@code capacity} bytes.
   *
   * @param cancelled polled now and then; when it answers true the replay stops with a failed result
   * @throws IllegalStateException if the manager's accounting disagrees with the simulator's, or the policy leaves
   *     the usage over the capacity although victims were available
   */
  static CellResult run(Trace trace, String policy, long capacity, BooleanSupplier cancelled) {
    return run(trace, policy, policy, capacity, 0, ReloadCost.SHAPED_S3, cancelled);
  }

  /**
   * Replays {@code trace} with {@code policy} at {@code capacity} bytes, freeing {@code batchPercent}% of the
   * capacity more than needed whenever the usage passes it: for a policy whose victim choice costs O(n) in the
   * number of segments, as an application would use it (spill in rounds, from a threshold down to a target).
   *
   * @param label the policy's name in the result
   * @param cost what a reload costs, told to a cost-aware policy
   */
  static CellResult run(Trace trace, String policy, String label, long capacity, int batchPercent,
      ReloadCost cost, BooleanSupplier cancelled) {
    long start = System.nanoTime();
    SpillConfig config = config(policy, cost);
    int[] keys = trace.keys;
    int[] sizes = trace.sizes;
    String[] names = trace.names;
    byte[] state = new byte[trace.distinctKeys()];
    long hits = 0;
    long bytesRequested = 0;
    long bytesHit = 0;
    long reloads = 0;
    long bytesReloaded = 0;
    long resident = 0;
    long target = capacity - capacity * batchPercent / 100;
    try (SpillManager manager = Spillway.newManager(config)) {
      for (int i = 0; i < keys.length; i++) {
        if ((i & (CHECK_EVERY - 1)) == 0 && cancelled.getAsBoolean()) {
          return CellResult.failed(label, capacity, System.nanoTime() - start,
              "stopped after " + i + " of " + keys.length + " requests (time limit)");
        }
        int key = keys[i];
        int size = sizes[i];
        String name = names[key];
        bytesRequested += size;
        if (size > capacity) {
          continue;
        }
        switch (state[key]) {
          case RESIDENT:
            manager.access(name);
            hits++;
            bytesHit += size;
            continue; // a hit adds no bytes: nothing to spill
          case SPILLED:
            manager.reload(name);
            reloads++;
            bytesReloaded += size;
            break;
          default:
            manager.registerSegment(name, size);
            break;
        }
        state[key] = RESIDENT;
        resident += size;
        long usage = manager.memoryUsage();
        if (usage != resident) {
          throw new IllegalStateException("Request " + i + ": the manager counts " + usage
              + " resident bytes, the simulator " + resident);
        }
        if (usage > capacity) {
          List<String> victims = manager.needsSpill(usage - target);
          for (String victim : victims) {
            manager.spill(victim, PAYLOAD);
            int v = Integer.parseInt(victim);
            state[v] = SPILLED;
            resident -= trace.keySizes[v];
          }
          if (resident > capacity) {
            throw new IllegalStateException("Request " + i + ": policy '" + policy + "' chose victims " + victims
                + " that leave " + resident + " bytes resident, over the capacity of " + capacity);
          }
        }
      }
      if (manager.memoryUsage() != resident) {
        throw new IllegalStateException("At the end the manager counts " + manager.memoryUsage()
            + " resident bytes, the simulator " + resident);
      }
    }
    return new CellResult(label, capacity, keys.length, hits, bytesRequested, bytesHit, reloads, bytesReloaded,
        System.nanoTime() - start, "");
  }

  /**
   * The manager's configuration: a budget the trace never reaches (the replay decides when to spill), no minimum
   * spill size, the in-memory store, and {@code cost} in the options a cost-aware policy reads.
   */
  static SpillConfig config(String policy, ReloadCost cost) {
    return SpillConfig.builder()
        .maxMemory(Long.MAX_VALUE / 4)
        .minSpillSize(0)
        .policy(policy)
        .store(SimMemoryStoreProvider.NAME)
        .option(LATENCY_OPTION, Long.toString(cost.latencyNanos()))
        .option(BANDWIDTH_OPTION, Long.toString(cost.bytesPerSecond()))
        .build();
  }
}
