package io.spillway.store.file;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The folder of a persistent session, {@code persistent-<name>}, and its ownership: one live store at a time, in
 * this process or in any other, holds it.
 *
 * <p>Ownership is an exclusive {@link FileLock} on {@value FileNames#LOCK_FILE}, which the operating system drops
 * when the owner dies however it dies, so a crashed owner never keeps the session from its next one. The owner
 * writes who it is into {@value #OWNER_FILE}, only so that a refused opener can be told. Within this process the
 * folders owned are also kept in a set, checked before the lock file is opened at all: with POSIX locks, closing
 * any channel to a file drops every lock the process holds on it, so a second opener in the same JVM must never
 * open the lock file to find out.
 *
 * <p>Stale-session removal ({@link SessionFolders#removeStale}) never touches these folders: it takes only
 * {@code session-} and {@code deleting-} ones. Thread-safe. Internal, may change.
 */
final class PersistentFolder {
  static final String PREFIX = "persistent-";
  static final String OWNER_FILE = "owner";

  /** Real paths of the persistent folders this JVM owns. */
  private static final Set<Path> OWNED_HERE = ConcurrentHashMap.newKeySet();

  private PersistentFolder() {}

  /** The folder of session {@code name} in {@code spillDir}; the name is one {@code SpillConfig} accepted. */
  static Path of(Path spillDir, String name) {
    return spillDir.resolve(PREFIX + name);
  }

  /**
   * Creates the folder of session {@code name} if new, and takes it. The folder comes back as its real path, which
   * {@link #released} takes.
   *
   * @throws IOException naming the owner if a live store owns it, or if the folder cannot be created or locked
   */
  static synchronized SessionFolders.Locked take(Path spillDir, String name) throws IOException {
    Path dir = of(spillDir, name);
    Files.createDirectories(dir);
    Path real = dir.toRealPath();
    if (!OWNED_HERE.add(real)) {
      throw new IOException("Persistent spill session '" + name + "' in " + spillDir
          + " is owned by a live store of this process (" + ownerOf(dir) + ")");
    }
    @Nullable FileChannel channel = null;
    try {
      channel = FileChannel.open(dir.resolve(FileNames.LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // another class loader's store of this JVM: live
      }
      if (lock == null) {
        throw new IOException("Persistent spill session '" + name + "' in " + spillDir
            + " is owned by a live store of another process (" + ownerOf(dir) + ")");
      }
      writeOwner(dir);
      return new SessionFolders.Locked(real, channel, lock);
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException close) {
          e.addSuppressed(close);
        }
      }
      OWNED_HERE.remove(real);
      throw e;
    }
  }

  /** A look at a folder's lock, which {@link #probe} runs. */
  @FunctionalInterface
  interface LockProbe<T> {
    T run() throws IOException;
  }

  /**
   * For inspection ({@link FileStoreInspector}): {@code ownedHere} if a store of this process owns folder
   * {@code dir}, otherwise what {@code probe} finds by opening the lock file. Under the same lock as {@link #take}, so
   * that no store of this process takes the folder while the probe holds a channel to its lock file: closing that
   * channel would drop the new owner's lock (POSIX locks are per process).
   */
  static synchronized <T> T probe(Path dir, T ownedHere, LockProbe<T> probe) throws IOException {
    Path real;
    try {
      real = dir.toRealPath();
    } catch (NoSuchFileException e) {
      return probe.run();
    }
    return OWNED_HERE.contains(real) ? ownedHere : probe.run();
  }

  /** Gives up folder {@code dir}, as {@link #take} returned it, once its lock is released. */
  static void released(Path dir) {
    OWNED_HERE.remove(dir);
  }

  private static void writeOwner(Path dir) throws IOException {
    ProcessHandle self = ProcessHandle.current();
    String owner = "pid " + self.pid() + ", started "
        + self.info().startInstant().map(Instant::toString).orElse("at an unknown time") + ", taken "
        + Instant.now();
    try (FileChannel out = FileChannel.open(dir.resolve(OWNER_FILE), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer bytes = ByteBuffer.wrap(owner.getBytes(UTF_8));
      while (bytes.hasRemaining()) {
        out.write(bytes);
      }
    }
  }

  /** What the owner wrote about itself, for a message. */
  private static String ownerOf(Path dir) {
    try {
      return "owner: " + new String(Files.readAllBytes(dir.resolve(OWNER_FILE)), UTF_8).strip();
    } catch (NoSuchFileException e) {
      return "owner unknown";
    } catch (IOException e) {
      return "owner unknown: " + e.getMessage();
    }
  }
}
