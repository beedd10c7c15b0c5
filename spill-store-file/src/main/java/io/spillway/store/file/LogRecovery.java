package io.spillway.store.file;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.LongPredicate;
import org.jspecify.annotations.Nullable;

/**
 * Rebuilds a persistent session from its log files when a store takes it over, before it takes any operation.
 *
 * <p>Each log file is scanned ({@link LogScanner}); of each key's value records the one with the highest sequence
 * number holds its value (a compaction copy keeps its original's number, so two records of equal number hold the
 * same bytes, and either does). Every other value record of the key is marked dead in place, so that it can never
 * come back: not when the winner is later deleted, not after the next restart. Dead records are skipped. A torn tail
 * (an append the crash cut short) is cut off the file; a hole before complete records (an append reserved and never
 * written) is left as dead space for compaction. Files that hold no live record are deleted. The others are adopted
 * sealed: new writes go to new files numbered above them.
 *
 * <p>Why a header found means a whole value: in persistent sessions a record's header is written only after its
 * value ({@link RecordWriter#writeHeaderLast}), forced in between with fsync. Recovery does not read values: they are
 * the core's frames, which the core verifies when it reads them.
 *
 * <p>Not thread-safe: it runs alone, from the store's constructor. Internal, may change.
 */
final class LogRecovery {
  private static final System.Logger LOG = System.getLogger(FileSpillStoreProvider.class.getName());

  /** What recovery found. {@code nextSequence} is above every sequence number in the files. */
  record Outcome(int keys, long valueBytes, long nextSequence, int files, long markedDead, long skippedBytes,
      int tornTails, int deletedFiles) {}

  /** A scanned log file. */
  private record Scanned(int number, Path path, FileChannel channel, LogScanner.Scan scan) {
    long validEnd() {
      List<RecordFormat.Header> records = scan.records();
      return records.isEmpty() ? 0 : records.get(records.size() - 1).position()
          + records.get(records.size() - 1).recordBytes();
    }
  }

  /** A key's record of the highest sequence number so far. */
  private record Winner(Scanned file, RecordFormat.Header header) {}

  private LogRecovery() {}

  /**
   * Scans the log files of session folder {@code dir}, adopts those with live records into {@code files} and points
   * {@code index} at each key's value.
   *
   * @param dedicated whether a value of that length would have been given a file of its own
   * @throws IOException if a file cannot be read or repaired; the files are then as they were, or repaired in part
   *     (a repair is only ever a dead mark, a cut torn tail or a deleted file without live records, so a later
   *     recovery finds the same values)
   */
  static Outcome recover(List<Path> folders, LogFiles files, KeyIndex index, boolean fsync, LongPredicate dedicated)
      throws IOException {
    List<Scanned> scanned = new ArrayList<>();
    Map<Scanned, LogFile> adopted = new HashMap<>();
    try {
      for (Map.Entry<Integer, Path> log : logFiles(folders).entrySet()) {
        FileChannel channel = FileChannel.open(log.getValue(), StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
          scanned.add(new Scanned(log.getKey(), log.getValue(), channel, LogScanner.scan(channel, log.getKey())));
        } catch (IOException | RuntimeException e) {
          channel.close();
          throw e;
        }
      }
      return rebuild(scanned, adopted, files, index, fsync, dedicated);
    } catch (IOException | RuntimeException e) {
      // The session is not opened: let go of every file, deleting none.
      for (Scanned file : scanned) {
        LogFile owner = adopted.get(file);
        if (owner != null) {
          owner.keepOnRelease();
          owner.retire();
        } else {
          closeQuietly(file.channel(), e);
        }
      }
      throw e;
    }
  }

  private static Outcome rebuild(List<Scanned> scanned, Map<Scanned, LogFile> adopted, LogFiles files,
      KeyIndex index, boolean fsync, LongPredicate dedicated) throws IOException {
    Map<String, Winner> winners = new HashMap<>();
    List<Winner> losers = new ArrayList<>();
    long maxSequence = 0;
    long skipped = 0;
    int torn = 0;
    for (Scanned file : scanned) {
      skipped += file.scan().skippedBytes();
      for (RecordFormat.Header header : file.scan().records()) {
        maxSequence = Math.max(maxSequence, header.sequence());
        if (header.kind() != RecordFormat.KIND_VALUE) {
          continue;
        }
        Winner candidate = new Winner(file, header);
        Winner current = winners.putIfAbsent(header.key(), candidate);
        if (current != null) {
          if (header.sequence() > current.header().sequence()) {
            winners.put(header.key(), candidate);
            losers.add(current);
          } else {
            losers.add(candidate);
          }
        }
      }
    }
    Map<Scanned, List<Winner>> byFile = new HashMap<>();
    for (Winner winner : winners.values()) {
      byFile.computeIfAbsent(winner.file(), f -> new ArrayList<>()).add(winner);
    }
    for (Scanned file : scanned) {
      List<Winner> live = byFile.get(file);
      if (live == null) {
        continue;
      }
      if (file.scan().tornTail()) {
        file.channel().truncate(file.validEnd());
        torn++;
      }
      adopted.put(file, adopt(file, live, files, dedicated));
    }
    long marked = 0;
    for (Winner loser : losers) {
      LogFile file = adopted.get(loser.file());
      if (file != null && RecordWriter.markDead(file, loser.header().position(), loser.header().keyBytes().length)) {
        marked++;
      }
    }
    if (fsync) {
      for (LogFile file : adopted.values()) {
        file.force();
      }
    }
    // Only now, with every loser in a kept file dead, may a file without a live record go.
    int deleted = 0;
    for (Scanned file : scanned) {
      if (!adopted.containsKey(file)) {
        file.channel().close();
        Files.deleteIfExists(file.path());
        if (fsync) {
          SessionFolders.syncDirectory(java.util.Objects.requireNonNull(file.path().getParent()));
        }
        deleted++;
      }
    }
    long valueBytes = 0;
    for (Winner winner : winners.values()) {
      LogFile file = java.util.Objects.requireNonNull(adopted.get(winner.file()), "every winner's file is adopted");
      RecordFormat.Header header = winner.header();
      index.put(header.key(), KeyIndex.location(file.id(), header.valueOffset()),
          KeyIndex.lengthCode(header.valueLength()));
      valueBytes += header.valueLength();
    }
    Outcome outcome = new Outcome(winners.size(), valueBytes, maxSequence + 1, adopted.size(), marked, skipped, torn,
        deleted);
    if (skipped > 0 || torn > 0) {
      LOG.log(Level.INFO, "Recovered spill session with " + outcome + ": skipped bytes are appends a stop cut short");
    }
    return outcome;
  }

  private static LogFile adopt(Scanned file, List<Winner> winners, LogFiles files, LongPredicate dedicated)
      throws IOException {
    long liveBytes = 0;
    for (Winner winner : winners) {
      liveBytes += winner.header().recordBytes();
    }
    List<RecordFormat.Header> records = file.scan().records();
    boolean ownFile = records.size() == 1 && records.get(0).position() == 0
        && dedicated.test(records.get(0).valueLength());
    long end = file.channel().size();
    long live = liveBytes;
    return files.adopt(file.number(), (id, onReleased) -> LogFile.recovered(id, file.number(), file.path(),
        file.channel(), ownFile, end, live, onReleased));
  }

  /**
   * The log files in {@code folders} by number, in number order.
   *
   * @throws IOException if two folders hold a file of the same number: not one session's
   */
  private static Map<Integer, Path> logFiles(List<Path> folders) throws IOException {
    Map<Integer, Path> found = new java.util.TreeMap<>(Integer::compareUnsigned);
    for (Path folder : folders) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
        for (Path entry : entries) {
          OptionalInt number = FileNames.logNumber(entry.getFileName().toString());
          if (number.isPresent() && Files.isRegularFile(entry, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Path other = found.putIfAbsent(number.getAsInt(), entry);
            if (other != null) {
              throw new IOException("Log files " + other + " and " + entry + " have the same number: the spill"
                  + " directories hold folders of different sessions under one name");
            }
          }
        }
      }
    }
    return found;
  }

  private static void closeQuietly(@Nullable FileChannel channel, Exception failure) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        failure.addSuppressed(e);
      }
    }
  }
}
