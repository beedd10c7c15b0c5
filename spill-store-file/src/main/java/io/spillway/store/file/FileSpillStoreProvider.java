package io.spillway.store.file;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillStore;
import io.spillway.api.spi.SpillStoreInspector;
import io.spillway.api.spi.SpillStoreProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The local-directory spill store, named {@code "file"}, priority 0: the store used when none is named and no
 * store of higher priority is on the class path. It packs values into a few large append-only log files per session
 * with an index in memory, so a spill creates, renames and deletes no file of its own.
 *
 * <pre>{@code
 * SpillConfig config = SpillConfig.builder()
 *     .spillDir(Path.of("/var/tmp/app-spill"))
 *     .option("file.logFileSize", "64MiB")      // optional; see below
 *     .build();
 * }</pre>
 *
 * <h2>Settings</h2>
 * It reads {@link SpillConfig#spillDirs()} (one directory unless several are given), created with their parents when
 * missing, {@link SpillConfig#fsync()}, {@link SpillConfig#persistentSession()}, and
 * these {@link SpillConfig#options() options} (sizes as a byte count or with {@code KiB}, {@code MiB}, {@code GiB}):
 * <ul>
 *   <li>{@value #LOG_FILE_SIZE} — bytes after which a log file takes no more appends (a file ends at most one record
 *       past it): {@code auto} (the default) or 64 KiB to 4 GiB. {@code auto} sizes each new file at 1/32 of the live
 *       bytes, between 8 MiB and 256 MiB, so that the file being filled stays a small share of the disk space however
 *       much is spilled, and a large store does not need thousands of open files.</li>
 *   <li>{@value #OWN_FILE_THRESHOLD} — values of at least this many bytes get a log file of their own, deleted as soon
 *       as the value is: default 64 MiB; {@code 0} gives every value its own file. Such a value is never copied by
 *       compaction. Measured (a spill, then a reload, of 1 GiB with {@code SpillReloadBenchmark}): packed, 64 KiB
 *       values took about a fifth of the time they took with a file each, and 4 MiB values about 60%; at 64 MiB a
 *       file each cost no more than packing, and gives the space back at once.</li>
 *   <li>{@value #COMPACT_BELOW} — a full log file is compacted once its live share falls below this: default 0.5,
 *       0.05 to 0.95. Higher saves disk space and costs more writing: see <i>Compaction</i>.</li>
 *   <li>{@value #MAX_USED_SHARE} — with several spill directories, one whose file system is fuller than this share
 *       takes no new log file while another is below it: default 0.9 (Trino's spill threshold), above 0 to 1.</li>
 *   <li>{@value #APPEND_FILES} — how many log files take appends at once: default one per processor, at most 4;
 *       1 to 64. A write goes to the first of them that no other write is filling, so a single writer fills one
 *       file and concurrent writers each fill their own: a file system serializes buffered writes to one file (ext4
 *       and XFS hold the inode's lock for each), so spills sharing a file would queue in the kernel.</li>
 * </ul>
 * Any other option starting with {@code file.} fails {@code create} with a
 * {@link io.spillway.api.SpillConfigurationException} naming the known ones, so that a misspelt option is not ignored.
 *
 * <h2>Layout</h2>
 * Each {@link #create} makes a session folder of its own inside the spill directory,
 * {@code session-<pid>-<process start in epoch ms>-<16 random hex digits>}, so that any number of stores, in one
 * process or in several, can share a spill directory without ever touching each other's files. The folder holds
 * {@code session.lock}, on which the session holds an exclusive {@link java.nio.channels.FileLock} for its whole
 * life, and log files {@code log-NNNNNNNNNN.log} (ten decimal digits, numbered from 1 in order of creation, never
 * reused in a session). Keys never appear in file names, so no key can name a path, whatever it holds.
 *
 * <h2>Several spill directories</h2>
 * With {@link SpillConfig#spillDirs()} naming several (one per disk, say), a session has a folder of the same kind in
 * each, each locked and each checked for stale sessions at start, and each new log file goes to the next directory
 * in turn, so that writes and compaction spread over the disks. A directory is skipped while its file system is
 * fuller than {@value #MAX_USED_SHARE} (0.9), or for 10 s after a file could not be created or written there; a
 * write that fails in one directory (a full disk, say) is tried once more, in a new log file in another, before it
 * fails. Reads find a value wherever it went: the index knows its file. A directory that fails takes its values with
 * it (they are read, and fail, where they are), never those in the others. A persistent session is recovered from
 * all its directories: give the same ones each time (a directory left out is not read; one added is simply used).
 *
 * <p>A log file is a sequence of records, each a 40-byte header, the key's UTF-8 bytes and the value's bytes:
 * magic {@code SWLR}, version 1, kind (1 value, 2 dead: replaced or deleted, in persistent sessions),
 * key length (u16), sequence number of the write (u64; a compaction copy keeps its original's), value length
 * (u64), the record's own position in its file (u64) and its file's number (u32), and a CRC-32C over the header and
 * the key; little-endian, as the core's frames. So a recovery scan can walk a file, find every record boundary and
 * key, take the highest sequence number of each key, pass over a hole that an append cut short left (a header is
 * trusted only if its checksum holds and it names its own place), and stop at a torn tail.
 * The value bytes are the core's frames, whose own checksum finds a torn or damaged value. Records are not aligned.
 *
 * <h2>Writes</h2>
 * A write reserves its record's bytes at the end of an active log file (one of {@value #APPEND_FILES}, the first
 * that no other write is filling) under a short lock, then writes them at that position (positional writes, in parallel
 * with other writers; heap bytes go through a few pooled 1 MiB direct buffers), forces them with fsync, and only then
 * points the index at them: a reader sees the old value or the whole new one. The key's previous record becomes dead.
 * {@code write} returns the {@code file:} URI of the log file that holds the value, one instance per log file, so a
 * spill costs no URI object of its own; the value's offset is in the store's error messages. After compaction moved a
 * value, that URI names its old file.
 *
 * <p>If an append fails (a full disk, say) a {@link java.nio.file.FileSystemException} names the log file, the key
 * and the byte offset, with the cause ("No space left on device") chained; the index is untouched, so the key's
 * previous value stays readable, and the partial bytes are never read: the file is cut back to where the record
 * began if nothing was reserved after it (which gives the space back), and otherwise the region stays dead and its
 * header's magic is zeroed.
 *
 * <h2>Durability: what survives what</h2>
 * Without {@link SpillConfig#fsync()} a write returns once its bytes are in the operating system's page cache: they
 * survive the death of the process ({@code kill -9}), not an operating system crash or power loss. With it, a write
 * returns only after {@link java.nio.channels.FileChannel#force(boolean) force} of its log file (data and size), and
 * each new log file's folder entry is synced; a compaction copy is forced before the index points at it, so an old
 * file is deleted only after its live records are durable elsewhere. An ephemeral session's data dies with its
 * process either way (the next session in the directory deletes it), so there fsync buys nothing but costs a device
 * flush per write; it matters for persistent sessions.
 *
 * <h2>Persistent sessions</h2>
 * With {@link SpillConfig#persistentSession()} set to {@code name}, {@code create} takes the folder
 * {@code persistent-<name>} in the spill directory instead of a new one: created if missing, and otherwise recovered
 * from its log files before {@code create} returns. One store at a time owns it (the same exclusive lock on
 * {@code session.lock}; the owner's pid and start time in {@code owner}, for the message another opener gets).
 * Stale-session removal never touches it. What a next owner finds, after a {@link SpillStore#close()} or after the
 * process was killed at any moment ({@code kill -9}):
 * <ul>
 *   <li>every value whose {@code write} had returned, byte for byte, unless a later {@code write} or {@code delete}
 *       of its key had returned too; a {@code write} or {@code delete} under way at the kill either happened whole
 *       or not at all;</li>
 *   <li>no key whose {@code delete} had returned, and no value but those written: no torn or partial record.</li>
 * </ul>
 * How: a record's header is written only after its value, so a header found means a whole value (a torn tail, an
 * append the kill cut short, has none and is cut off the file); of a key's records the one with the highest sequence
 * number is its value; and a record replaced or deleted is marked dead in place (its header rewritten as kind 2),
 * a delete before it returns, so that no older value can come back later. Compaction writes a copy's header only
 * when it publishes the copy, under the key's index lock. Without fsync these hold across a killed process (the
 * operating system keeps what was written); with {@link SpillConfig#fsync()} also across power loss and operating
 * system crashes, for writes and deletes that had returned: the value is forced before its header is written and
 * the header before the write returns, and a delete's mark before it returns. What the store cannot tell is whether
 * a value's bytes are what the core wrote: they are frames, and the core verifies each when it reads it.
 * {@link SpillStore#discard()} deletes the session's files and folder; {@link SpillStore#location(String)} names
 * the log file of a recovered value.
 *
 * <h2>Compaction</h2>
 * A daemon thread per store ({@code spillway-file-compactor-<session>}) copies the live records of a full log file
 * whose live share fell below the threshold {@code t} ({@value #COMPACT_BELOW}) into an active file, lowest live
 * share first, and deletes the old file once nothing points into it and no reader has it open. A value replaced or
 * deleted during its copy is never brought back; readers never wait for compaction beyond one index update. If
 * writers outrun the thread, so that more than one log file's worth of dead bytes waits for compaction, the writer
 * that finds it so compacts one file itself before its append (copying at most {@code t} × a log file). Bounds,
 * record headers (40 bytes and the key per value) aside: <b>write amplification ≤ 1/(1−t)</b> — every copied byte is
 * paid for by at least {@code (1−t)/t} dead bytes, each once written by a caller: 2 at the default 0.5 — and <b>disk
 * space ≤ live/t</b> plus the active files, one file being compacted and at most one file of waiting dead bytes.
 * Under random overwrites the live shares of the full files spread between {@code t} and 1, averaging
 * {@code (1−t)/ln(1/t)}: about 1.39× the live bytes at 0.5, plus the partly filled active files (1/32 of the live
 * bytes at most each with {@code auto}; a second one is opened only while writes overlap). Measured with
 * {@code io.spillway.bench.StoreChurn} (192 MiB live of 64 KiB values, 10 rewrites): 1.93× written per caller byte,
 * 1.40× the live bytes on disk on average. A file with a header that fails its check is left as it is, logged, and
 * never compacted. A copy that fails (a full disk) is taken back like a failed write, leaves every value where it was,
 * and compaction backs off (100 ms doubling to 30 s, at once when a file is freed).
 *
 * <h2>Usage and listing</h2>
 * {@code usage()} is the exact sum of the live values' lengths, as the core reports it for {@code storeUsage}; the
 * files take more: 40 bytes plus the key per record, and dead bytes awaiting compaction, within the bounds above.
 * {@code list()} is exactly the live keys. Both come from the index, without touching the disk.
 *
 * <h2>Memory</h2>
 * The index holds no object per key: open-addressing tables of parallel arrays, 16 bytes a slot, 68–85% full, so 19
 * to 24 bytes per live key besides the key string, which is the caller's ({@code io.spillway.bench.StoreHeapPerKey}
 * measured 19–23 bytes of heap per key from 100,000 to 3,000,000 keys). The URI returned by {@code write} is shared
 * per log file: a URI of its own per value would cost about 500 bytes more.
 *
 * <h2>Sessions and stale sessions</h2>
 * {@link SpillStore#close()} of an ephemeral session stops compaction, deletes the session's log files, its lock
 * file and its folder (a persistent session keeps them); a
 * channel from {@code openRead} still open keeps reading its value until it is closed. A process that dies without
 * closing leaves its folder behind, but the operating system releases its lock; so {@code create} first scans the
 * spill directory and deletes every {@code session-*} folder whose lock it can take, as that folder's owner is dead. A
 * folder whose lock is held, by another process or by this one, is live and left alone; the folders of this very
 * process (same pid and start time) are not even probed, because with POSIX locks closing a probe would release this
 * process's own lock. Folders a scan cannot delete are logged through {@link System.Logger} and left for the next
 * scan. {@link #removeStaleSessions(Path)} runs the same scan on demand ({@code Spillway.removeStaleSessions}).
 *
 * <h2>Thread safety</h2>
 * This provider is stateless. Its stores are thread-safe: operations on different keys run in parallel, their I/O
 * included, and {@code usage()} stays exact under concurrency. A thread interrupted during I/O does not break the
 * store for others (the interrupt closes a shared file channel; the store reopens it and completes the operation,
 * keeping the thread's interrupt flag). {@code close()} waits for operations in flight and for the compaction of the
 * record being copied; afterwards every method but {@code close()} throws {@link IllegalStateException}. Channels
 * returned by {@code openRead} remain the caller's to close, and each is for one thread.
 */
public final class FileSpillStoreProvider implements SpillStoreProvider {
  /** Option key of the size after which a log file takes no more appends, or {@code auto}: {@value}. */
  public static final String LOG_FILE_SIZE = "file.logFileSize";
  /** Option key of the value size from which a value gets a log file of its own: {@value}. */
  public static final String OWN_FILE_THRESHOLD = "file.ownFileThreshold";
  /** Option key of the live share below which a full log file is compacted: {@value}. */
  public static final String COMPACT_BELOW = "file.compactBelow";
  /** Option key of the used share above which a spill directory takes no new log file: {@value}. */
  public static final String MAX_USED_SHARE = "file.maxUsedShare";
  /** Option key of the number of log files that take appends at once: {@value}. */
  public static final String APPEND_FILES = "file.appendFiles";

  /** Creates the provider; it holds no state. */
  public FileSpillStoreProvider() {}

  @Override
  public String name() {
    return "file";
  }

  @Override
  public int priority() {
    return 0;
  }

  /**
   * One per processor but one, at least 1 and at most 4. A spill to this store is a copy into the page cache, bound
   * by the processor, so threads beyond those the application leaves free only contend: measured on 2 processors
   * ({@code TieredWorkload}, managed 64 KiB and 1 MiB values under a quarter of their size), 1 spill thread beat 2 in
   * the load and in the read phases.
   */
  @Override
  public int defaultIoThreads(int processors) {
    return Math.max(1, Math.min(4, processors - 1));
  }

  /** True: see <i>Persistent sessions</i> above. */
  @Override
  public boolean supportsPersistentSessions() {
    return true;
  }

  /**
   * Removes dead sessions from {@code config.spillDir()}, then opens a new session folder there (or takes and
   * recovers the persistent session the config names) and starts its compaction thread.
   *
   * @throws io.spillway.api.SpillConfigurationException if a {@code file.*} option is unknown or unusable
   * @throws IOException if the spill directory or the session folder cannot be created, locked or recovered, or a
   *     live store owns the persistent session (the message names its owner)
   */
  @Override
  public SpillStore create(SpillConfig config) throws IOException {
    FileStoreSettings settings = FileStoreSettings.from(config);
    Optional<String> persistent = config.persistentSession();
    try {
      if (persistent.isPresent()) {
        return FileSpillStore.openPersistent(config.spillDirs(), persistent.get(), settings, true);
      }
      return FileSpillStore.open(config.spillDirs(), settings, true);
    } catch (IOException e) {
      String what = persistent.isPresent() ? "persistent file spill session '" + persistent.get() + "'"
          : "a file spill session";
      throw new IOException("Could not open " + what + " in " + describe(config.spillDirs()) + ": "
          + SpillDirProblems.explain(config.spillDirs(), e), e);
    }
  }

  private static String describe(List<Path> dirs) {
    return dirs.size() == 1 ? dirs.get(0).toString() : dirs.toString();
  }

  /**
   * A read-only view of the sessions in {@link SpillConfig#spillDirs()}: the {@code session-*} folders (one session
   * per folder; with several directories an ephemeral session has a folder of its own name in each) and the
   * {@code persistent-*} ones (one session over all directories). Values are found by scanning the log files as a
   * recovery does, headers only, and the files are opened for reading only: nothing is repaired, locked for long or
   * deleted, so live sessions, in this process or others, are not disturbed. Owners are told apart as
   * {@link #removeStaleSessions(Path)} tells them (a session lock that can be taken is a dead owner's), with a shared
   * lock tried and given back at once, and never for this process's own folders. An ephemeral session marks no
   * record dead, so its listing also holds values deleted since, until compaction drops their file.
   * {@code removeStaleSessions()} is {@link #removeStaleSessions(Path)} for each directory; {@code removeSession}
   * renames the session's folders to {@code deleting-*} and deletes them, whatever their owner.
   *
   * @throws java.nio.file.NoSuchFileException if a spill directory does not exist
   */
  @Override
  public SpillStoreInspector inspect(SpillConfig config) throws IOException {
    return new FileStoreInspector(config.spillDirs());
  }

  /**
   * Runs the scan {@code create} starts with (see <i>Sessions and stale sessions</i>): deletes the {@code session-*}
   * folders of dead processes and the {@code deleting-*} remains of interrupted deletions, nothing else. Folders of
   * this process are never touched, even those of a store that was not closed: they count as live until the process
   * ends. Never throws for one folder: what cannot be examined or deleted is logged and left.
   *
   * @return how many folders it deleted; 0 if {@code spillDir} is not a directory
   */
  @Override
  public int removeStaleSessions(Path spillDir) {
    if (!Files.isDirectory(spillDir)) {
      return 0;
    }
    return SessionFolders.removeStale(spillDir);
  }

  /**
   * The five {@code file.*} options above, the keys {@link #create} reads; any other {@code file.*} key makes it fail.
   */
  @Override
  public Set<String> optionKeys() {
    return Set.copyOf(FileStoreSettings.KNOWN);
  }
}
