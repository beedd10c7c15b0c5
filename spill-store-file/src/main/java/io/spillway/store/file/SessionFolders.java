package io.spillway.store.file;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * Creates session folders, each locked by its owner for its whole life, and removes the folders of dead sessions.
 *
 * <p>A session folder is {@code session-<pid>-<process start, epoch ms>-<random>} and holds {@value
 * FileNames#LOCK_FILE}, on which its owner holds an exclusive {@link FileLock}. The operating system drops that lock
 * when the owner dies, however it dies, so a folder whose lock can be taken belongs to nobody.
 *
 * <p>Internal, may change.
 */
final class SessionFolders {
  static final String SESSION_PREFIX = "session-";
  static final String DELETING_PREFIX = "deleting-";

  /**
   * How old a session folder without a lock file must be before it counts as abandoned. A folder lacks its lock
   * file only for the instant between its creation and the lock file's, unless its creator died in that instant.
   */
  static final Duration LOCKLESS_GRACE = Duration.ofMinutes(10);

  private static final System.Logger LOG = System.getLogger(FileSpillStoreProvider.class.getName());
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int CREATE_ATTEMPTS = 16;

  private SessionFolders() {}

  /** A session folder with its lock held. */
  record Locked(Path dir, FileChannel lockChannel, FileLock lock) {}

  /** Identifies this process in folder names: pid and start time, so that a reused pid is told apart. */
  static String processTag() {
    ProcessHandle self = ProcessHandle.current();
    long start = self.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    return self.pid() + "-" + start;
  }

  /**
   * Creates and locks a new session folder in {@code spillDir}, creating {@code spillDir} if needed.
   *
   * @throws IOException if the folder or its lock file cannot be created or locked
   */
  static Locked create(Path spillDir) throws IOException {
    Files.createDirectories(spillDir);
    String tag = processTag();
    for (int attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
      byte[] random = new byte[8];
      RANDOM.nextBytes(random);
      Path dir = spillDir.resolve(SESSION_PREFIX + tag + "-" + HexFormat.of().formatHex(random));
      try {
        Files.createDirectory(dir);
      } catch (FileAlreadyExistsException e) {
        continue;
      }
      Path lockFile = dir.resolve(FileNames.LOCK_FILE);
      @Nullable FileChannel channel = null;
      try {
        channel = FileChannel.open(lockFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        FileLock lock = channel.lock();
        // Another process's stale scan may have locked the file between its creation and our lock(); it then
        // renames the folder away before letting go, so the lock file is still at its path only if we won.
        if (Files.exists(lockFile, NOFOLLOW_LINKS)) {
          return new Locked(dir, channel, lock);
        }
        channel.close();
      } catch (NoSuchFileException e) {
        closeQuietly(channel, e);
      } catch (IOException | RuntimeException e) {
        closeQuietly(channel, e);
        try {
          Files.deleteIfExists(lockFile);
          Files.deleteIfExists(dir);
        } catch (IOException cleanup) {
          e.addSuppressed(cleanup);
        }
        throw e;
      }
    }
    throw new IOException("Could not create a session folder in " + spillDir + " after " + CREATE_ATTEMPTS
        + " attempts: other processes kept removing them");
  }

  /**
   * Deletes the session folders in {@code spillDir} whose owners are dead, and leftovers of interrupted deletions.
   * Never throws: a folder that cannot be examined or removed is logged and left for a later scan.
   *
   * @return how many folders it deleted
   */
  static int removeStale(Path spillDir) {
    String ownPrefix = SESSION_PREFIX + processTag() + "-";
    int removed = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(spillDir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        try {
          if (name.startsWith(DELETING_PREFIX)) {
            if (Files.isDirectory(entry, NOFOLLOW_LINKS)) {
              deleteRecursively(entry);
              removed++;
            }
          } else if (name.startsWith(SESSION_PREFIX) && !name.startsWith(ownPrefix) && removeIfStale(entry)) {
            removed++;
          }
        } catch (IOException | RuntimeException e) {
          LOG.log(Level.WARNING, "Could not remove stale spill session " + entry + "; will retry on next start", e);
        }
      }
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Could not scan " + spillDir + " for stale spill sessions", e);
    }
    return removed;
  }

  /*
   * Folders of this process (same pid and start time) are never opened here, even when their store is gone: with
   * POSIX locks, closing any channel to a file drops every lock the process holds on it, so merely probing a live
   * session of this JVM (a store loaded by another class loader, say) would unlock it for other processes.
   */
  private static boolean removeIfStale(Path dir) throws IOException {
    if (!Files.isDirectory(dir, NOFOLLOW_LINKS)) {
      return false; // a symbolic link or a file: not ours to follow or delete
    }
    Path lockFile = dir.resolve(FileNames.LOCK_FILE);
    FileChannel channel;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.WRITE, NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      Instant modified = Files.getLastModifiedTime(dir, NOFOLLOW_LINKS).toInstant();
      return modified.isBefore(Instant.now().minus(LOCKLESS_GRACE)) && retire(dir);
    }
    try (channel) {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        return false; // held by this JVM: live
      }
      if (lock == null) {
        return false; // held by another process: live
      }
      try {
        // Renamed while we hold the lock, so that a creator racing with us finds its folder gone and retries.
        return retire(dir);
      } finally {
        lock.release();
      }
    }
  }

  /** Moves a dead session folder out of the {@code session-} namespace, then deletes it; false if it was gone. */
  static boolean retire(Path dir) throws IOException {
    byte[] random = new byte[8];
    RANDOM.nextBytes(random);
    Path target = dir.resolveSibling(DELETING_PREFIX + HexFormat.of().formatHex(random));
    Path doomed = dir;
    try {
      Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
      doomed = target;
    } catch (NoSuchFileException e) {
      return false; // another scanner got there first
    } catch (IOException e) {
      // Some platforms refuse to rename a folder with an open file inside; deleting in place is still right.
      LOG.log(Level.DEBUG, "Could not rename stale session " + dir + "; deleting it in place", e);
    }
    deleteRecursively(doomed);
    LOG.log(Level.INFO, "Removed stale spill session " + dir);
    return true;
  }

  /** Deletes {@code dir} and everything in it, without following links; tolerates concurrent deleters. */
  static void deleteRecursively(Path dir) throws IOException {
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
          if (e instanceof NoSuchFileException) {
            return FileVisitResult.CONTINUE;
          }
          throw e;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path visited, IOException e) throws IOException {
          if (e != null && !(e instanceof NoSuchFileException)) {
            throw e;
          }
          Files.deleteIfExists(visited);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (NoSuchFileException e) {
      // already gone
    }
  }

  /**
   * Deletes everything in session folder {@code dir} but {@code keep}, without following links; what cannot be
   * deleted is added to {@code failure}, which comes back (or the first failure, if it was {@code null}).
   */
  static @Nullable IOException deleteAllBut(Path dir, Path keep, @Nullable IOException failure) {
    @Nullable IOException failures = failure;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        if (entry.equals(keep)) {
          continue;
        }
        try {
          if (Files.isDirectory(entry, NOFOLLOW_LINKS)) {
            deleteRecursively(entry);
          } else {
            Files.deleteIfExists(entry);
          }
        } catch (IOException e) {
          failures = collect(failures, e);
        }
      }
    } catch (NoSuchFileException e) {
      // removed behind our back; nothing left to delete
    } catch (IOException e) {
      failures = collect(failures, e);
    }
    return failures;
  }

  /** {@code first} with {@code next} suppressed in it, or {@code next} if there was no first failure. */
  static IOException collect(@Nullable IOException first, IOException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  /**
   * Makes the creation or removal of entries in {@code dir} durable; best effort, as not every platform can sync a
   * folder.
   */
  static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "Could not sync folder " + dir, e);
    }
  }

  private static void closeQuietly(@Nullable FileChannel channel, Exception failure) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        failure.addSuppressed(e);
      }
    }
  }
}
