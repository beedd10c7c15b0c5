package io.spillway.api.spi;

import io.spillway.api.SpillConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Creates {@link SpillStore} instances; registered in
 * {@code META-INF/services/io.spillway.api.spi.SpillStoreProvider}.
 *
 * <p>Implementations are stateless, thread-safe and have a public no-arg constructor.
 */
public interface SpillStoreProvider {

  /** The name users select this store by, for example {@code "file"}. Unique on a class path. */
  String name();

  /**
   * Rank among providers when no name is configured; the highest wins. A store that cannot work without settings
   * of its own (a bucket, say) should rank below 0 so that it is used only when asked for.
   */
  default int priority() {
    return 0;
  }

  /**
   * Whether {@link #create} honours {@link SpillConfig#persistentSession()}: a session of that name is created if
   * new, taken over with every value it holds otherwise, and kept by {@link SpillStore#close()}. A store that says
   * so also implements {@link SpillStore#location(String)} and {@link SpillStore#discard()}, and refuses a session
   * that a live store instance, in this process or another, already owns (an {@link java.io.IOException} naming the
   * owner). Default: false, and the core then refuses a persistent configuration before calling {@link #create}.
   */
  default boolean supportsPersistentSessions() {
    return false;
  }

  /**
   * How many spills of different managed values may run at once when {@link SpillConfig#ioThreads()} is not set,
   * on a machine with {@code processors} available processors; the core uses at least 1 and at most 64. Default:
   * {@link #overlappingIoThreads(int)}, right for a store whose writes wait on a network. A store bound by the
   * processor instead (a copy into the page cache) should answer fewer: threads beyond the processors left over
   * only contend with the application and each other.
   */
  default int defaultIoThreads(int processors) {
    return overlappingIoThreads(processors);
  }

  /**
   * The I/O threads for a store whose writes mostly wait: the processors, at least 2 and at most 8; what
   * {@link #defaultIoThreads(int)} answers unless a provider overrides it, and what the core uses for a store it
   * was handed without a provider.
   */
  static int overlappingIoThreads(int processors) {
    return Math.max(2, Math.min(8, processors));
  }

  /**
   * Removes what dead ephemeral sessions of this store left in {@code spillDir}, for
   * {@code io.spillway.core.Spillway.removeStaleSessions(Path)}, which asks every store provider on the class path. A
   * store that keeps sessions in a local directory removes those whose owner is gone, as it may already do when it
   * opens a session; it must never remove anything of a live session (in this process or another), of a persistent
   * session ({@link SpillConfig#persistentSession()}), or anything in {@code spillDir} it did not create. Stateless,
   * like the provider: it may run while stores of this provider are open in the directory. By default it removes
   * nothing and returns 0, right for a store that keeps nothing in a directory.
   *
   * @param spillDir the directory, as {@link SpillConfig#spillDir()}; it may not exist (then nothing is removed)
   * @return how many entries of {@code spillDir} (session folders, remains of removals) it removed
   * @throws IOException if the directory cannot be examined
   */
  default int removeStaleSessions(Path spillDir) throws IOException {
    return 0;
  }

  /**
   * Opens a read-only view of the sessions this store keeps where {@code config} points
   * ({@link SpillConfig#spillDirs()} for a store that keeps sessions in directories, its options for one that does
   * not), for tools that list, check and clean up sessions (the {@code spill-cli} tool). Unlike {@link #create}, it
   * opens no session, removes nothing and takes no lock or lease a session's owner needs; see
   * {@link SpillStoreInspector}. By default unsupported.
   *
   * @throws UnsupportedOperationException if this store cannot be inspected (the default)
   * @throws io.spillway.api.SpillConfigurationException if the config lacks what the store needs to find its
   *     sessions (a bucket, say)
   * @throws IOException if the location cannot be reached
   */
  default SpillStoreInspector inspect(SpillConfig config) throws IOException {
    throw new UnsupportedOperationException("Store '" + name() + "' (" + getClass().getName()
        + ") cannot be inspected");
  }

  /**
   * Opens a store session for one manager. Each call returns a store whose keys are private to it: two stores
   * created from the same configuration, in one process or in two, never see or delete each other's data.
   *
   * @throws IOException if the store cannot be reached or prepared
   */
  SpillStore create(SpillConfig config) throws IOException;

  /**
   * The {@link SpillConfig#options() option} keys this provider reads, each exactly as
   * {@link SpillConfig.Builder#option(String, String)} takes it, so that configuration tools (spill-config's
   * {@code io.spillway.config.SpillConfigs}) can refuse a misspelt key and name the nearest valid one. Keys are
   * conventionally under a namespace named after the provider ({@code s3.bucket}, {@code file.appendFiles}).
   * A provider that declares keys declares every key it reads, and a key nobody declares under a namespace some
   * provider declares in is refused by such a tool.
   *
   * <p>Default: empty, meaning "not declared": such a tool accepts any key under {@code name() + "."} unchecked
   * and leaves it to the provider to judge; it cannot map environment variables onto undeclared keys.
   */
  default Set<String> optionKeys() {
    return Set.of();
  }
}
