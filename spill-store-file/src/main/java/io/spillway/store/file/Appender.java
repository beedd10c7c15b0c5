package io.spillway.store.file;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Decides where each record goes: reserves its bytes at the end of one of the active log files (or in a file of its
 * own for a large value), rolls to a new file when an active one is full, and takes a reservation back when its
 * append failed.
 *
 * <p>Why reservations: appends must not wait for each other's I/O. {@link #reserve} only moves the end of a file
 * under a short lock (creating a file when it rolls over); the caller then writes at its position in parallel with
 * other writers, and calls {@link #complete} or {@link #abort}. A reservation pins its file and counts as an append
 * in flight, so the file can be neither deleted nor compacted under the writer.
 *
 * <p>Why several active files ({@link FileStoreSettings#appendFiles()}, the <em>lanes</em>): the kernel serializes
 * buffered writes to one file, so writers sharing a file would still queue. A record goes to the first lane whose
 * file no append is filling (else to the lane with the fewest in flight), so one writer at a time keeps filling a
 * single file and only concurrent writers open more.
 *
 * <p>The size limit is soft: a record starts in a lane's file if the file has not reached its target size, so a
 * file ends at most one record past it.
 *
 * <p>Thread-safe. Internal, may change.
 */
final class Appender {
  private static final System.Logger LOG = System.getLogger(FileSpillStoreProvider.class.getName());
  private static final ByteBuffer ZERO_MAGIC = ByteBuffer.allocate(4);

  private final LogFiles files;
  private final FileStoreSettings settings;
  private final LongSupplier liveBytes;
  private final Consumer<LogFile> settled;
  private final ReentrantLock lock = new ReentrantLock();
  /** Each lane's file taking appends, null until the lane is first used or after a roll. Guarded by lock. */
  private final @Nullable LogFile[] lanes;
  /** The size after which each lane's file takes no more appends. Guarded by lock. */
  private final long[] targets;

  /** A {@link Slot#lane()} outside every lane: a value's own file. */
  static final int NO_LANE = -1;

  /** Where one record goes: {@code size} bytes at {@code position} of {@code file}, a file of {@code lane}. */
  record Slot(LogFile file, long position, long size, int lane) {}

  /**
   * @param liveBytes the live bytes of the store, for {@link FileStoreSettings#targetFileSize}
   * @param settled told of a file once it is sealed with no append in flight, or when one of its appends ended:
   *     it may be dead or worth compacting now
   */
  Appender(LogFiles files, FileStoreSettings settings, LongSupplier liveBytes, Consumer<LogFile> settled) {
    this.files = files;
    this.settings = settings;
    this.liveBytes = liveBytes;
    this.settled = settled;
    this.lanes = new LogFile[settings.appendFiles()];
    this.targets = new long[settings.appendFiles()];
  }

  /** Whether a value of {@code valueLength} bytes gets a file of its own. */
  boolean dedicated(long valueLength) {
    // Beyond an int the index keeps no length, and reads it from the end of the value's own file instead.
    return valueLength >= settings.ownFileThreshold() || valueLength > Integer.MAX_VALUE - 1;
  }

  /**
   * Reserves {@code recordBytes} for a record whose value is {@code valueLength} bytes.
   *
   * @throws IOException if a new log file is needed and cannot be created
   */
  Slot reserve(long recordBytes, long valueLength) throws IOException {
    return reserve(recordBytes, valueLength, NO_LANE);
  }

  /**
   * Reserves {@code recordBytes} in the lane of {@code previous}, a reservation of the caller's still in flight, so
   * that a batch of copies fills one file rather than spreading over the lanes its own appends keep busy.
   *
   * @throws IOException if a new log file is needed and cannot be created
   */
  Slot reserveAfter(Slot previous, long recordBytes, long valueLength) throws IOException {
    return reserve(recordBytes, valueLength, previous.lane());
  }

  private Slot reserve(long recordBytes, long valueLength, int preferredLane) throws IOException {
    if (dedicated(valueLength)) {
      LogFile file = files.create(true);
      file.end(recordBytes);
      file.seal();
      file.beginAppend();
      pin(file);
      return new Slot(file, 0, recordBytes, NO_LANE);
    }
    @Nullable LogFile sealed = null;
    Slot slot;
    lock.lock();
    try {
      int lane = preferredLane >= 0 && preferredLane < lanes.length ? preferredLane : freestLane();
      LogFile file = lanes[lane];
      if (file == null || file.end() >= targets[lane]) {
        LogFile next = files.create(false);
        if (file != null) {
          file.seal();
          sealed = file;
        }
        lanes[lane] = next;
        targets[lane] = settings.targetFileSize(liveBytes.getAsLong());
        file = next;
      }
      long position = file.end();
      file.end(position + recordBytes);
      file.beginAppend();
      pin(file);
      slot = new Slot(file, position, recordBytes, lane);
    } finally {
      lock.unlock();
    }
    if (sealed != null) {
      settled.accept(sealed);
    }
    return slot;
  }

  /** The first lane with no append in flight (an unused lane counts as such), else the one with the fewest. */
  private int freestLane() {
    int best = 0;
    int fewest = Integer.MAX_VALUE;
    for (int lane = 0; lane < lanes.length; lane++) {
      LogFile file = lanes[lane];
      int inflight = file == null ? 0 : file.inflight();
      if (inflight == 0) {
        return lane;
      }
      if (inflight < fewest) {
        fewest = inflight;
        best = lane;
      }
    }
    return best;
  }

  /** Ends a reservation whose record is in place (and counted live, if published). */
  void complete(Slot slot) {
    LogFile file = slot.file();
    file.endAppend();
    file.unpin();
    settled.accept(file);
  }

  private static void pin(LogFile file) {
    // An append in flight keeps a file from being retired, so only a bug could make this fail.
    if (!file.tryPin()) {
      throw new IllegalStateException("log file " + file.path() + " was released while taking appends");
    }
  }

  /**
   * Ends a reservation whose append failed, so that no byte of it is ever read back: the file is cut back to the
   * reservation's start if nothing was reserved after it (giving the space back, which matters on a full disk), and
   * otherwise the region stays dead and its header's magic, if it was written, is zeroed so that a recovery scan
   * never takes the partial record for a value. Never throws: the append's own error is what the caller reports.
   */
  void abort(Slot slot) {
    LogFile file = slot.file();
    if (file.dedicated()) {
      try {
        file.truncate(0);
      } catch (IOException e) {
        LOG.log(Level.DEBUG, "Could not truncate " + file.path() + " after a failed append", e);
      }
      file.end(0);
      complete(slot);
      return;
    }
    boolean cut = false;
    lock.lock();
    try {
      if (file.end() == slot.position() + slot.size()) {
        try {
          file.truncate(slot.position());
          file.end(slot.position());
          cut = true;
        } catch (IOException e) {
          LOG.log(Level.DEBUG, "Could not truncate " + file.path() + " after a failed append", e);
        }
      }
    } finally {
      lock.unlock();
    }
    if (!cut) {
      try {
        file.writeFully(ZERO_MAGIC.duplicate(), slot.position());
      } catch (IOException e) {
        // Likely the same full disk; a header that never got written has no magic to zero either.
        LOG.log(Level.DEBUG, "Could not zero the header of a failed append in " + file.path(), e);
      }
    }
    complete(slot);
  }

  /** Seals every lane's file, so that the next append starts a new one; for tests, retries and closing. */
  void roll() {
    List<LogFile> sealed = new ArrayList<>(lanes.length);
    lock.lock();
    try {
      for (int lane = 0; lane < lanes.length; lane++) {
        LogFile file = lanes[lane];
        if (file != null) {
          file.seal();
          sealed.add(file);
          lanes[lane] = null;
        }
      }
    } finally {
      lock.unlock();
    }
    sealed.forEach(settled);
  }
}
