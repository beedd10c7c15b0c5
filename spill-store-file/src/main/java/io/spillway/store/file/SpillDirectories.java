package io.spillway.store.file;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The session folders of one session, one in each spill directory, and where the next log file goes.
 *
 * <p><b>Placement.</b> Each new log file goes to the next folder in turn (round-robin, as Trino spreads spill files
 * over its spill paths), so that appends and compaction spread over the disks. A folder is skipped while its file
 * system is fuller than {@link FileStoreSettings#maxUsedShare()}, or for {@value #RETRY_AFTER_SECONDS} s after a
 * write or a file creation failed there ({@link #failed}); then it is tried again. If every folder is skipped, the
 * one with the most usable space is taken all the same: the write then fails on its own if the disk is full, rather
 * than the store refusing it in advance.
 *
 * <p>Thread-safe; {@link #next} is called once per log file, so its file-system query costs nothing per write.
 * Internal, may change.
 */
final class SpillDirectories {
  static final long RETRY_AFTER_SECONDS = 10;
  private static final System.Logger LOG = System.getLogger(FileSpillStoreProvider.class.getName());

  private final List<Path> folders;
  private final double maxUsedShare;
  private final long[] failedAt; // System.nanoTime() of the last failure, guarded by this
  private final boolean[] failing; // guarded by this
  private int cursor; // guarded by this

  /** @param folders the session's folders, the first one its primary (lock, messages) */
  SpillDirectories(List<Path> folders, double maxUsedShare) {
    if (folders.isEmpty()) {
      throw new IllegalArgumentException("a session needs a folder");
    }
    this.folders = List.copyOf(folders);
    this.maxUsedShare = maxUsedShare;
    this.failedAt = new long[folders.size()];
    this.failing = new boolean[folders.size()];
  }

  /** Every folder, the primary first. */
  List<Path> all() {
    return folders;
  }

  /** The primary folder: the session's name in messages, and its lock. */
  Path primary() {
    return folders.get(0);
  }

  /** Where the next log file goes. */
  synchronized Path next() {
    if (folders.size() == 1) {
      return folders.get(0);
    }
    long now = System.nanoTime();
    int best = -1;
    long bestUsable = -1;
    for (int step = 0; step < folders.size(); step++) {
      int i = (cursor + step) % folders.size();
      if (failing[i] && now - failedAt[i] < TimeUnit.SECONDS.toNanos(RETRY_AFTER_SECONDS)) {
        continue;
      }
      long[] space = space(folders.get(i));
      if (space[0] > 0 && 1 - space[1] / (double) space[0] > maxUsedShare) {
        if (space[1] > bestUsable) {
          best = i;
          bestUsable = space[1];
        }
        continue;
      }
      cursor = (i + 1) % folders.size();
      return folders.get(i);
    }
    if (best < 0) {
      // Every folder failed recently: try the one that failed longest ago.
      best = 0;
      for (int i = 1; i < folders.size(); i++) {
        if (failedAt[i] - failedAt[best] < 0) {
          best = i;
        }
      }
    }
    return folders.get(best);
  }

  /** Whether a folder other than {@code folder} would be tried for the next log file now. */
  synchronized boolean hasAlternativeTo(Path folder) {
    long now = System.nanoTime();
    for (int i = 0; i < folders.size(); i++) {
      if (!folders.get(i).equals(folder)
          && !(failing[i] && now - failedAt[i] < TimeUnit.SECONDS.toNanos(RETRY_AFTER_SECONDS))) {
        return true;
      }
    }
    return false;
  }

  /** A write or a file creation in {@code folder} failed: skip it for a while. */
  void failed(Path folder, IOException cause) {
    int i = folders.indexOf(folder);
    if (i < 0 || folders.size() == 1) {
      return;
    }
    synchronized (this) {
      failing[i] = true;
      failedAt[i] = System.nanoTime();
    }
    LOG.log(Level.WARNING, "Spill folder " + folder + " failed (" + cause.getMessage() + "); new log files go to the"
        + " other spill directories for " + RETRY_AFTER_SECONDS + " s");
  }

  /** Total and usable bytes of the file system of {@code folder}; zeros if it cannot tell. */
  private static long[] space(Path folder) {
    try {
      FileStore store = Files.getFileStore(folder);
      return new long[] {store.getTotalSpace(), store.getUsableSpace()};
    } catch (IOException e) {
      return new long[] {0, 0};
    }
  }
}
