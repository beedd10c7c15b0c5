package io.spillway.core;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillStoreException;
import io.spillway.api.spi.SpillPolicy;
import io.spillway.api.spi.SpillPolicyProvider;
import io.spillway.api.spi.SpillStore;
import io.spillway.api.spi.SpillStoreProvider;
import io.spillway.core.internal.DefaultSpillManager;
import io.spillway.core.internal.ProviderSelection;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Spillway's entry point: assembles a {@link SpillManager} from a {@link SpillConfig} and the plugins on the class
 * path.
 *
 * <pre>{@code
 * SpillConfig config = SpillConfig.builder()
 *     .maxMemory(256L << 20)
 *     .spillDir(Path.of("/var/tmp/my-app-spill"))
 *     .build();
 * try (SpillManager manager = Spillway.newManager(config)) {
 *   manager.registerSegment("hosts", hostsBytes.length);
 *   manager.access("hosts");
 *   for (String victim : manager.needsSpill()) {
 *     manager.spill(victim, bytesOf(victim));
 *   }
 *   byte[] back = manager.reload("hosts").orElse(hostsBytes);
 * }
 * }</pre>
 *
 * <p>The policy and the store are chosen by name when the configuration names them ({@code policy("lru")},
 * {@code store("s3")}), otherwise the provider of the highest priority wins: with the bundled plugins, the
 * {@code adaptive} policy (spill-policy-lfu, which spill-core brings at run time) and the {@code file} store; RedDB's
 * {@code coldness} ranking is {@code policy("coldness")}. Providers are looked up afresh on every call,
 * through the thread context class loader.
 *
 * <p>A manager also owns values handed to it with {@link SpillManager#put}, spilling them by itself when usage passes
 * the threshold and reloading them on {@link io.spillway.api.SegmentHandle#get()}. In the default
 * {@link io.spillway.api.SpillMode#BACKGROUND} mode it spills on {@link SpillConfig#spillExecutor()} or, when none is
 * given, on a few daemon threads of its own named {@code spillway-spiller-N}, started on demand and stopped by
 * {@link SpillManager#close()}.
 *
 * <h2>Flight Recorder events</h2>
 * Managers record JDK Flight Recorder events in the category {@code Spillway}, enabled by default (so any recording,
 * {@code -XX:StartFlightRecording} or {@code jcmd <pid> JFR.start}, has them) and costing a flag check, no
 * allocation, while no recording runs. Each carries the thread and its stack trace; all but
 * {@code io.spillway.CorruptFrame} carry the duration of their operation:
 * <ul>
 *   <li>{@code io.spillway.Spill}: one write of a frame to the store, manual or managed (a write retried after the
 *       clean copies were dropped is a second event); the duration covers framing, the quota check and the write.
 *       Fields {@code segment}, {@code store} (the provider's name), {@code bytes} (payload), {@code registeredBytes},
 *       {@code frameBytes} (what the store was asked to hold; 0 if framing failed), {@code result}
 *       ({@code success}, {@code quota-exceeded}, {@code failure}).</li>
 *   <li>{@code io.spillway.Reload}: one read of a frame and its verification, manual or managed (not the decoding
 *       of a managed value). Fields {@code segment}, {@code store}, {@code bytes} (payload; 0 on failure),
 *       {@code registeredBytes}, {@code result} ({@code success}, {@code corrupt}, {@code missing},
 *       {@code failure}).</li>
 *   <li>{@code io.spillway.CorruptFrame}: a stored frame failed verification, on a reload or when a persistent
 *       session was taken over. Fields {@code segment}, {@code store}, {@code location} (if known),
 *       {@code operation} ({@code reload}, {@code recovery}), {@code reason} (a
 *       {@link io.spillway.api.CorruptSegmentException.Reason}), {@code message}.</li>
 *   <li>{@code io.spillway.BudgetWait}: a caller that found no room in the budget and blocked ({@code put},
 *       {@code get}, {@code set}, {@code pin}); the duration is the wait. Fields {@code segment}, {@code store},
 *       {@code bytes} (what it waited room for), {@code result} ({@code granted}, {@code exceeded}: it gave up with
 *       {@link io.spillway.api.SpillBudgetExceededException}; {@code closed}, {@code interrupted},
 *       {@code failure}).</li>
 * </ul>
 * The same figures, summed, are in {@link SpillManager#stats()} ({@code corruptFrames}, {@code budgetWaits},
 * {@code budgetExceeded}, the latencies), which spill-micrometer's {@code SpillwayMetrics} publishes.
 *
 * <p>Thread-safe; each call returns an independent manager with its own store session.
 */
public final class Spillway {
  private Spillway() {}

  /**
   * A manager with the default configuration: a 512 MiB budget, spilling from 80% to 60%, files under
   * {@code spillway} in the system temp directory.
   *
   * @throws SpillConfigurationException if no suitable policy or store is on the class path
   */
  public static SpillManager newManager() {
    return newManager(SpillConfig.defaults());
  }

  /**
   * A manager for {@code config}. The caller closes it, which deletes everything it spilled &mdash; unless the
   * session is {@linkplain SpillConfig.Builder#persistentSession(String) persistent}: then the manager first takes
   * over what the session holds (see {@link SpillManager}), and closing it keeps what is stored.
   *
   * @throws SpillConfigurationException if a requested provider is missing, two providers tie for the highest
   *     priority, or a plugin fails to load or to create its policy or store session; the message says how to fix it.
   *     Also, before any store session is created, for a persistent session whose store provider does not
   *     {@linkplain SpillStoreProvider#supportsPersistentSessions() support persistent sessions}, or with frame
   *     version 2
   * @throws SpillStoreException for a persistent session that the store cannot open, for example because a live
   *     manager owns it (the message names the owner), or whose values it cannot list
   */
  public static SpillManager newManager(SpillConfig config) {
    Objects.requireNonNull(config, "config");
    SpillPolicyProvider policyProvider = ProviderSelection.policy(config);
    SpillStoreProvider storeProvider = ProviderSelection.store(config);
    checkPersistentSession(config, storeProvider);
    SpillFrames frames = SpillFrames.create(config);
    SpillPolicy policy = createPolicy(policyProvider, config);
    SpillStore store = createStore(storeProvider, config);
    return new DefaultSpillManager(config, policy, policyProvider.name(), store, storeProvider.name(), frames,
        storeProvider);
  }

  /**
   * A manager for {@code config} that spills to {@code store}, a session the caller opened itself &mdash; for example
   * {@code S3SpillStores.create(myS3Client, settings)} from spill-store-s3, on a client the application already has.
   * {@link SpillConfig#store()} is ignored. The manager owns the session from here on and closes it with itself
   * (deleting what it spilled); whatever the caller lent to the store, such as a client, stays the caller's. With a
   * {@linkplain SpillConfig#persistentSession() persistent session} the caller vouches that {@code store} is one,
   * opened for that session (its data is then taken over and kept by close, as with {@link #newManager(SpillConfig)}).
   *
   * @throws SpillConfigurationException if a requested policy is missing or fails to create its policy, or for a
   *     persistent session with frame version 2
   */
  public static SpillManager newManager(SpillConfig config, SpillStore store) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(store, "store");
    checkPersistentSession(config, null);
    SpillPolicyProvider policyProvider = ProviderSelection.policy(config);
    SpillFrames frames = SpillFrames.create(config);
    SpillPolicy policy = createPolicy(policyProvider, config);
    return new DefaultSpillManager(config, policy, policyProvider.name(), store, store.getClass().getSimpleName(),
        frames, null);
  }

  /**
   * Removes what dead ephemeral sessions left in {@code spillDir}, and returns how many entries it removed. The
   * {@code file} store does the same whenever it opens a session; this is for a directory no manager opens again
   * soon, or for an operator's sweep (a cron job, a start script).
   *
   * <p>Every store provider on the class path is asked
   * ({@link SpillStoreProvider#removeStaleSessions(Path)}, found as {@link #newManager} finds them). The bundled
   * {@code file} store removes the {@code session-*} folders whose owner process is dead (the lock it held on the
   * folder is free) and the {@code deleting-*} remains of interrupted removals. It never removes a live session's
   * folder, in this process or another: its owner holds its lock, and the folders of this process are not even
   * probed; never a persistent session ({@code persistent-*} folders); never any other file or folder. Stores whose
   * sessions live elsewhere remove nothing here: for the {@code s3} store see
   * {@code S3SpillStores.removeStaleSessions}.
   *
   * <p>Thread-safe; safe to run while managers, in this process or others, use the directory.
   *
   * @param spillDir the directory, as given to {@link SpillConfig.Builder#spillDir(Path)} (with several
   *     directories, {@link SpillConfig.Builder#spillDirs(Path...)}, call it for each); if it does not exist,
   *     nothing is removed
   * @return how many entries of {@code spillDir} were removed (with the {@code file} store: one per dead session,
   *     and one per remains of an interrupted removal)
   * @throws SpillStoreException if a store cannot examine the directory; the other stores are still asked
   */
  public static int removeStaleSessions(Path spillDir) {
    Objects.requireNonNull(spillDir, "spillDir");
    int removed = 0;
    SpillStoreException failure = null;
    for (SpillStoreProvider provider : ProviderSelection.all(ProviderSelection.STORE)) {
      try {
        removed += provider.removeStaleSessions(spillDir);
      } catch (IOException | RuntimeException e) {
        SpillStoreException error = new SpillStoreException("Store '" + provider.name()
            + "' could not remove stale sessions in " + spillDir + ": " + e, null, spillDir.toString(), e);
        if (failure == null) {
          failure = error;
        } else {
          failure.addSuppressed(error);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    return removed;
  }

  /**
   * Refuses a persistent session that cannot work, before any store session exists: a store that does not support
   * them would silently lose the data at close, and v2 frames cannot carry the registered sizes recovery needs.
   */
  private static void checkPersistentSession(SpillConfig config, @Nullable SpillStoreProvider provider) {
    Optional<String> session = config.persistentSession();
    if (session.isEmpty()) {
      return;
    }
    if (provider != null && !provider.supportsPersistentSessions()) {
      throw new SpillConfigurationException("Store '" + provider.name() + "' (" + provider.getClass().getName()
          + ") does not support persistent sessions, so persistent session '" + session.get() + "' cannot be "
          + "opened with it; use a store that does (the bundled 'file' store does), or drop persistentSession");
    }
    if (config.frameVersion() != 3) {
      throw new SpillConfigurationException("Persistent session '" + session.get() + "' needs frame version 3, "
          + "whose frames carry a segment's registered size; frameVersion is " + config.frameVersion());
    }
  }

  private static SpillPolicy createPolicy(SpillPolicyProvider provider, SpillConfig config) {
    SpillPolicy policy;
    try {
      policy = provider.create(config);
    } catch (SpillConfigurationException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new SpillConfigurationException("Policy provider " + provider.getClass().getName() + " ('"
          + provider.name() + "') failed to create its policy: " + e, e);
    }
    if (policy == null) {
      throw new SpillConfigurationException("Policy provider " + provider.getClass().getName() + " ('"
          + provider.name() + "') returned no policy");
    }
    return policy;
  }

  private static SpillStore createStore(SpillStoreProvider provider, SpillConfig config) {
    SpillStore store;
    try {
      store = provider.create(config);
    } catch (SpillConfigurationException e) {
      throw e;
    } catch (IOException e) {
      Optional<String> session = config.persistentSession();
      if (session.isPresent()) {
        // Most often another live manager owning the session: a store error, not a configuration one.
        throw new SpillStoreException("Store '" + provider.name() + "' cannot open persistent session '"
            + session.get() + "' (spillDir " + config.spillDir() + "): " + e.getMessage(), null, null, e);
      }
      // The provider's message says where and why; the class name would only hide it.
      throw new SpillConfigurationException("Store '" + provider.name() + "' could not open a session: "
          + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new SpillConfigurationException("Store provider " + provider.getClass().getName() + " ('"
          + provider.name() + "') could not open a store session (spillDir " + config.spillDir() + "): " + e, e);
    }
    if (store == null) {
      throw new SpillConfigurationException("Store provider " + provider.getClass().getName() + " ('"
          + provider.name() + "') returned no store");
    }
    return store;
  }
}
