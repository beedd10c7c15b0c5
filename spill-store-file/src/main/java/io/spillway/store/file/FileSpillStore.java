package io.spillway.store.file;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import io.spillway.api.SegmentNames;
import io.spillway.api.spi.SpillStore;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;

/**
 * One session of the file store: a locked folder of its own under the spill directory. See
 * {@link FileSpillStoreProvider} for the layout and the guarantees.
 *
 * <p>Operations take a shared lock and {@link #close()} the exclusive one, so that close waits for operations in
 * flight and no operation ever sees a half-deleted session.
 *
 * <p>Internal, may change.
 */
final class FileSpillStore implements SpillStore {
  private static final System.Logger LOG = System.getLogger(FileSpillStoreProvider.class.getName());

  /*
   * FileChannel copies a heap buffer into a temporary direct buffer of the same size and caches that buffer in the
   * writing thread. Handing it a whole large value would leave native memory of that size behind in every thread
   * that ever spilled, so heap bytes go down in slices of at most this size per system call.
   */
  private static final int MAX_HEAP_BYTES_PER_WRITE = 1024 * 1024;
  private static final int MAX_BUFFERS_PER_WRITE = 64;

  private final Path dir;
  private final Path lockFile;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final boolean fsync;
  private final ConcurrentHashMap<String, Long> sizes = new ConcurrentHashMap<>();
  private final AtomicLong usage = new AtomicLong();
  private final ReentrantReadWriteLock state = new ReentrantReadWriteLock();
  private boolean closed; // guarded by state

  FileSpillStore(SessionFolders.Locked session, boolean fsync) {
    this.dir = session.dir();
    this.lockFile = dir.resolve(FileNames.LOCK_FILE);
    this.lockChannel = session.lockChannel();
    this.lock = session.lock();
    this.fsync = fsync;
  }

  /** The session folder. */
  Path sessionDir() {
    return dir;
  }

  @Override
  public URI write(String key, ByteBuffer... chunks) throws IOException {
    SegmentNames.validate(key);
    Objects.requireNonNull(chunks, "chunks");
    for (ByteBuffer chunk : chunks) {
      Objects.requireNonNull(chunk, "chunk");
    }
    Lock shared = state.readLock();
    shared.lock();
    try {
      ensureOpen();
      return writeOpen(key, chunks);
    } finally {
      shared.unlock();
    }
  }

  private URI writeOpen(String key, ByteBuffer[] chunks) throws IOException {
    FileNames.Mapping mapping = FileNames.forKey(key);
    Path target = dir.resolve(mapping.dataFile());
    @Nullable Path sidecar = mapping.sidecarFile() == null ? null : dir.resolve(mapping.sidecarFile());
    @Nullable Path temp = null;
    boolean sidecarCreated = false;
    long length;
    try {
      temp = Files.createTempFile(dir, FileNames.TEMP_PREFIX, FileNames.TEMP_SUFFIX);
      length = fill(temp, chunks);
      if (sidecar != null && !Files.isRegularFile(sidecar, NOFOLLOW_LINKS)) {
        // Before the value becomes visible, so that list() can always name a stored long key.
        writeSidecar(key, sidecar);
        sidecarCreated = true;
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      undoFailedWrite(temp, sidecarCreated ? sidecar : null, target, e);
      throw new IOException("Could not write key " + FileNames.describe(key) + " to " + target + ": "
          + e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      undoFailedWrite(temp, sidecarCreated ? sidecar : null, target, e);
      throw e;
    }
    Long previous = sizes.put(key, length);
    usage.addAndGet(length - (previous == null ? 0 : previous));
    if (fsync) {
      syncDirectory();
    }
    return target.toUri();
  }

  private long fill(Path temp, ByteBuffer[] chunks) throws IOException {
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      long length = writeAll(channel, chunks);
      if (fsync) {
        channel.force(true);
      }
      return length;
    }
  }

  /** Gathering writes of every remaining byte of {@code chunks}, advancing their positions. */
  static long writeAll(FileChannel channel, ByteBuffer[] chunks) throws IOException {
    ByteBuffer[] views = new ByteBuffer[MAX_BUFFERS_PER_WRITE];
    int[] owners = new int[MAX_BUFFERS_PER_WRITE];
    long total = 0;
    int next = 0;
    while (true) {
      while (next < chunks.length && !chunks[next].hasRemaining()) {
        next++;
      }
      if (next == chunks.length) {
        return total;
      }
      int count = 0;
      int heapBudget = MAX_HEAP_BYTES_PER_WRITE;
      for (int i = next; i < chunks.length && count < views.length && heapBudget > 0; i++) {
        ByteBuffer chunk = chunks[i];
        if (!chunk.hasRemaining()) {
          continue;
        }
        ByteBuffer view = chunk.duplicate();
        if (!chunk.isDirect()) {
          int take = Math.min(chunk.remaining(), heapBudget);
          view.limit(view.position() + take);
          heapBudget -= take;
        }
        views[count] = view;
        owners[count] = i;
        count++;
      }
      total += channel.write(views, 0, count);
      for (int j = 0; j < count; j++) {
        chunks[owners[j]].position(views[j].position());
      }
    }
  }

  private void writeSidecar(String key, Path sidecar) throws IOException {
    Path temp = Files.createTempFile(dir, FileNames.TEMP_PREFIX, FileNames.TEMP_SUFFIX);
    try {
      fill(temp, new ByteBuffer[] {ByteBuffer.wrap(key.getBytes(UTF_8))});
      Files.move(temp, sidecar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException | Error e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  private static void undoFailedWrite(@Nullable Path temp, @Nullable Path createdSidecar, Path target,
      Throwable failure) {
    try {
      if (temp != null) {
        Files.deleteIfExists(temp);
      }
      if (createdSidecar != null && !Files.exists(target, NOFOLLOW_LINKS)) {
        Files.deleteIfExists(createdSidecar);
      }
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /** Makes the rename that published a value durable; best effort, as not every platform can sync a folder. */
  private void syncDirectory() {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "Could not sync folder " + dir + " after a rename", e);
    }
  }

  @Override
  public SeekableByteChannel openRead(String key) throws IOException {
    SegmentNames.validate(key);
    Lock shared = state.readLock();
    shared.lock();
    try {
      ensureOpen();
      Path path = dir.resolve(FileNames.forKey(key).dataFile());
      try {
        return FileChannel.open(path, StandardOpenOption.READ, NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        NoSuchFileException missing = new NoSuchFileException(path.toString(), null,
            "nothing stored under key " + FileNames.describe(key));
        missing.initCause(e);
        throw missing;
      } catch (IOException e) {
        throw new IOException("Could not open key " + FileNames.describe(key) + " at " + path + ": "
            + e.getMessage(), e);
      }
    } finally {
      shared.unlock();
    }
  }

  @Override
  public boolean delete(String key) throws IOException {
    SegmentNames.validate(key);
    Lock shared = state.readLock();
    shared.lock();
    try {
      ensureOpen();
      FileNames.Mapping mapping = FileNames.forKey(key);
      Path path = dir.resolve(mapping.dataFile());
      boolean existed;
      try {
        existed = Files.deleteIfExists(path);
      } catch (IOException e) {
        throw new IOException("Could not delete key " + FileNames.describe(key) + " at " + path + ": "
            + e.getMessage(), e);
      }
      Long previous = sizes.remove(key);
      if (previous != null) {
        usage.addAndGet(-previous);
      }
      if (mapping.sidecarFile() != null) {
        Path sidecar = dir.resolve(mapping.sidecarFile());
        try {
          Files.deleteIfExists(sidecar);
        } catch (IOException e) {
          // Harmless: list() reads a sidecar only for a stored value, and a new write of the key reuses it.
          LOG.log(Level.WARNING, "Could not delete key file " + sidecar + " of deleted key "
              + FileNames.describe(key), e);
        }
      }
      return existed;
    } finally {
      shared.unlock();
    }
  }

  @Override
  public Set<String> list() throws IOException {
    Lock shared = state.readLock();
    shared.lock();
    try {
      ensureOpen();
      Set<String> keys = new HashSet<>();
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*" + FileNames.DATA_SUFFIX)) {
        for (Path entry : entries) {
          String key = keyOf(entry);
          if (key != null) {
            keys.add(key);
          }
        }
      }
      return Set.copyOf(keys);
    } finally {
      shared.unlock();
    }
  }

  private @Nullable String keyOf(Path dataFile) throws IOException {
    String name = dataFile.getFileName().toString();
    String key = FileNames.keyOfPlain(name);
    if (key != null || !FileNames.isHashedDataFile(name)) {
      return key;
    }
    Path sidecar = dir.resolve(FileNames.sidecarOf(name));
    byte[] content;
    try {
      content = Files.readAllBytes(sidecar);
    } catch (NoSuchFileException e) {
      if (!Files.exists(dataFile, NOFOLLOW_LINKS)) {
        return null; // deleted while we were listing
      }
      throw new IOException("Key file " + sidecar + " of stored value " + dataFile + " is missing", e);
    }
    key = FileNames.keyOfSidecar(sidecar.getFileName().toString(), content);
    if (key == null) {
      throw new IOException("Key file " + sidecar + " does not hold the key whose hash names it");
    }
    return key;
  }

  @Override
  public long usage() {
    Lock shared = state.readLock();
    shared.lock();
    try {
      ensureOpen();
      return usage.get();
    } finally {
      shared.unlock();
    }
  }

  @Override
  public void close() throws IOException {
    Lock exclusive = state.writeLock();
    exclusive.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      @Nullable IOException failure = null;
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
        for (Path entry : entries) {
          if (entry.equals(lockFile)) {
            continue;
          }
          try {
            if (Files.isDirectory(entry, NOFOLLOW_LINKS)) {
              SessionFolders.deleteRecursively(entry);
            } else {
              Files.deleteIfExists(entry);
            }
          } catch (IOException e) {
            failure = collect(failure, e);
          }
        }
      } catch (NoSuchFileException e) {
        // removed behind our back; nothing left to delete
      } catch (IOException e) {
        failure = collect(failure, e);
      }
      sizes.clear();
      usage.set(0);
      // The lock goes last: until then no other process takes the folder for a dead session's.
      try {
        lock.release();
      } catch (IOException e) {
        failure = collect(failure, e);
      }
      try {
        lockChannel.close();
      } catch (IOException e) {
        failure = collect(failure, e);
      }
      try {
        Files.deleteIfExists(lockFile);
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        failure = collect(failure, e);
      }
      if (failure != null) {
        throw new IOException("Could not delete every file of spill session " + dir
            + "; a later session in another process removes what is left", failure);
      }
    } finally {
      exclusive.unlock();
    }
  }

  private static IOException collect(@Nullable IOException first, IOException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("File spill store session " + dir + " is closed");
    }
  }

  @Override
  public String toString() {
    return "FileSpillStore[" + dir + "]";
  }
}
