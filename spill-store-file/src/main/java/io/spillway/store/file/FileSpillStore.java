package io.spillway.store.file;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.spillway.api.SegmentNames;
import io.spillway.api.spi.SpillStore;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * One session of the file store: a locked folder of its own holding a few large log files, and an in-memory index
 * of where each key's value is. See {@link FileSpillStoreProvider} for the layout and the guarantees.
 *
 * <p>How the parts divide the work: {@link Appender} decides where a record goes, {@link RecordWriter} puts its
 * bytes there, {@link KeyIndex} remembers where each live value is, {@link LogFiles} and {@link LogFile} keep the
 * files and their accounting, {@link Compactor} gives dead space back, and {@link LogReadChannel} reads a value.
 * This class ties them together and states the order of the steps: a write publishes its location only after its
 * bytes are in place, and a value's old bytes count as dead only after the index stopped pointing at them.
 *
 * <p><b>Persistent sessions</b> ({@link #openPersistent}) differ in four steps, so that a recovery scan
 * ({@link LogRecovery}) finds exactly the values written and not deleted: a record's header is written after its
 * value ({@link RecordWriter#writeHeaderLast}); a record replaced or deleted is marked dead in place, a delete
 * before it returns; compaction writes a copy's header only when it publishes the copy; and {@link #close()} keeps
 * the files, which {@link #discard()} deletes.
 *
 * <p>Operations take a shared lock and {@link #close()} the exclusive one, so that close waits for operations in
 * flight and no operation ever sees a half-deleted session. The shared lock never waits for I/O of other
 * operations.
 *
 * <p>Internal, may change.
 */
final class FileSpillStore implements SpillStore {
  private static final System.Logger LOG = System.getLogger(FileSpillStoreProvider.class.getName());
  private final Path dir;
  private final SessionDirs folders;
  private final SpillDirectories directories;
  private final FileStoreSettings settings;
  private final KeyIndex index = new KeyIndex();
  private final LogFiles files;
  private final LongConsumer pinner;
  /** {@link LogFiles#beginRemoval}, made once: called under an index stripe's lock as a record leaves the index. */
  private final LongConsumer beginRemoval;
  private final Appender appender;
  private final RecordWriter writer;
  private final Compactor compactor;
  private final AtomicLong usage = new AtomicLong();
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong appendedBytes = new AtomicLong();
  private final AtomicLong callerBytes = new AtomicLong();
  private final ReentrantReadWriteLock state = new ReentrantReadWriteLock();
  private final boolean persistent;
  private final AtomicLong deadMarkFailures = new AtomicLong();
  private boolean closed; // guarded by state
  private volatile @Nullable Consumer<String> afterIndexRemoval;

  private FileSpillStore(SessionDirs folders, FileStoreSettings settings, boolean background) {
    this.folders = folders;
    this.persistent = folders.persistent();
    this.directories = new SpillDirectories(folders.paths(), settings.maxUsedShare());
    this.dir = directories.primary();
    this.settings = settings;
    this.files = new LogFiles(directories, settings.fsync(), this::spaceFreed);
    this.pinner = files::pin;
    this.beginRemoval = files::beginRemoval;
    this.appender = new Appender(files, settings, usage::get, this::changed);
    this.writer = new RecordWriter(new BufferPool(Math.max(4, 2 * Runtime.getRuntime().availableProcessors())));
    String threadName = background ? "spillway-file-compactor-" + dir.getFileName() : null;
    this.compactor = new Compactor(files, index, appender, writer, settings, persistent, usage::get, this::changed,
        threadName);
  }

  /** As {@link #open(List, FileStoreSettings, boolean)} with one spill directory. */
  static FileSpillStore open(Path spillDir, FileStoreSettings settings, boolean background) throws IOException {
    return open(List.of(spillDir), settings, background);
  }

  /**
   * Removes dead sessions from each of {@code spillDirs}, then opens a new session spread over them.
   *
   * @param background whether compaction runs on a thread of its own; without, only {@link #compactNow()} compacts
   */
  static FileSpillStore open(List<Path> spillDirs, FileStoreSettings settings, boolean background)
      throws IOException {
    FileSpillStore store = new FileSpillStore(SessionDirs.createEphemeral(spillDirs), settings, background);
    store.compactor.start();
    return store;
  }

  /** As {@link #openPersistent(List, String, FileStoreSettings, boolean)} in one spill directory. */
  static FileSpillStore openPersistent(Path spillDir, String name, FileStoreSettings settings, boolean background)
      throws IOException {
    return openPersistent(List.of(spillDir), name, settings, background);
  }

  /**
   * Removes dead ephemeral sessions from each of {@code spillDirs}, then takes persistent session {@code name}
   * there: created if new, recovered from its log files (in every one of the directories) otherwise.
   *
   * @throws IOException naming the owner if a live store owns the session, or if it cannot be created, locked or
   *     recovered; its files are then left as they were (or repaired in part, see {@link LogRecovery#recover})
   */
  static FileSpillStore openPersistent(List<Path> spillDirs, String name, FileStoreSettings settings,
      boolean background) throws IOException {
    SessionDirs folders = SessionDirs.takePersistent(spillDirs, name);
    FileSpillStore store;
    try {
      store = new FileSpillStore(folders, settings, background);
      LogRecovery.Outcome outcome = LogRecovery.recover(folders.paths(), store.files, store.index,
          settings.fsync(), store.appender::dedicated);
      store.usage.set(outcome.valueBytes());
      store.sequence.set(outcome.nextSequence() - 1);
    } catch (IOException | RuntimeException e) {
      IOException release = folders.release(null);
      if (release != null) {
        e.addSuppressed(release);
      }
      throw e;
    }
    store.compactor.start();
    return store;
  }

  /** The session folder (the first, with several spill directories). */
  Path sessionDir() {
    return dir;
  }

  /** The session's folders, one in each spill directory. */
  List<Path> sessionDirs() {
    return directories.all();
  }

  @Override
  public URI write(String key, ByteBuffer... chunks) throws IOException {
    SegmentNames.validate(key);
    Objects.requireNonNull(chunks, "chunks");
    long valueLength = 0;
    int[] positions = new int[chunks.length];
    for (int i = 0; i < chunks.length; i++) {
      valueLength = Math.addExact(valueLength, Objects.requireNonNull(chunks[i], "chunk").remaining());
      positions[i] = chunks[i].position();
    }
    byte[] keyBytes = key.getBytes(UTF_8);
    Lock shared = state.readLock();
    shared.lock();
    try {
      ensureOpen();
      compactor.helpIfBehind();
      try {
        return append(key, keyBytes, valueLength, chunks);
      } catch (FailedAppend e) {
        Path folder = Objects.requireNonNull(e.file.path().getParent());
        if (!directories.hasAlternativeTo(folder)) {
          throw e.reported;
        }
        // Another spill directory may take it (this one may be full): once, from a new log file elsewhere.
        directories.failed(folder, e.reported);
        appender.roll();
        for (int i = 0; i < chunks.length; i++) {
          chunks[i].position(positions[i]);
        }
        try {
          return append(key, keyBytes, valueLength, chunks);
        } catch (FailedAppend again) {
          again.reported.addSuppressed(e.reported);
          throw again.reported;
        }
      }
    } finally {
      shared.unlock();
    }
  }

  /** Reserves, writes and publishes one record; a failed write is taken back and thrown as {@link FailedAppend}. */
  private URI append(String key, byte[] keyBytes, long valueLength, ByteBuffer[] chunks)
      throws IOException, FailedAppend {
    long recordBytes = RecordFormat.recordBytes(keyBytes.length, valueLength);
    Appender.Slot slot;
    try {
      slot = appender.reserve(recordBytes, valueLength);
    } catch (IOException e) {
      throw failure(dir, "could not write key " + FileNames.describe(key) + ": " + e.getMessage(), e);
    }
    boolean published = false;
    LogFile file = slot.file();
    try {
      ByteBuffer header = RecordFormat.encode(keyBytes, sequence.incrementAndGet(), valueLength, slot.position(),
          file.number());
      if (persistent) {
        writer.writeHeaderLast(file, slot.position(), header, chunks, settings.fsync() ? file::force : () -> {});
      } else {
        writer.write(file, slot.position(), header, chunks);
      }
      if (settings.fsync()) {
        file.force();
      }
      publish(key, keyBytes.length, slot, valueLength);
      published = true;
      return file.uri();
    } catch (IOException e) {
      throw new FailedAppend(file, failure(file.path(), "could not write key " + FileNames.describe(key)
          + " at byte " + slot.position() + ": " + e.getMessage(), e));
    } finally {
      if (published) {
        appender.complete(slot);
      } else {
        appender.abort(slot);
      }
    }
  }

  /**
   * A failure naming {@code path}: a {@link FileSystemException}, so that the core can tell the location even when
   * the cause (a full disk, say) names no file.
   */
  private static FileSystemException failure(Path path, String reason, IOException cause) {
    FileSystemException failure = new FileSystemException(path.toString(), null, reason);
    failure.initCause(cause);
    return failure;
  }

  /** Points the index at a record now in place, then lets the key's previous record go. */
  private void publish(String key, int keyBytes, Appender.Slot slot, long valueLength) {
    LogFile file = slot.file();
    file.addLive(slot.size()); // before the index points here, so that live never undercounts
    long location = KeyIndex.location(file.id(), slot.position() + RecordFormat.HEADER_BYTES + keyBytes);
    KeyIndex.Entry previous = index.put(key, location, KeyIndex.lengthCode(valueLength), beginRemoval);
    appendedBytes.addAndGet(slot.size());
    callerBytes.addAndGet(valueLength);
    usage.addAndGet(valueLength);
    if (previous != null) {
      drop(previous, keyBytes);
    }
  }

  /**
   * Counts the bytes of a record the index no longer points at as dead; in a persistent session it is first marked
   * dead on disk, if it can be (a failure is logged and counted: the write that replaced it stands).
   */
  private void drop(KeyIndex.Entry entry, int keyBytes) {
    if (persistent) {
      try {
        markDead(entry, keyBytes);
      } catch (IOException e) {
        deadMarkFailures.incrementAndGet();
        LOG.log(Level.WARNING, "Could not mark the replaced record of key " + FileNames.describe(entry.key())
            + " dead in " + fileOf(entry).path() + "; after a restart it may stand for the key again if the"
            + " key's newer value is deleted first", e);
      }
    }
    dropCounted(entry, keyBytes);
  }

  /**
   * Counts the bytes of a record the index no longer points at, and is marked dead if need be, as dead, and ends the
   * removal the index began ({@link LogFiles#beginRemoval}, so that compaction does not take them for lost bytes).
   */
  private void dropCounted(KeyIndex.Entry entry, int keyBytes) {
    LogFile file = fileOf(entry);
    long valueLength = valueLength(entry, file);
    usage.addAndGet(-valueLength);
    file.addLive(-RecordFormat.recordBytes(keyBytes, valueLength));
    file.endRemoval(); // after the bytes are subtracted: compaction must see one or the other
    changed(file);
  }


  /**
   * Marks the record of {@code entry} dead on disk (its live bytes keep its file meanwhile), and any original of it
   * that compaction published a copy of and has not marked yet.
   */
  private void markDead(KeyIndex.Entry entry, int keyBytes) throws IOException {
    markDead(fileOf(entry), entry.valueOffset(), keyBytes);
    for (long original : compactor.originals().of(entry.key())) {
      // Gone with its file if the compaction ended meanwhile; a reused id fails markDead's header check.
      LogFile file = files.get(KeyIndex.fileId(original));
      if (file != null && file.tryPin()) {
        try {
          markDead(file, KeyIndex.valueOffset(original), keyBytes);
        } finally {
          file.unpin();
        }
      }
    }
  }

  private void markDead(LogFile file, long valueOffset, int keyBytes) throws IOException {
    long recordStart = valueOffset - RecordFormat.HEADER_BYTES - keyBytes;
    if (RecordWriter.markDead(file, recordStart, keyBytes) && settings.fsync()) {
      file.force();
    }
  }

  private LogFile fileOf(KeyIndex.Entry entry) {
    LogFile file = files.get(entry.fileId());
    if (file == null) {
      throw new IllegalStateException("Index entry of " + FileNames.describe(entry.key())
          + " points at a released log file");
    }
    return file;
  }

  private static long valueLength(KeyIndex.Entry entry, LogFile file) {
    return KeyIndex.valueLength(entry, file.end());
  }

  /** A file's live bytes fell, or its last append ended: it may be dead, or worth compacting. */
  private void changed(LogFile file) {
    if (!file.retireIfDead()) {
      compactor.consider(file);
    }
  }

  private void spaceFreed() {
    compactor.spaceFreed();
  }

  @Override
  public SeekableByteChannel openRead(String key) throws IOException {
    SegmentNames.validate(key);
    Lock shared = state.readLock();
    shared.lock();
    try {
      ensureOpen();
      KeyIndex.Entry entry = index.get(key, pinner);
      if (entry == null) {
        throw new NoSuchFileException(dir.toString(), null, "nothing stored under key " + FileNames.describe(key));
      }
      LogFile file = fileOf(entry); // pinned: stays until the channel closes
      return new LogReadChannel(file, entry.valueOffset(), valueLength(entry, file));
    } finally {
      shared.unlock();
    }
  }

  /**
   * Removes the value of {@code key}. In a persistent session its record is marked dead on disk (and forced, with
   * fsync) before this returns, so a delete that returned holds after a restart.
   *
   * @throws IOException in a persistent session, if the record cannot be marked dead; the value is then still there
   */
  @Override
  public boolean delete(String key) throws IOException {
    SegmentNames.validate(key);
    Lock shared = state.readLock();
    shared.lock();
    try {
      ensureOpen();
      KeyIndex.Entry entry = index.remove(key, beginRemoval);
      if (entry == null) {
        return false;
      }
      Consumer<String> hook = afterIndexRemoval;
      if (hook != null) {
        hook.accept(key);
      }
      int keyBytes = RecordFormat.utf8Length(key);
      if (persistent) {
        try {
          markDead(entry, keyBytes);
        } catch (IOException e) {
          // Removed from the index, so compaction could not have moved it meanwhile: putting it back restores it.
          index.put(key, entry.location(), entry.lengthCode());
          fileOf(entry).endRemoval();
          throw failure(fileOf(entry).path(), "could not delete key " + FileNames.describe(key) + ": "
              + e.getMessage(), e);
        }
      }
      dropCounted(entry, keyBytes);
      return true;
    } finally {
      shared.unlock();
    }
  }

  @Override
  public URI location(String key) throws IOException {
    SegmentNames.validate(key);
    Lock shared = state.readLock();
    shared.lock();
    try {
      ensureOpen();
      KeyIndex.Entry entry = index.get(key);
      if (entry == null) {
        throw new NoSuchFileException(dir.toString(), null, "nothing stored under key " + FileNames.describe(key));
      }
      return fileOf(entry).uri();
    } finally {
      shared.unlock();
    }
  }

  @Override
  public Set<String> list() {
    Lock shared = state.readLock();
    shared.lock();
    try {
      ensureOpen();
      return Set.copyOf(index.keys());
    } finally {
      shared.unlock();
    }
  }

  /** The bytes of the live values, exactly; record headers and dead bytes awaiting compaction are not counted. */
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

  // ------------------------------------------------------------------------------------- measurements, tests

  /** Figures of the session, for tests and measurements; consistent only when no operation is in flight. */
  record Stats(int keys, long liveValueBytes, long liveRecordBytes, long diskBytes, int logFiles,
      long appendedBytes, long callerBytes, long compactionBytes, long deadOnArrivalBytes, long compactedFiles,
      long compactionFailures, long compactionAssists, long indexSlots, long deadMarkFailures) {
    /** Bytes written to the log files per byte of value written by callers. */
    double writeAmplification() {
      return callerBytes == 0 ? 0 : (appendedBytes + compactionBytes) / (double) callerBytes;
    }
  }

  Stats stats() {
    long live = 0;
    long disk = 0;
    int count = 0;
    for (LogFile file : files.all()) {
      live += file.live();
      disk += file.end();
      count++;
    }
    return new Stats(index.size(), usage.get(), live, disk, count, appendedBytes.get(), callerBytes.get(),
        compactor.copiedBytes(), compactor.deadOnArrivalBytes(), compactor.compactedFiles(), compactor.failures(),
        compactor.assists(), index.capacity(), deadMarkFailures.get());
  }

  /** Compacts every eligible log file on the calling thread; see {@link Compactor#compactNow()}. */
  int compactNow() throws IOException {
    Lock shared = state.readLock();
    shared.lock();
    try {
      ensureOpen();
      return compactor.compactNow();
    } finally {
      shared.unlock();
    }
  }

  /** Sets the hook called with each key a delete took out of the index, before its bytes count as dead; for tests. */
  void afterIndexRemoval(@Nullable Consumer<String> hook) {
    afterIndexRemoval = hook;
  }

  /** Sets the hook called with each key compaction copied, before the copy is published; for tests. */
  void afterCompactionCopy(@Nullable Consumer<String> hook) {
    compactor.afterCopy = hook;
  }

  /** Seals the active log files, so that the next write starts a new one. */
  void rollLogFile() {
    appender.roll();
  }

  /** The log files not yet deleted. */
  List<Path> logFiles() {
    List<Path> paths = new ArrayList<>();
    for (LogFile file : files.all()) {
      paths.add(file.path());
    }
    return paths;
  }

  /** Where the value of {@code key} starts: its log file and byte offset; for tests. */
  @Nullable Placement placement(String key) {
    KeyIndex.Entry entry = index.get(key);
    if (entry == null) {
      return null;
    }
    LogFile file = fileOf(entry);
    return new Placement(file.path(), entry.valueOffset(), valueLength(entry, file));
  }

  /** A value's place on disk. */
  record Placement(Path file, long valueOffset, long valueLength) {}

  // ------------------------------------------------------------------------------------------------ close

  /**
   * Ends the session. An ephemeral one's files and folder are deleted; a persistent one's files are kept as they
   * are, complete, and its folder given up for the next owner. Idempotent.
   */
  @Override
  public void close() throws IOException {
    end(!persistent);
  }

  /** Ends the session and deletes its files and folder, persistent or not. Idempotent, and nothing after close. */
  @Override
  public void discard() throws IOException {
    end(true);
  }

  /** Ends the session once: stops compaction, then deletes the files and folders, or keeps them as they are. */
  private void end(boolean delete) throws IOException {
    Lock exclusive = state.writeLock();
    exclusive.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      compactor.close();
      @Nullable IOException failure = null;
      for (LogFile file : files.all()) {
        failure = delete ? unlink(file, failure) : keep(file, failure);
        file.retire();
      }
      index.clear();
      usage.set(0);
      if (delete) {
        failure = folders.deleteAll(failure);
        if (failure != null) {
          throw new IOException("Could not delete every file of spill session " + dir
              + "; a later session in another process removes what is left", failure);
        }
      } else {
        failure = folders.release(failure);
        if (failure != null) {
          throw new IOException("Could not close persistent spill session " + dir + " cleanly; its data is kept",
              failure);
        }
      }
    } finally {
      exclusive.unlock();
    }
  }

  /** Unlinks a file now even while a reader holds it open: its channel keeps the bytes until it closes. */
  private static @Nullable IOException unlink(LogFile file, @Nullable IOException failure) {
    try {
      Files.deleteIfExists(file.path());
      return failure;
    } catch (IOException e) {
      return SessionFolders.collect(failure, e);
    }
  }

  /** Makes a live file outlive the store (forced with fsync, while the store's reference keeps it open). */
  private @Nullable IOException keep(LogFile file, @Nullable IOException failure) {
    if (file.retired()) {
      return failure; // dead: it still goes once its last reader is done
    }
    file.keepOnRelease();
    try {
      if (settings.fsync()) {
        file.force();
      }
      return failure;
    } catch (IOException e) {
      return SessionFolders.collect(failure, e);
    }
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
