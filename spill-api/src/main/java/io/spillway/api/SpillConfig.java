package io.spillway.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * The immutable settings of one manager. Build one with {@link #builder()}:
 *
 * <pre>{@code
 * SpillConfig config = SpillConfig.builder()
 *     .maxMemory(512L << 20)
 *     .spillThreshold(0.8)
 *     .spillDir(Path.of("/var/tmp/my-app-spill"))
 *     .build();
 * }</pre>
 *
 * <p>Defaults follow RedDB's spill manager: a 512 MiB budget, spilling from 80% to 60%, segments under 1 MiB
 * never spilled, scores decayed by 0.95 (for RedDB's {@code coldness} policy). Values the manager holds itself
 * ({@link SpillManager#put}) have defaults of their own, unless those settings are given: they are spilled whatever
 * their size, from 95% of the budget down to 90% (see {@link #managedSpillThreshold()}). With no policy or store
 * named, the highest-priority provider on the class path is used: of the bundled ones, the {@code adaptive}
 * policy (not RedDB's: the best measured one; {@code policy("coldness")} selects RedDB's) and the {@code file} store.
 *
 * <p>Plugins read their own settings from {@link #options()}, under keys they document (for example
 * {@code s3.bucket}).
 */
public final class SpillConfig {
  /** Default budget: {@value} bytes (512 MiB). */
  public static final long DEFAULT_MAX_MEMORY = 512L * 1024 * 1024;
  /** Default fraction of the budget at which spilling starts: {@value}. */
  public static final double DEFAULT_SPILL_THRESHOLD = 0.80;
  /** Default fraction of the budget a spill round aims for: {@value}. */
  public static final double DEFAULT_TARGET_AFTER_SPILL = 0.60;
  /** Default size under which a segment is never chosen as a victim: {@value} bytes (1 MiB). */
  public static final long DEFAULT_MIN_SPILL_SIZE = 1024L * 1024;
  /** Default factor applied to coldness scores on each spill check over the threshold: {@value}. */
  public static final double DEFAULT_ACCESS_DECAY = 0.95;
  /** Checksum codec of new frames unless another is named: {@value}. */
  public static final String DEFAULT_CHECKSUM = "crc32c";
  /** Frame format written unless another is asked for: {@value}. */
  public static final int DEFAULT_FRAME_VERSION = 3;
  /** Encryption of new frames unless another is named: {@value} (see {@link Builder#encryption}). */
  public static final String DEFAULT_ENCRYPTION = "none";
  /** Compression of new v3 frames unless another is named: {@value} (see {@link Builder#compression}). */
  public static final String DEFAULT_COMPRESSION = "none";
  /** Fraction of the budget at which managed values start being spilled, unless thresholds are set: {@value}. */
  public static final double DEFAULT_MANAGED_SPILL_THRESHOLD = 0.95;
  /** Fraction of the budget a spill of managed values aims for, unless thresholds are set: {@value}. */
  public static final double DEFAULT_MANAGED_TARGET_AFTER_SPILL = 0.90;
  /** Default quota of the store, {@value} bytes: {@link Long#MAX_VALUE}, unlimited. */
  public static final long DEFAULT_MAX_STORE_BYTES = Long.MAX_VALUE;
  /** Default longest wait for room in the budget before {@link SpillBudgetExceededException}: 30 seconds. */
  public static final Duration DEFAULT_MAX_BLOCK = Duration.ofSeconds(30);
  /** Lowest spill threshold; lower values are raised to it, as RedDB does: {@value}. */
  public static final double MIN_SPILL_THRESHOLD = 0.10;
  /** Highest spill threshold; higher values are lowered to it, as RedDB does: {@value}. */
  public static final double MAX_SPILL_THRESHOLD = 0.99;
  /** Lowest target after spill; lower values are raised to it, as RedDB does: {@value}. */
  public static final double MIN_TARGET_AFTER_SPILL = 0.10;
  /** Highest target after spill; higher values are lowered to it, as RedDB does: {@value}. */
  public static final double MAX_TARGET_AFTER_SPILL = 0.90;

  private final long maxMemory;
  private final double spillThreshold;
  private final double targetAfterSpill;
  private final long minSpillSize;
  private final double managedSpillThreshold;
  private final double managedTargetAfterSpill;
  private final long managedMinSpillSize;
  private final int ioThreads;
  private final double accessDecay;
  private final Path spillDir;
  private final List<Path> spillDirs;
  private final Optional<String> policy;
  private final Optional<String> store;
  private final String checksum;
  private final int frameVersion;
  private final String compression;
  private final String encryption;
  private final boolean fsync;
  private final Optional<String> persistentSession;
  private final long maxStoreBytes;
  private final Map<String, String> options;
  private final SpillMode spillMode;
  private final Optional<Executor> spillExecutor;
  private final Duration maxBlock;
  private final List<SpillListener> listeners;

  private SpillConfig(Builder b) {
    this.maxMemory = b.maxMemory;
    this.spillThreshold = b.spillThreshold;
    this.targetAfterSpill = b.targetAfterSpill;
    this.minSpillSize = b.minSpillSize;
    boolean thresholdsSet = b.set.contains("spillThreshold") || b.set.contains("targetAfterSpill");
    this.managedSpillThreshold = thresholdsSet ? b.spillThreshold : DEFAULT_MANAGED_SPILL_THRESHOLD;
    this.managedTargetAfterSpill = thresholdsSet ? b.targetAfterSpill : DEFAULT_MANAGED_TARGET_AFTER_SPILL;
    this.managedMinSpillSize = b.set.contains("minSpillSize") ? b.minSpillSize : 0;
    this.ioThreads = b.ioThreads;
    this.accessDecay = b.accessDecay;
    this.spillDirs = b.spillDirs != null ? b.spillDirs : List.of(b.spillDir != null ? b.spillDir : defaultSpillDir());
    this.spillDir = spillDirs.get(0);
    this.policy = Optional.ofNullable(b.policy);
    this.store = Optional.ofNullable(b.store);
    this.checksum = b.checksum;
    this.frameVersion = b.frameVersion;
    this.compression = b.compression;
    this.encryption = b.encryption;
    this.fsync = b.fsync;
    this.persistentSession = Optional.ofNullable(b.persistentSession);
    this.maxStoreBytes = b.maxStoreBytes;
    this.options = Collections.unmodifiableMap(new LinkedHashMap<>(b.options));
    this.spillMode = b.spillMode;
    this.spillExecutor = Optional.ofNullable(b.spillExecutor);
    this.maxBlock = b.maxBlock;
    this.listeners = List.copyOf(b.listeners);
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A configuration of defaults only. */
  public static SpillConfig defaults() {
    return builder().build();
  }

  /** The default spill directory: {@code spillway} under {@code java.io.tmpdir}. */
  public static Path defaultSpillDir() {
    return Path.of(System.getProperty("java.io.tmpdir"), "spillway");
  }

  /** The memory budget in bytes. */
  public long maxMemory() {
    return maxMemory;
  }

  /** Fraction of {@link #maxMemory()} at which spilling starts, within [0.10, 0.99]. */
  public double spillThreshold() {
    return spillThreshold;
  }

  /** Fraction of {@link #maxMemory()} a spill round brings usage down to, within [0.10, 0.90]. */
  public double targetAfterSpill() {
    return targetAfterSpill;
  }

  /**
   * Manual segments smaller than this many bytes are never chosen as victims ({@link SpillManager#needsSpill()});
   * see {@link #managedMinSpillSize()} for managed values.
   */
  public long minSpillSize() {
    return minSpillSize;
  }

  /**
   * Fraction of {@link #maxMemory()} at which the manager starts spilling the values it holds
   * ({@link SpillManager#put}): {@link #spillThreshold()} if it or {@link #targetAfterSpill()} was set, else
   * {@value #DEFAULT_MANAGED_SPILL_THRESHOLD}. Managed values never pass the budget itself (a {@code put} waits for
   * room), so they need less headroom than RedDB's manual segments: above the threshold the spiller runs in the
   * background; a caller waits only if its value does not fit under {@code maxMemory}.
   */
  public double managedSpillThreshold() {
    return managedSpillThreshold;
  }

  /**
   * Fraction of {@link #maxMemory()} a spill of managed values brings usage down to: {@link #targetAfterSpill()} if
   * it or {@link #spillThreshold()} was set, else {@value #DEFAULT_MANAGED_TARGET_AFTER_SPILL}.
   */
  public double managedTargetAfterSpill() {
    return managedTargetAfterSpill;
  }

  /**
   * Managed values smaller than this many bytes are never spilled: {@link #minSpillSize()} if it was set, else 0
   * (values of any size are spilled, since a small value held by the manager costs as much memory per byte as a
   * large one).
   */
  public long managedMinSpillSize() {
    return managedMinSpillSize;
  }

  /**
   * How many spills of different managed values may run at once, or 0 if not set: then the store provider's
   * {@link io.spillway.api.spi.SpillStoreProvider#defaultIoThreads(int)} ({@code file}: the processors but one, 1 to
   * 4, as page-cache copies are bound by the processor; {@code s3}, {@code tiered}: the processors, 2 to 8).
   */
  public int ioThreads() {
    return ioThreads;
  }

  /** Factor in (0, 1] by which the {@code coldness} policy decays scores on each check over the threshold. */
  public double accessDecay() {
    return accessDecay;
  }

  /** The directory under which local stores keep their session folders: the first of {@link #spillDirs()}. */
  public Path spillDir() {
    return spillDir;
  }

  /**
   * The directories a local store spreads a session over, at least one, without duplicates: those given to
   * {@link Builder#spillDirs}, or else {@link #spillDir()} alone.
   */
  public List<Path> spillDirs() {
    return spillDirs;
  }

  /** The policy provider asked for by name, or empty to take the highest priority one. */
  public Optional<String> policy() {
    return policy;
  }

  /** The store provider asked for by name, or empty to take the highest priority one. */
  public Optional<String> store() {
    return store;
  }

  /** The checksum codec written into new frames. */
  public String checksum() {
    return checksum;
  }

  /** The frame version written: 3 (Spillway's own) or 2 (RedDB interoperability). */
  public int frameVersion() {
    return frameVersion;
  }

  /** The compression of new v3 frames: {@code none}, {@code auto} or a codec's name (see the builder's). */
  public String compression() {
    return compression;
  }

  /** The encryption of new frames: {@code none} or {@code aes-gcm} (see the builder's). */
  public String encryption() {
    return encryption;
  }

  /** Whether stores force written bytes to stable storage before a spill completes. */
  public boolean fsync() {
    return fsync;
  }

  /**
   * The name of the persistent session the manager owns, or empty for an ephemeral session (the default), whose
   * stored data dies with its manager. See {@link Builder#persistentSession(String)}.
   */
  public Optional<String> persistentSession() {
    return persistentSession;
  }

  /**
   * The most bytes the manager's store may hold at the start, as the store counts them
   * ({@link io.spillway.api.spi.SpillStore#usage()}: frames included); {@value #DEFAULT_MAX_STORE_BYTES} (the
   * default) for no limit. The manager's {@link SpillManager#setMaxStoreBytes(long)} changes it at run time. See
   * {@link Builder#maxStoreBytes(long)}.
   */
  public long maxStoreBytes() {
    return maxStoreBytes;
  }

  /** Plugin settings, by key; unmodifiable. */
  public Map<String, String> options() {
    return options;
  }

  /** The plugin setting under {@code key}, if given. */
  public Optional<String> option(String key) {
    return Optional.ofNullable(options.get(Objects.requireNonNull(key, "key")));
  }

  /** How values the manager owns are spilled: in the background (default) or by the calling thread. */
  public SpillMode spillMode() {
    return spillMode;
  }

  /**
   * The executor that runs background spills, asynchronous reloads and prefetches, and (in
   * {@link SpillMode#BACKGROUND}) hands recorded accesses to the policy; empty for the manager's own (daemon threads
   * it shuts down on close). A given executor is never shut down by the manager.
   */
  public Optional<Executor> spillExecutor() {
    return spillExecutor;
  }

  /** The longest a caller waits for room in the budget before {@link SpillBudgetExceededException}. */
  public Duration maxBlock() {
    return maxBlock;
  }

  /** The listeners told of spills, reloads and failures, in registration order. */
  public List<SpillListener> listeners() {
    return listeners;
  }

  /** Every setting, for logs and error messages (listener and executor objects by count and presence only). */
  @Override
  public String toString() {
    return ConfigText.describe(this);
  }

  /**
   * Collects settings for a {@link SpillConfig}. Each setting may be given once; a second call throws
   * {@link IllegalStateException}. Values that can never make sense throw {@link IllegalArgumentException} at
   * once. Not thread-safe.
   */
  public static final class Builder {
    private long maxMemory = DEFAULT_MAX_MEMORY;
    private double spillThreshold = DEFAULT_SPILL_THRESHOLD;
    private double targetAfterSpill = DEFAULT_TARGET_AFTER_SPILL;
    private long minSpillSize = DEFAULT_MIN_SPILL_SIZE;
    private int ioThreads;
    private double accessDecay = DEFAULT_ACCESS_DECAY;
    // Null while unset (here and spillExecutor): the config then falls back to its default.
    private @Nullable Path spillDir;
    private @Nullable List<Path> spillDirs;
    private @Nullable String policy;
    private @Nullable String store;
    private String checksum = DEFAULT_CHECKSUM;
    private int frameVersion = DEFAULT_FRAME_VERSION;
    private String compression = DEFAULT_COMPRESSION;
    private String encryption = DEFAULT_ENCRYPTION;
    private boolean fsync;
    private @Nullable String persistentSession;
    private long maxStoreBytes = DEFAULT_MAX_STORE_BYTES;
    private final Map<String, String> options = new LinkedHashMap<>();
    private SpillMode spillMode = SpillMode.BACKGROUND;
    private @Nullable Executor spillExecutor;
    private Duration maxBlock = DEFAULT_MAX_BLOCK;
    private final List<SpillListener> listeners = new ArrayList<>();
    private final java.util.Set<String> set = new java.util.HashSet<>();
    private Builder() {}

    private void once(String setting) {
      if (!set.add(setting)) {
        throw new IllegalStateException(setting + " was already set");
      }
    }

    /**
     * The memory budget in bytes.
     *
     * @throws IllegalArgumentException if {@code bytes} is not positive
     */
    public Builder maxMemory(long bytes) {
      once("maxMemory");
      this.maxMemory = ConfigChecks.positive("maxMemory", bytes);
      return this;
    }

    /**
     * The fraction of the budget at which spilling starts. As in RedDB, a value in [0, 1] is clamped into
     * [{@value #MIN_SPILL_THRESHOLD}, {@value #MAX_SPILL_THRESHOLD}].
     *
     * @throws IllegalArgumentException if {@code fraction} is outside [0, 1] or NaN
     */
    public Builder spillThreshold(double fraction) {
      once("spillThreshold");
      this.spillThreshold = ConfigChecks.fraction("spillThreshold", fraction, MIN_SPILL_THRESHOLD, MAX_SPILL_THRESHOLD);
      return this;
    }

    /**
     * The fraction of the budget a spill round brings usage down to. As in RedDB, a value in [0, 1] is clamped into
     * [{@value #MIN_TARGET_AFTER_SPILL}, {@value #MAX_TARGET_AFTER_SPILL}]. A target at or above the threshold is
     * accepted, as RedDB does, and means that a round starts only once usage passes the target.
     *
     * @throws IllegalArgumentException if {@code fraction} is outside [0, 1] or NaN
     */
    public Builder targetAfterSpill(double fraction) {
      once("targetAfterSpill");
      this.targetAfterSpill =
          ConfigChecks.fraction("targetAfterSpill", fraction, MIN_TARGET_AFTER_SPILL, MAX_TARGET_AFTER_SPILL);
      return this;
    }

    /**
     * Segments smaller than this are never chosen as victims (they can still be spilled by name). Set, it applies to
     * managed values too; unset, managed values of any size are spilled (see {@link #managedMinSpillSize()}).
     *
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public Builder minSpillSize(long bytes) {
      once("minSpillSize");
      this.minSpillSize = ConfigChecks.nonNegative("minSpillSize", bytes);
      return this;
    }

    /**
     * The factor by which the {@code coldness} policy multiplies every score each time a spill check finds usage
     * over the threshold.
     *
     * @throws IllegalArgumentException unless {@code 0 < factor <= 1}
     */
    public Builder accessDecay(double factor) {
      once("accessDecay");
      this.accessDecay = ConfigChecks.decay(factor);
      return this;
    }

    /**
     * How many spills of different managed values may run at once (see {@link SpillConfig#ioThreads()}).
     * @throws IllegalArgumentException if {@code threads} is not positive
     */
    public Builder ioThreads(int threads) {
      once("ioThreads");
      this.ioThreads = (int) ConfigChecks.positive("ioThreads", threads);
      return this;
    }

    /**
     * The directory under which local stores keep their session folders; created when needed.
     *
     * @throws IllegalStateException if {@link #spillDirs} was given too
     */
    public Builder spillDir(Path dir) {
      once("spillDir");
      ConfigChecks.notBoth(spillDirs != null, "spillDirs");
      this.spillDir = Objects.requireNonNull(dir, "spillDir");
      return this;
    }

    /**
     * Several directories (on several disks, say) for a local store to spread a session over; created when needed.
     * The {@code file} store puts each new log file in the next healthy one in turn, skipping one fuller than a
     * threshold or whose last write failed. {@link SpillConfig#spillDir()} is then the first.
     * @throws IllegalArgumentException if none is given, or one twice (compared as absolute, normalised paths)
     * @throws IllegalStateException if {@link #spillDir} was given too
     */
    public Builder spillDirs(Path... dirs) {
      once("spillDirs");
      ConfigChecks.notBoth(spillDir != null, "spillDir");
      this.spillDirs = ConfigChecks.distinctDirs(dirs);
      return this;
    }

    /** Selects the policy provider by name (for example {@code "lru"}). */
    public Builder policy(String name) {
      once("policy");
      this.policy = ConfigChecks.requireName("policy", name);
      return this;
    }

    /** Selects the store provider by name (for example {@code "file"}). */
    public Builder store(String name) {
      once("store");
      this.store = ConfigChecks.requireName("store", name);
      return this;
    }

    /** Selects the checksum codec written into new v3 frames (v2 frames always use {@code crc32}). */
    public Builder checksum(String name) {
      once("checksum");
      this.checksum = ConfigChecks.requireName("checksum", name);
      return this;
    }

    /**
     * The frame format to write: 3 (default) or 2 (RedDB's, for interoperability). All versions are read.
     *
     * @throws IllegalArgumentException for any other version
     */
    public Builder frameVersion(int version) {
      once("frameVersion");
      this.frameVersion = ConfigChecks.frameVersion(version);
      return this;
    }

    /**
     * Encrypts new v3 frames: {@code "none"} (the default) or {@code "aes-gcm"} (AES-256-GCM, the name and header
     * authenticated too; see {@code io.spillway.core.SpillFrames}), under a random in-memory key, or in a persistent
     * session the {@link io.spillway.api.spi.SpillKeyProvider} named by option {@code encryption.keyProvider}.
     * @throws IllegalArgumentException for another name
     */
    public Builder encryption(String name) {
      once("encryption");
      this.encryption = ConfigChecks.encryption(name);
      return this;
    }

    /**
     * The compression of new v3 frames: {@code "none"} (the default, the fastest on a local disk as measured),
     * {@code "auto"} (LZ4 for each payload a sample says it shrinks; see {@code io.spillway.core.SpillFrames}) or a
     * codec on the class path, such as {@code "lz4"} or {@code "zstd"} (option {@code zstd.level}) of spill-compress:
     * an unknown name fails when the manager opens ({@link SpillConfigurationException}, listing those found). v2
     * frames are never compressed: another than {@code none} with {@code frameVersion(2)} fails {@link #build()}.
     */
    public Builder compression(String name) {
      once("compression");
      this.compression = ConfigChecks.requireName("compression", name);
      return this;
    }

    /**
     * Whether stores force written bytes to stable storage before a spill completes. Off by default. Without it a
     * completed spill survives the process being killed ({@code kill -9}: the operating system still holds the
     * bytes), but not a power loss or an operating-system crash; with it, it survives those too, at the price of a
     * wait for the device on every spill. For an ephemeral session (the default) nothing outlives the process
     * anyway; the setting matters for {@link #persistentSession(String) persistent sessions}.
     */
    public Builder fsync(boolean enabled) {
      once("fsync");
      this.fsync = enabled;
      return this;
    }

    /**
     * Makes the store session persistent under {@code name}: what is spilled outlives the manager, and the next
     * manager opened with the same name and store settings takes it over, spilled. {@link SpillManager#close()} keeps
     * the data, {@link SpillManager#discard()} deletes it. One live manager owns a session; another fails with a
     * {@link SpillStoreException} naming the owner. A store that does not support it (the {@code file} and {@code s3}
     * stores do), or frame version 2, makes the manager fail to open ({@link SpillConfigurationException}).
     *
     * @param name 1 to 64 characters among {@code A-Z a-z 0-9 . _ -}, not starting with {@code .}
     * @throws IllegalArgumentException if {@code name} is not such a name
     */
    public Builder persistentSession(String name) {
      once("persistentSession");
      this.persistentSession = ConfigChecks.sessionName(name);
      return this;
    }

    /**
     * Caps what the manager's store holds: at most {@code bytes} as the store counts them
     * ({@link io.spillway.api.spi.SpillStore#usage()}, frames included). Default: no limit
     * ({@value #DEFAULT_MAX_STORE_BYTES}).
     *
     * <p>A spill that would pass the quota writes nothing and fails with a {@link StoreQuotaExceededException}
     * naming the segment and the quota; the segment stays resident. Concurrent spills reserve their bytes first, so
     * together they never pass it. Clean copies of reloaded managed values count too, but never make a spill fail: a
     * refused spill drops them and is tried once more. With {@code tiered} it caps both tiers together.
     * {@link SpillManager#setMaxStoreBytes(long)} changes it at run time.
     *
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public Builder maxStoreBytes(long bytes) {
      once("maxStoreBytes");
      this.maxStoreBytes = ConfigChecks.nonNegative("maxStoreBytes", bytes);
      return this;
    }

    /** A plugin setting; keys are namespaced by the plugin (for example {@code s3.bucket}). */
    public Builder option(String key, String value) {
      ConfigChecks.putOnce(options, key, value);
      return this;
    }

    /** Spill values the manager owns in the background (default) or on the calling thread. */
    public Builder spillMode(SpillMode mode) {
      once("spillMode");
      this.spillMode = Objects.requireNonNull(mode, "spillMode");
      return this;
    }

    /**
     * The executor for background spills, asynchronous reloads, prefetches and (in {@link SpillMode#BACKGROUND})
     * the hand-over of recorded accesses to the policy: short tasks, one at a time. An executor that runs tasks in
     * the calling thread makes the reading thread do that hand-over itself. The manager never shuts it down.
     */
    public Builder spillExecutor(Executor executor) {
      once("spillExecutor");
      this.spillExecutor = Objects.requireNonNull(executor, "spillExecutor");
      return this;
    }

    /**
     * The longest a caller waits for room in the budget before {@link SpillBudgetExceededException}.
     *
     * @throws IllegalArgumentException if {@code wait} is negative
     */
    public Builder maxBlock(Duration wait) {
      once("maxBlock");
      this.maxBlock = ConfigChecks.nonNegative(wait);
      return this;
    }

    /** Adds a listener told of every spill, reload and failure. May be called several times. */
    public Builder listener(SpillListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** The configuration. The builder may be used again afterwards only to build equal configurations. */
    public SpillConfig build() {
      ConfigChecks.compressionFits(frameVersion, set.contains("compression") ? compression : "none", encryption);
      return new SpillConfig(this);
    }
  }
}
