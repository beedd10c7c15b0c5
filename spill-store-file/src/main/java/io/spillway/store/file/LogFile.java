package io.spillway.store.file;

import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One log file of a session: its channel, its space accounting and the references that keep it alive.
 *
 * <p><b>Accounting.</b> {@link #end()} is the space reserved by appends (every record begun here ends before it);
 * {@link #live()} the bytes of the records the index points at (never less than that: an append counts its bytes
 * before it publishes them, a removal subtracts them after); {@link #inflight()} the appends begun and not finished;
 * {@link #removalsInFlight()} the records taken out of the index (deleted or replaced) whose bytes {@code live} still
 * counts, so that compaction can tell bytes about to be subtracted from bytes the accounting lost.
 * The {@link Appender} moves {@code end}, {@link #seal() seals} the file when it takes no more appends, and counts
 * appends in and out. Once sealed with no append in flight, {@code live} can only fall; at zero the file is
 * <i>dead</i>.
 *
 * <p><b>References.</b> The store holds one reference until the file is dead ({@link #retireIfDead}); every reader
 * channel, append and compaction holds one more for as long as it uses the file ({@link #tryPin}, {@link #unpin}).
 * When the count reaches zero the channel is closed, the file deleted and the owner told. A file the index points
 * at is never dead, so pinning it while the index entry is current (under the index stripe's lock) always works.
 *
 * <p><b>Interrupts.</b> A {@link FileChannel} is closed for all its users when a thread is interrupted during I/O on
 * it. One interrupted caller must not break every other value in the file, so the I/O methods here reopen the file
 * and retry (positional reads and writes are idempotent), with the caller's interrupt flag cleared for the retry and
 * set again afterwards.
 *
 * <p>Thread-safe: positional reads and writes run in parallel. Internal, may change.
 */
final class LogFile {
  private static final System.Logger LOG = System.getLogger(FileSpillStoreProvider.class.getName());
  private static final int MAX_REOPENS = 3;

  private final int id;
  private final int number;
  private final Path path;
  private final URI uri;
  private final boolean dedicated;
  private final Consumer<LogFile> onReleased;
  private final Object reopenLock = new Object();
  private volatile FileChannel channel;

  private volatile long end; // written under the Appender's lock
  private volatile boolean sealed; // written under the Appender's lock
  private final AtomicLong live = new AtomicLong();
  private final AtomicInteger inflight = new AtomicInteger();
  private final AtomicInteger removals = new AtomicInteger();
  private final AtomicInteger refs = new AtomicInteger(1);
  private final AtomicBoolean retired = new AtomicBoolean();
  private volatile boolean compactable = true;
  private final AtomicBoolean claimed = new AtomicBoolean();
  private volatile boolean keepOnRelease;

  /**
   * Wraps a new, empty file.
   *
   * @param onReleased called once, on the thread that drops the last reference, after the channel is closed and the
   *     file deleted
   */
  LogFile(int id, int number, Path path, FileChannel channel, boolean dedicated, Consumer<LogFile> onReleased) {
    this.id = id;
    this.number = number;
    this.path = path;
    this.uri = path.toUri();
    this.channel = channel;
    this.dedicated = dedicated;
    this.onReleased = onReleased;
  }

  /**
   * Wraps a file a persistent session held when it was taken over: sealed (it takes no more appends), ending at
   * {@code end}, with {@code live} bytes of records the index points at.
   */
  static LogFile recovered(int id, int number, Path path, FileChannel channel, boolean dedicated, long end, long live,
      Consumer<LogFile> onReleased) {
    LogFile file = new LogFile(id, number, path, channel, dedicated, onReleased);
    file.end = end;
    file.live.set(live);
    file.sealed = true;
    return file;
  }

  /** The id in index locations; reused only after this file is released. */
  int id() {
    return id;
  }

  /** The N of {@code log-N.log}, written in every record header. */
  int number() {
    return number;
  }

  Path path() {
    return path;
  }

  /** Its {@code file:} URI, one instance for all values in it. */
  URI uri() {
    return uri;
  }

  /** Whether the file holds one value of its own (and is never compacted: that value is live or the file dead). */
  boolean dedicated() {
    return dedicated;
  }

  long end() {
    return end;
  }

  void end(long end) {
    this.end = end;
  }

  boolean sealed() {
    return sealed;
  }

  void seal() {
    sealed = true;
  }

  long live() {
    return live.get();
  }

  void addLive(long bytes) {
    live.addAndGet(bytes);
  }

  int inflight() {
    return inflight.get();
  }

  void beginAppend() {
    inflight.incrementAndGet();
  }

  void endAppend() {
    inflight.decrementAndGet();
  }

  /** Records taken out of the index whose bytes {@link #live()} still counts. */
  int removalsInFlight() {
    return removals.get();
  }

  /**
   * A record here left the index: call under the index stripe's lock that removed or replaced it, so that whoever
   * lists the index sees either the record or this count.
   */
  void beginRemoval() {
    removals.incrementAndGet();
  }

  /** The removal begun by {@link #beginRemoval} has subtracted its bytes from {@link #live()}, or was taken back. */
  void endRemoval() {
    removals.decrementAndGet();
  }

  boolean retired() {
    return retired.get();
  }

  /** False once compaction found something here it would not copy; the file is then left alone. */
  boolean compactable() {
    return compactable;
  }

  void markUncompactable() {
    compactable = false;
  }

  /** Claims the file for one compaction, so that two threads never copy the same file; false if taken. */
  boolean claim() {
    return claimed.compareAndSet(false, true);
  }

  void unclaim() {
    claimed.set(false);
  }

  boolean claimed() {
    return claimed.get();
  }

  /** Takes a reference; false if the file has already been released. */
  boolean tryPin() {
    while (true) {
      int current = refs.get();
      if (current == 0) {
        return false;
      }
      if (refs.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }

  /** Drops a reference taken by {@link #tryPin}; the last one closes and deletes the file. */
  void unpin() {
    int left = refs.decrementAndGet();
    if (left == 0) {
      release();
    } else if (left < 0) {
      throw new IllegalStateException("log file " + path + " unpinned more often than pinned");
    }
  }

  /**
   * Drops the store's reference if the file is dead: sealed, no append in flight, nothing live. The order of the
   * reads matters: once sealed with no append in flight nothing can add live bytes, so a zero read afterwards stays.
   *
   * @return whether this call retired it
   */
  boolean retireIfDead() {
    if (sealed && inflight.get() == 0 && live.get() == 0 && retired.compareAndSet(false, true)) {
      unpin();
      return true;
    }
    return false;
  }

  /**
   * Makes the release of this file close its channel and keep the file: how a persistent session is closed (its
   * files are its next owner's). Call before {@link #retire}.
   */
  void keepOnRelease() {
    keepOnRelease = true;
  }

  /** Drops the store's reference whatever the file holds; for closing the store. */
  void retire() {
    if (retired.compareAndSet(false, true)) {
      unpin();
    }
  }

  private void release() {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Could not close log file " + path, e);
    }
    if (!keepOnRelease) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException e) {
        LOG.log(Level.WARNING, "Could not delete dead log file " + path + "; the session's close() retries", e);
      }
    }
    onReleased.accept(this);
  }

  // ------------------------------------------------------------------------------------------------------ I/O

  /** Reads into {@code dst} from {@code position}, as {@link FileChannel#read(ByteBuffer, long)}. */
  int read(ByteBuffer dst, long position) throws IOException {
    int start = dst.position();
    return io(ch -> {
      dst.position(start); // a retry starts over
      return ch.read(dst, position);
    });
  }

  /** Fills {@code dst} from {@code position}; fails if the file ends first. */
  void readFully(ByteBuffer dst, long position) throws IOException {
    long at = position;
    while (dst.hasRemaining()) {
      int n = read(dst, at);
      if (n < 0) {
        throw new EOFException("Log file " + path + " ends before byte " + at + "; expected "
            + dst.remaining() + " more");
      }
      at += n;
    }
  }

  /** Writes every remaining byte of {@code src} at {@code position}. */
  void writeFully(ByteBuffer src, long position) throws IOException {
    int start = src.position();
    io(ch -> {
      src.position(start); // a retry writes the same bytes at the same place again
      long at = position;
      while (src.hasRemaining()) {
        at += ch.write(src, at);
      }
      return at; // unused: see Io
    });
  }

  /** Forces the file's content (and the size needed to read it back) to the device. */
  void force() throws IOException {
    io(ch -> {
      ch.force(false);
      return ch; // unused: see Io
    });
  }

  /** Cuts the file to {@code size} bytes if it is longer. */
  void truncate(long size) throws IOException {
    io(ch -> ch.truncate(size));
  }

  /** The file's size on disk, which may be below {@link #end()} while appends are in flight. */
  long size() throws IOException {
    return io(FileChannel::size);
  }

  /** An operation {@link #io} retries; its result is never null: one without a result returns something unused. */
  private interface Io<T> {
    T run(FileChannel channel) throws IOException;
  }

  private <T> T io(Io<T> op) throws IOException {
    boolean interrupted = false;
    try {
      for (int attempt = 0; ; attempt++) {
        FileChannel current = channel;
        try {
          return op.run(current);
        } catch (ClosedChannelException e) {
          // Thrown as ClosedByInterruptException to the interrupted thread, AsynchronousCloseException to others.
          if (refs.get() == 0 || attempt >= MAX_REOPENS) {
            throw e;
          }
          interrupted |= Thread.interrupted();
          reopen(current, e);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void reopen(FileChannel failed, ClosedChannelException cause) throws IOException {
    synchronized (reopenLock) {
      if (channel != failed) {
        return; // another thread reopened it already
      }
      try {
        channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
      } catch (IOException e) {
        e.addSuppressed(cause);
        throw e;
      }
      LOG.log(Level.DEBUG, "Reopened log file " + path + " after an interrupt closed its channel");
    }
  }

  @Override
  public String toString() {
    return "LogFile[" + path.getFileName() + ", end=" + end + ", live=" + live + ", inflight=" + inflight
        + (sealed ? ", sealed" : "") + (retired.get() ? ", retired" : "") + "]";
  }
}
