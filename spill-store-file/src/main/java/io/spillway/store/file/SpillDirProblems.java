package io.spillway.store.file;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Says in words why a session could not be opened in a spill directory: the directory is a regular file, one of its
 * parents is, it is on a read-only file system, it is not writable by this process, or else what the operating system
 * said. An {@link IOException} from {@code Files.createDirectories} names only a path ({@code /x: /x}); the user needs
 * the reason. Internal, may change; stateless.
 */
final class SpillDirProblems {
  private SpillDirProblems() {}

  /**
   * Why opening a session in {@code spillDirs} failed with {@code failure}: the first problem found by looking at
   * the directories themselves, else the reason {@code failure} gives.
   */
  static String explain(List<Path> spillDirs, IOException failure) {
    for (Path dir : spillDirs) {
      String problem = problemWith(dir);
      if (problem != null) {
        return problem;
      }
    }
    return reason(failure);
  }

  /** What keeps {@code dir} from holding session folders, or null if nothing visible does. */
  static @Nullable String problemWith(Path dir) {
    Path absolute = dir.toAbsolutePath();
    Path existing = absolute;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return null;
    }
    if (!Files.isDirectory(existing)) {
      String kind = Files.isRegularFile(existing) ? "a regular file" : "not a directory";
      return existing.equals(absolute)
          ? "spillDir " + dir + " is " + kind + ", not a directory"
          : "spillDir " + dir + " cannot be created: " + existing + " is " + kind + ", not a directory";
    }
    String where = existing.equals(absolute) ? "spillDir " + dir : "spillDir " + dir + " (under " + existing + ")";
    if (readOnly(existing)) {
      return where + " is on a read-only file system";
    }
    if (!Files.isWritable(existing)) {
      return where + " is not writable by this process (user " + System.getProperty("user.name") + ")";
    }
    return null;
  }

  private static boolean readOnly(Path existing) {
    try {
      FileStore store = Files.getFileStore(existing);
      return store.isReadOnly();
    } catch (IOException e) {
      return false;
    }
  }

  /** The operating system's reason, with the path it concerns: {@code /x: No space left on device}. */
  static String reason(IOException failure) {
    if (failure instanceof AccessDeniedException denied) {
      return "permission denied: " + denied.getFile();
    }
    if (failure instanceof FileSystemException fs && fs.getReason() != null) {
      return fs.getFile() + ": " + fs.getReason();
    }
    String message = failure.getMessage();
    if (message == null) {
      return failure.getClass().getSimpleName();
    }
    // The store's own IOExceptions carry a sentence; a subclass's name says what kind of failure a bare path was.
    return failure.getClass() == IOException.class ? message : failure.getClass().getSimpleName() + ": " + message;
  }
}
