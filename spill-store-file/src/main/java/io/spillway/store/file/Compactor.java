package io.spillway.store.file;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Gives back the space of dead records: copies the live records of a sealed log file whose live share fell below
 * {@link FileStoreSettings#compactBelow()} to an active file, repoints the index record by record, and lets the
 * old file go once nothing points into it and its last reader is done.
 *
 * <p><b>Policy.</b> Greedy: each pass takes the eligible file with the lowest live share (sealed, not a value's own
 * file, no append in flight, live share below the threshold {@code t}). Copying a file of size {@code S} writes under
 * {@code t·S} bytes and frees over {@code (1-t)·S} dead ones, so compaction writes at most {@code t/(1-t)} bytes per
 * dead byte, and every dead byte was once written by a caller: <b>write amplification ≤ 1/(1-t)</b> (2 at the
 * default 0.5), record headers aside. Every sealed file stays at least {@code t} live, so the disk holds at most the
 * live record bytes {@code /t}, plus the active files and the one being compacted.
 *
 * <p><b>Safety.</b> A record is repointed only if the index still points at the copied version
 * ({@link KeyIndex#replace}), so a value replaced or deleted during the copy is never brought back; its copy is dead
 * on arrival. A copy is complete (and forced, with fsync) before the index points at it. Each header is checked
 * before its record is copied; a file with a header that fails the check is left alone, logged, and never copied
 * again, so compaction never spreads damage. A failed copy (a full disk, say) is taken back as a failed append is
 * ({@link Appender#abort}), the records not yet moved stay where they were, and compaction backs off exponentially
 * ({@value #BASE_BACKOFF_MS} ms doubling to {@value #MAX_BACKOFF_MS} ms), retrying at once when a file is deleted.
 *
 * <p><b>Persistent sessions.</b> A recovery scan must never find a copy that is not the key's value, since it would
 * bring back a value deleted or replaced meanwhile. So there the value bytes are copied first and the copy's header
 * written only at publication, under the key's index stripe lock and only if the index still points at the copied
 * version ({@link KeyIndex#replace(String, long, long, int, KeyIndex.BeforeReplace)}): a copy that lost has no
 * header and is dead space. Once published, the original is marked dead, so that a later delete (which marks the
 * copy) leaves nothing of the key should the old file outlive a crash. With fsync the value bytes are forced before
 * the headers are written, and the headers before the originals are marked. A record found marked dead when it is read
 * for copying was deleted or replaced after the list of records was taken; it is passed over.
 *
 * <p><b>Threads.</b> In background mode one daemon thread per store does the work, woken by {@link #consider};
 * otherwise {@link #compactNow()} does it on the caller's thread. A file is claimed by the thread compacting it, so
 * several threads can compact different files at once. Readers never wait for compaction beyond an index stripe's
 * lock held for one update, and writers not either unless compaction has fallen behind: when the dead bytes in files
 * waiting for compaction exceed one log file, the writer that finds them compacts the emptiest file itself before
 * its own append ({@link #helpIfBehind}), so that writing faster than one thread can compact cannot grow the disk
 * without bound. The background thread stops between two records on {@link #close()}.
 *
 * <p>Thread-safe. Internal, may change.
 */
final class Compactor implements AutoCloseable {
  static final long BASE_BACKOFF_MS = 100;
  static final long MAX_BACKOFF_MS = 30_000;
  private static final System.Logger LOG = System.getLogger(FileSpillStoreProvider.class.getName());
  private static final int BATCH_RECORDS = 64;
  private static final long BATCH_BYTES = 8L * 1024 * 1024;

  private final LogFiles files;
  private final KeyIndex index;
  private final Appender appender;
  private final RecordWriter writer;
  private final FileStoreSettings settings;
  private final boolean persistent;
  private final Consumer<LogFile> changed;
  private final LongSupplier liveBytes;
  private final UnmarkedOriginals originals = new UnmarkedOriginals();
  private final AtomicLong assists = new AtomicLong();
  private final AtomicLong copiedBytes = new AtomicLong();
  private final AtomicLong deadOnArrivalBytes = new AtomicLong();
  private final AtomicLong compactedFiles = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private volatile boolean pending; // written under lock
  private boolean stopping; // guarded by lock; also read without it between records
  private volatile boolean stopRequested;
  private volatile long notBefore; // System.nanoTime(); written under lock
  private volatile int failureStreak; // written under lock
  private final @Nullable Thread thread;
  /** Called with each key copied, before its copy is published; a seam for tests that race updates with a copy. */
  volatile @Nullable Consumer<String> afterCopy;

  /**
   * @param persistent whether the session outlives its store: a copy's header is then written only when the copy is
   *     published, and only if it is (see <i>Persistent sessions</i> above)
   * @param changed told of a file whose live bytes fell, to retire it if dead
   * @param threadName the background thread's name, or {@code null} for no thread (tests call {@link #compactNow})
   */
  Compactor(LogFiles files, KeyIndex index, Appender appender, RecordWriter writer, FileStoreSettings settings,
      boolean persistent, LongSupplier liveBytes, Consumer<LogFile> changed, @Nullable String threadName) {
    this.files = files;
    this.persistent = persistent;
    this.liveBytes = liveBytes;
    this.index = index;
    this.appender = appender;
    this.writer = writer;
    this.settings = settings;
    this.changed = changed;
    if (threadName == null) {
      thread = null;
    } else {
      Thread t = new Thread(this::loop, threadName);
      t.setDaemon(true);
      thread = t;
    }
  }

  /** Starts the background thread, if there is one. */
  void start() {
    if (thread != null) {
      thread.start();
    }
  }

  /** Wakes compaction if {@code file} is now worth compacting. Cheap; never blocks for long. */
  void consider(LogFile file) {
    if (!pending && eligible(file)) {
      lock.lock();
      try {
        pending = true;
        wake.signal();
      } finally {
        lock.unlock();
      }
    }
  }

  /** A file was deleted: a compaction that failed for lack of space may work now. */
  void spaceFreed() {
    lock.lock();
    try {
      if (pending && failureStreak > 0) {
        notBefore = System.nanoTime();
        wake.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /** The originals compaction published copies of and has not marked dead yet (persistent sessions). */
  UnmarkedOriginals originals() {
    return originals;
  }

  /** Bytes compaction has written, dead-on-arrival copies included. */
  long copiedBytes() {
    return copiedBytes.get();
  }

  /** Bytes of copies that lost to an update or delete of their key while being made. */
  long deadOnArrivalBytes() {
    return deadOnArrivalBytes.get();
  }

  /** Files compaction has emptied. */
  long compactedFiles() {
    return compactedFiles.get();
  }

  /** Compaction passes that failed. */
  long failures() {
    return failures.get();
  }

  /**
   * Compacts on the calling thread until no file is eligible.
   *
   * @return the files compacted
   * @throws IOException the first failure, after which the remaining files are left for later
   */
  int compactNow() throws IOException {
    lock.lock();
    try {
      pending = false;
    } finally {
      lock.unlock();
    }
    try {
      return runPasses();
    } catch (IOException | RuntimeException e) {
      failures.incrementAndGet();
      throw e;
    }
  }

  boolean eligible(LogFile file) {
    return !file.dedicated() && file.sealed() && !file.retired() && file.compactable() && !file.claimed()
        && file.inflight() == 0 && file.removalsInFlight() == 0 && file.end() > 0
        && file.live() < settings.compactBelow() * file.end();
  }

  /** Writers that compacted a file themselves because compaction had fallen behind. */
  long assists() {
    return assists.get();
  }

  /**
   * Called by a writer before its append: if the dead bytes in files waiting for compaction exceed one log file
   * ({@link FileStoreSettings#targetFileSize}), the writer compacts the emptiest of them itself, copying at most
   * {@code t} × a log file. So when writers outrun the compaction thread the space stays bounded, at the price of
   * that copy in the write that found the backlog. Never throws: a failed compaction backs off as in the background,
   * and the write goes on (and fails on its own if the disk is full).
   */
  void helpIfBehind() {
    if (stopRequested || inBackoff()) {
      return;
    }
    long backlog = 0;
    for (LogFile file : files.table()) {
      if (file != null && eligible(file)) {
        backlog += file.end() - file.live();
      }
    }
    if (backlog <= settings.targetFileSize(liveBytes.getAsLong())) {
      return;
    }
    LogFile source = claimBest();
    if (source == null) {
      return;
    }
    assists.incrementAndGet();
    try {
      compact(source);
    } catch (IOException | RuntimeException e) {
      failures.incrementAndGet();
      backOff(e);
    } finally {
      source.unclaim();
    }
  }

  private boolean inBackoff() {
    return failureStreak > 0 && System.nanoTime() - notBefore < 0;
  }

  private int runPasses() throws IOException {
    int compacted = 0;
    while (!stopRequested) {
      LogFile source = claimBest();
      if (source == null) {
        break;
      }
      try {
        if (compact(source)) {
          compacted++;
        }
      } finally {
        source.unclaim();
      }
    }
    return compacted;
  }

  /** The eligible file with the lowest live share, claimed for the caller; {@code null} if there is none. */
  private @Nullable LogFile claimBest() {
    while (true) {
      LogFile best = null;
      double bestShare = Double.MAX_VALUE;
      for (LogFile file : files.table()) {
        if (file != null && eligible(file)) {
          double share = file.live() / (double) file.end();
          if (share < bestShare) {
            best = file;
            bestShare = share;
          }
        }
      }
      if (best == null || best.claim()) {
        return best;
      }
      // another thread claimed it between the scan and the claim: look again
    }
  }

  /**
   * A record copied, not yet published. {@code header} is the copy's header still to be written (persistent
   * sessions), or {@code null} if it was written with the value.
   */
  private record Copy(KeyIndex.Entry entry, Appender.Slot slot, long location, @Nullable ByteBuffer header) {}

  /** Moves every live record out of {@code source}; false if it stopped first or left the file alone. */
  private boolean compact(LogFile source) throws IOException {
    if (!source.tryPin()) {
      return false; // released meanwhile: nothing left to move
    }
    List<Copy> batch = new ArrayList<>();
    try {
      List<KeyIndex.Entry> entries = index.entriesIn(source.id());
      entries.sort(Comparator.comparingLong(KeyIndex.Entry::valueOffset));
      long batchBytes = 0;
      for (KeyIndex.Entry entry : entries) {
        if (stopRequested) {
          break;
        }
        Copy copy = copy(source, entry, batch.isEmpty() ? null : batch.get(batch.size() - 1).slot());
        if (copy == null) {
          continue;
        }
        batch.add(copy);
        Consumer<String> hook = afterCopy;
        if (hook != null) {
          hook.accept(entry.key());
        }
        batchBytes += copy.slot().size();
        if (batch.size() >= BATCH_RECORDS || batchBytes >= BATCH_BYTES) {
          publish(source, drain(batch));
          batchBytes = 0;
        }
      }
      publish(source, drain(batch));
      if (stopRequested) {
        return false;
      }
      if (!source.retired()) {
        if (source.removalsInFlight() > 0) {
          return false; // a record deleted or replaced meanwhile: its removal subtracts its bytes, retiring the file
        }
        // Every record it held has moved or died, so it counts no live byte unless the accounting is wrong; left
        // eligible, it would be picked again and again.
        source.markUncompactable();
        LOG.log(Level.WARNING, "Log file " + source + " still counts live bytes after compaction moved all its"
            + " records; it is left as it is");
        return false;
      }
      compactedFiles.incrementAndGet();
      return true;
    } catch (IOException | RuntimeException | Error e) {
      try {
        publish(source, drain(batch)); // what was copied whole still counts
      } catch (IOException | RuntimeException second) {
        e.addSuppressed(second);
      }
      if (e instanceof UncopyableRecord) {
        source.markUncompactable();
        LOG.log(Level.WARNING, e.getMessage() + "; that log file is left as it is and not compacted again");
        return false;
      }
      throw e;
    } finally {
      source.unpin();
      changed.accept(source);
    }
  }

  /** The copies in {@code batch}, which is left empty, so that no copy is ever published or taken back twice. */
  private static List<Copy> drain(List<Copy> batch) {
    List<Copy> copies = List.copyOf(batch);
    batch.clear();
    return copies;
  }

  /** A header that does not describe the record the index expects there. */
  private static final class UncopyableRecord extends IOException {
    private static final long serialVersionUID = 1L;

    UncopyableRecord(String message) {
      super(message);
    }
  }

  /**
   * The copy of {@code entry}'s record, or {@code null} if that record died since the entries were listed. The copy
   * goes after {@code previous}, the batch's last copy, if there is one.
   */
  private @Nullable Copy copy(LogFile source, KeyIndex.Entry entry, Appender.@Nullable Slot previous)
      throws IOException {
    byte[] key = entry.key().getBytes(UTF_8);
    long valueLength = entry.lengthCode();
    long recordStart = entry.valueOffset() - RecordFormat.HEADER_BYTES - key.length;
    byte[] header = new byte[RecordFormat.HEADER_BYTES + key.length];
    source.readFully(ByteBuffer.wrap(header), recordStart);
    RecordFormat.Result read = RecordFormat.decode(header, header.length, recordStart, source.number());
    RecordFormat.Header found = read.header();
    if (persistent && found != null && found.kind() == RecordFormat.KIND_DEAD && Arrays.equals(found.keyBytes(), key)) {
      return null; // deleted or replaced after the entries were listed, and marked so
    }
    if (found == null || found.kind() != RecordFormat.KIND_VALUE || !Arrays.equals(found.keyBytes(), key)
        || found.valueLength() != valueLength) {
      throw new UncopyableRecord("Compaction found no header of key " + FileNames.describe(entry.key()) + " with "
          + valueLength + " value bytes at byte " + recordStart + " of " + source.path() + " ("
          + (found == null ? read.problem() : "a header of another record") + ")");
    }
    long recordBytes = header.length + valueLength;
    Appender.Slot slot = previous == null ? appender.reserve(recordBytes, valueLength)
        : appender.reserveAfter(previous, recordBytes, valueLength);
    ByteBuffer moved;
    try {
      moved = RecordFormat.relocate(header, slot.position(), slot.file().number());
      if (persistent) {
        writer.copy(ByteBuffer.allocate(0), source, entry.valueOffset(), slot.file(), slot.position() + header.length,
            valueLength);
      } else {
        writer.copy(moved, source, entry.valueOffset(), slot.file(), slot.position(), valueLength);
      }
    } catch (IOException | RuntimeException | Error e) {
      appender.abort(slot);
      throw e;
    }
    copiedBytes.addAndGet(recordBytes);
    long location = KeyIndex.location(slot.file().id(), slot.position() + header.length);
    return new Copy(entry, slot, location, persistent ? moved : null);
  }

  /**
   * Forces the copies (with fsync), then points the index at those still current (writing their headers first, in a
   * persistent session), and ends their appends. A header that cannot be written leaves its key where it was; the
   * first such failure is thrown once every copy of the batch is settled.
   */
  private void publish(LogFile source, List<Copy> batch) throws IOException {
    if (batch.isEmpty()) {
      return;
    }
    if (settings.fsync()) {
      forceTargets(batch);
    }
    @Nullable IOException failure = null;
    List<Copy> published = new ArrayList<>();
    for (Copy copy : batch) {
      LogFile target = copy.slot().file();
      long bytes = copy.slot().size();
      KeyIndex.Entry entry = copy.entry();
      target.addLive(bytes); // before the index points here, so that live never undercounts
      boolean moved;
      ByteBuffer header = copy.header();
      if (header == null) {
        moved = index.replace(entry.key(), entry.location(), copy.location(), entry.lengthCode());
      } else {
        try {
          moved = index.replace(entry.key(), entry.location(), copy.location(), entry.lengthCode(), () -> {
            target.writeFully(header.duplicate(), copy.slot().position());
            // Under the key's stripe lock, as a delete's removal is: it comes before, or finds the original here.
            originals.add(entry.location(), entry.key());
          });
        } catch (IOException e) {
          moved = false;
          failure = failure == null ? e : failure;
        }
      }
      if (moved) {
        source.addLive(-bytes);
        published.add(copy);
      } else {
        target.addLive(-bytes); // replaced or deleted meanwhile: this copy is dead on arrival
        deadOnArrivalBytes.addAndGet(bytes);
      }
    }
    if (persistent && settings.fsync()) {
      // The headers, before the old file can go. The copies are published already, so a failure here is reported,
      // not taken back: a device that fails a flush may have lost anything since the last one anyway.
      Map<LogFile, Boolean> forced = new IdentityHashMap<>();
      for (Copy copy : batch) {
        LogFile target = copy.slot().file();
        if (forced.put(target, Boolean.TRUE) == null) {
          try {
            target.force();
          } catch (IOException e) {
            failure = failure == null ? e : failure;
          }
        }
      }
    }
    if (persistent) {
      List<KeyIndex.Entry> moved = new ArrayList<>(published.size());
      for (Copy copy : published) {
        moved.add(copy.entry());
      }
      failure = originals.markDead(source, moved, settings.fsync(), failure);
    }
    for (Copy copy : batch) {
      appender.complete(copy.slot());
    }
    changed.accept(source);
    if (failure != null) {
      throw failure;
    }
  }

  private void forceTargets(List<Copy> batch) throws IOException {
    Map<LogFile, Boolean> forced = new IdentityHashMap<>();
    try {
      for (Copy copy : batch) {
        if (forced.put(copy.slot().file(), Boolean.TRUE) == null) {
          copy.slot().file().force();
        }
      }
    } catch (IOException | RuntimeException e) {
      for (Copy copy : batch) {
        appender.abort(copy.slot());
      }
      throw e;
    }
  }

  // ------------------------------------------------------------------------------------------------ background

  private void loop() {
    while (true) {
      lock.lock();
      try {
        while (!stopping && !(pending && System.nanoTime() - notBefore >= 0)) {
          try {
            if (pending) {
              wake.awaitNanos(notBefore - System.nanoTime());
            } else {
              wake.await();
            }
          } catch (InterruptedException e) {
            // Nobody but close() should stop this thread, and close() says so through stopping.
          }
        }
        if (stopping) {
          return;
        }
        pending = false;
      } finally {
        lock.unlock();
      }
      try {
        runPasses();
        lock.lock();
        try {
          failureStreak = 0;
        } finally {
          lock.unlock();
        }
      } catch (IOException | RuntimeException e) {
        failures.incrementAndGet();
        backOff(e);
      }
    }
  }

  private void backOff(Exception e) {
    long delayMs;
    int streak;
    lock.lock();
    try {
      streak = ++failureStreak;
      delayMs = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS << Math.min(streak - 1, 20));
      notBefore = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs);
      pending = true;
    } finally {
      lock.unlock();
    }
    Level level = streak == 1 ? Level.WARNING : Level.DEBUG;
    LOG.log(level, "Compaction failed (" + e.getMessage() + "); no value was lost or moved in part. Retrying in "
        + delayMs + " ms or when space is freed", e);
  }

  /** Stops the background thread after the record it is copying, and waits for it. Idempotent. */
  @Override
  public void close() {
    lock.lock();
    try {
      stopping = true;
      stopRequested = true;
      wake.signalAll();
    } finally {
      lock.unlock();
    }
    if (thread != null && thread.isAlive() && thread != Thread.currentThread()) {
      boolean interrupted = false;
      while (true) {
        try {
          thread.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // keep waiting: the store must not delete files under a running copy
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
