package io.spillway.store.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The folders of one session, one in each spill directory, each locked by the session for its whole life: how they
 * are taken (a new ephemeral session, or a persistent one taken over) and how they are given up (kept, or deleted).
 *
 * <p>Every folder of a session is locked, not only the first: stale-session removal looks at each directory on its
 * own, and must see each folder of a live session as live. Internal, may change; not thread-safe (the store calls
 * it from its constructor and under its exclusive lock).
 */
final class SessionDirs {
  private final List<SessionFolders.Locked> folders;
  private final boolean persistent;

  private SessionDirs(List<SessionFolders.Locked> folders, boolean persistent) {
    this.folders = List.copyOf(folders);
    this.persistent = persistent;
  }

  /**
   * Removes dead ephemeral sessions from each of {@code spillDirs}, then creates and locks a new session folder in
   * each.
   */
  static SessionDirs createEphemeral(List<Path> spillDirs) throws IOException {
    List<SessionFolders.Locked> taken = new ArrayList<>();
    try {
      for (Path spillDir : spillDirs) {
        Files.createDirectories(spillDir);
        SessionFolders.removeStale(spillDir);
        taken.add(SessionFolders.create(spillDir));
      }
    } catch (IOException | RuntimeException e) {
      new SessionDirs(taken, false).deleteAll(null);
      throw e;
    }
    return new SessionDirs(taken, false);
  }

  /**
   * Removes dead ephemeral sessions from each of {@code spillDirs}, then takes persistent session {@code name}'s
   * folder in each, created where it is new.
   *
   * @throws IOException naming the owner if a live store owns the session
   */
  static SessionDirs takePersistent(List<Path> spillDirs, String name) throws IOException {
    List<SessionFolders.Locked> taken = new ArrayList<>();
    try {
      for (Path spillDir : spillDirs) {
        Files.createDirectories(spillDir);
        SessionFolders.removeStale(spillDir);
        taken.add(PersistentFolder.take(spillDir, name));
      }
    } catch (IOException | RuntimeException e) {
      IOException release = new SessionDirs(taken, true).release(null);
      if (release != null) {
        e.addSuppressed(release);
      }
      throw e;
    }
    return new SessionDirs(taken, true);
  }

  boolean persistent() {
    return persistent;
  }

  /** The folders, the first spill directory's first. */
  List<Path> paths() {
    List<Path> paths = new ArrayList<>();
    for (SessionFolders.Locked folder : folders) {
      paths.add(folder.dir());
    }
    return paths;
  }

  /**
   * Gives the folders up as they are, for the session's next owner. Returns the failures, added to {@code failure}
   * (or the first, if it was {@code null}).
   */
  @Nullable IOException release(@Nullable IOException failure) {
    @Nullable IOException failures = failure;
    for (SessionFolders.Locked folder : folders) {
      failures = unlock(folder, failures);
      if (persistent) {
        PersistentFolder.released(folder.dir());
      }
    }
    return failures;
  }

  /**
   * Deletes every file of the folders and the folders themselves, each lock last: until then no other process
   * takes a folder for a dead session's. Returns the failures, added to {@code failure}.
   */
  @Nullable IOException deleteAll(@Nullable IOException failure) {
    @Nullable IOException failures = failure;
    for (SessionFolders.Locked folder : folders) {
      Path lockFile = folder.dir().resolve(FileNames.LOCK_FILE);
      failures = SessionFolders.deleteAllBut(folder.dir(), lockFile, failures);
      failures = unlock(folder, failures);
      try {
        Files.deleteIfExists(lockFile);
        Files.deleteIfExists(folder.dir());
      } catch (IOException e) {
        failures = SessionFolders.collect(failures, e);
      }
      if (persistent) {
        PersistentFolder.released(folder.dir());
      }
    }
    return failures;
  }

  private static @Nullable IOException unlock(SessionFolders.Locked folder, @Nullable IOException failure) {
    @Nullable IOException failures = failure;
    try {
      folder.lock().release();
    } catch (IOException e) {
      failures = SessionFolders.collect(failures, e);
    }
    try {
      folder.lockChannel().close();
    } catch (IOException e) {
      failures = SessionFolders.collect(failures, e);
    }
    return failures;
  }
}
