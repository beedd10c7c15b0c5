package io.spillway.store.file;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The log files of one session, by id: creates them, numbers them, and forgets them once released.
 *
 * <p>Ids are small reusable numbers (they go into every index location, so they must fit in
 * {@value KeyIndex#FILE_ID_BITS} bits); a released file's id is taken again only after the file is gone. File numbers
 * (the N of {@code log-N.log}, also in each record header) are never reused within a session.
 *
 * <p>Thread-safe. {@link #get} reads without locking. Internal, may change.
 */
final class LogFiles {
  private static final System.Logger LOG = System.getLogger(FileSpillStoreProvider.class.getName());

  private final SpillDirectories directories;
  private final Path dir;
  private final boolean fsync;
  private final Runnable onReleased;
  private volatile @Nullable LogFile[] byId = new LogFile[16];
  private int[] freeIds = new int[16]; // guarded by this
  private int freeCount; // guarded by this
  private int nextId; // guarded by this
  private long nextNumber = 1; // guarded by this

  /**
   * @param onReleased told (on the releasing thread, with no lock held) each time a file is gone: space came back
   */
  LogFiles(SpillDirectories directories, boolean fsync, Runnable onReleased) {
    this.directories = directories;
    this.dir = directories.primary();
    this.fsync = fsync;
    this.onReleased = onReleased;
  }

  /**
   * Creates the next log file, empty, in the folder {@link SpillDirectories#next()} picks; if it cannot be created
   * there, that folder is marked failed and the next one tried, each folder once. With fsync the folder is synced
   * too, so that the new name survives power loss as well as what will be written into the file.
   *
   * @throws IOException if the file cannot be created in any folder (the first failure, the others suppressed), or
   *     the session ran out of file ids or numbers
   */
  LogFile create(boolean dedicated) throws IOException {
    @Nullable IOException failure = null;
    for (int attempt = 0; attempt < directories.all().size(); attempt++) {
      Path folder = directories.next();
      try {
        return create(dedicated, folder);
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
        if (!directories.hasAlternativeTo(folder)) {
          break;
        }
        directories.failed(folder, e);
      }
    }
    throw java.util.Objects.requireNonNull(failure);
  }

  /** Which spill directories the session uses, and their health. */
  SpillDirectories directories() {
    return directories;
  }

  private LogFile create(boolean dedicated, Path folder) throws IOException {
    LogFile file;
    synchronized (this) {
      if (nextNumber > 0xFFFF_FFFFL) {
        throw new IOException("Spill session " + dir + " has used all 2^32 log file numbers");
      }
      int id;
      if (freeCount > 0) {
        id = freeIds[--freeCount];
      } else if (nextId <= KeyIndex.MAX_FILE_ID) {
        id = nextId++;
      } else {
        throw new IOException("Spill session " + dir + " has " + (KeyIndex.MAX_FILE_ID + 1)
            + " log files open; no more fit in its index");
      }
      int number = (int) nextNumber;
      Path path = folder.resolve(FileNames.logFile(number));
      FileChannel channel;
      try {
        channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
            StandardOpenOption.WRITE);
      } catch (IOException e) {
        freeIds = ensureCapacity(freeIds, freeCount + 1);
        freeIds[freeCount++] = id;
        throw e;
      }
      nextNumber++;
      file = new LogFile(id, number, path, channel, dedicated, this::released);
      LogFile[] table = byId;
      if (id >= table.length) {
        table = Arrays.copyOf(table, Math.max(id + 1, table.length * 2));
      }
      table[id] = file;
      byId = table; // volatile write publishes the slot to get()
    }
    if (fsync) {
      SessionFolders.syncDirectory(folder);
    }
    return file;
  }

  /**
   * Registers a log file a persistent session held, opened by {@code open} with the id it is given; file numbers
   * handed out later are above {@code number}. For recovery, before the session takes writes.
   *
   * @throws IOException if {@code open} fails, or the session has no file id left
   */
  LogFile adopt(int number, IdOpener open) throws IOException {
    LogFile file;
    synchronized (this) {
      if (freeCount > 0 || nextId > KeyIndex.MAX_FILE_ID) {
        throw new IOException("Spill session " + dir + " holds more than " + (KeyIndex.MAX_FILE_ID + 1)
            + " log files; no more fit in its index");
      }
      int id = nextId;
      file = open.open(id, this::released);
      nextId++;
      nextNumber = Math.max(nextNumber, (number & 0xFFFF_FFFFL) + 1);
      LogFile[] table = byId;
      if (id >= table.length) {
        table = Arrays.copyOf(table, Math.max(id + 1, table.length * 2));
      }
      table[id] = file;
      byId = table;
    }
    return file;
  }

  /** Opens a recovered log file as the {@link LogFile} of a given id, telling {@code onReleased} when it goes. */
  @FunctionalInterface
  interface IdOpener {
    LogFile open(int id, Consumer<LogFile> onReleased) throws IOException;
  }

  /** The live file with {@code id}, or {@code null}. */
  @Nullable LogFile get(int id) {
    LogFile[] table = byId;
    return id < table.length ? table[id] : null;
  }

  /**
   * Takes a reference on the file of index location {@code location}, for a reader.
   *
   * @throws IllegalStateException if that file is gone, which the index's guarantees rule out
   */
  void pin(long location) {
    if (!fileAt(location).tryPin()) {
      throw released(location);
    }
  }

  /**
   * Counts a removal in flight ({@link LogFile#beginRemoval}) on the file of index location {@code location}; call
   * under the index stripe's lock that took the record out of the index.
   *
   * @throws IllegalStateException if that file is gone, which the index's guarantees rule out
   */
  void beginRemoval(long location) {
    fileAt(location).beginRemoval();
  }

  private LogFile fileAt(long location) {
    LogFile file = get(KeyIndex.fileId(location));
    if (file == null) {
      throw released(location);
    }
    return file;
  }

  private static IllegalStateException released(long location) {
    return new IllegalStateException("The index points at log file id " + KeyIndex.fileId(location)
        + ", which has been released");
  }

  /** The raw table, for a scan that must not allocate; entries may be {@code null}. Never modify it. */
  @Nullable LogFile[] table() {
    return byId;
  }

  /** The files not yet released, in no particular order. */
  List<LogFile> all() {
    LogFile[] table = byId;
    List<LogFile> files = new ArrayList<>();
    for (LogFile file : table) {
      if (file != null) {
        files.add(file);
      }
    }
    return files;
  }

  private void released(LogFile file) {
    synchronized (this) {
      LogFile[] table = byId;
      if (table[file.id()] == file) {
        table[file.id()] = null;
        byId = table;
        freeIds = ensureCapacity(freeIds, freeCount + 1);
        freeIds[freeCount++] = file.id();
      }
    }
    LOG.log(Level.DEBUG, () -> "Released log file " + file.path());
    onReleased.run();
  }

  private static int[] ensureCapacity(int[] array, int needed) {
    return needed <= array.length ? array : Arrays.copyOf(array, Math.max(needed, array.length * 2));
  }
}
