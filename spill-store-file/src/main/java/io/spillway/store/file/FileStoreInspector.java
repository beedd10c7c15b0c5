package io.spillway.store.file;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import io.spillway.api.spi.SpillStoreInspector;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The file store's {@link SpillStoreInspector}: the {@code session-*} and {@code persistent-*} folders of its spill
 * directories, as {@link FileSpillStoreProvider}'s <i>Layout</i> describes them, read without their owners' help.
 *
 * <p>Values are found as a recovery finds them ({@link LogScanner}, highest sequence number of a key wins, dead
 * records skipped), but nothing is repaired: files are opened for reading only. An ephemeral session marks nothing
 * dead, so its listing also shows values deleted since whose bytes are still in a log file. Whether an owner is alive
 * is asked of the session's lock with a <em>shared</em> lock tried on a read-only channel, given back at once; the
 * folders of this very process are never probed (with POSIX locks, closing a probe would drop this process's own
 * lock), and a persistent folder is probed only under {@link PersistentFolder}'s lock, so that no store of this
 * process takes it meanwhile.
 *
 * <p>Not thread-safe. Internal, may change.
 */
final class FileStoreInspector implements SpillStoreInspector {
  private final List<Path> spillDirs;
  /** Where each listed value lies: session name, then key. */
  private final Map<String, Map<String, Located>> located = new HashMap<>();
  /** The folders of each listed session. */
  private final Map<String, List<Path>> folders = new HashMap<>();

  /** A value's place: its log file, the offset of its first byte and its length. */
  private record Located(Path file, long offset, long length) {}

  FileStoreInspector(List<Path> spillDirs) throws IOException {
    for (Path dir : spillDirs) {
      if (!Files.isDirectory(dir)) {
        throw new NoSuchFileException(dir.toString(), null, "no spill directory there");
      }
    }
    this.spillDirs = List.copyOf(spillDirs);
  }

  @Override
  public String location() {
    return spillDirs.size() == 1 ? spillDirs.get(0).toString() : spillDirs.toString();
  }

  @Override
  public List<Session> sessions() throws IOException {
    located.clear();
    folders.clear();
    Map<String, List<Path>> byName = new TreeMap<>();
    for (Path spillDir : spillDirs) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(spillDir)) {
        for (Path entry : entries) {
          String name = entry.getFileName().toString();
          boolean session = name.startsWith(SessionFolders.SESSION_PREFIX)
              || name.startsWith(PersistentFolder.PREFIX) && name.length() > PersistentFolder.PREFIX.length();
          if (session && Files.isDirectory(entry, NOFOLLOW_LINKS)) {
            // A persistent session has a folder of the same name in each directory; an ephemeral one, names of its
            // own in each, so each of its folders lists as a session.
            byName.computeIfAbsent(name, n -> new ArrayList<>()).add(entry);
          }
        }
      }
    }
    List<Session> sessions = new ArrayList<>();
    for (Map.Entry<String, List<Path>> entry : byName.entrySet()) {
      Session session = inspect(entry.getKey(), entry.getValue());
      if (session != null) {
        sessions.add(session);
      }
    }
    return sessions;
  }

  /** The session of {@code dirs}, or null if it vanished while it was read (closed, removed). */
  private @Nullable Session inspect(String name, List<Path> dirs) throws IOException {
    boolean persistent = name.startsWith(PersistentFolder.PREFIX);
    Map<String, RecordFormat.Header> winners = new HashMap<>();
    Map<String, Path> fileOf = new HashMap<>();
    long occupied = 0;
    try {
      for (Path dir : dirs) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
          for (Path file : entries) {
            occupied += sizeOrZero(file);
            OptionalInt number = FileNames.logNumber(file.getFileName().toString());
            if (number.isEmpty() || !Files.isRegularFile(file, NOFOLLOW_LINKS)) {
              continue;
            }
            LogScanner.Scan scan;
            try {
              scan = LogScanner.scan(file, number.getAsInt());
            } catch (NoSuchFileException e) {
              continue; // compacted away meanwhile: its live records are in another file
            }
            for (RecordFormat.Header header : scan.records()) {
              if (header.kind() != RecordFormat.KIND_VALUE) {
                continue;
              }
              RecordFormat.Header current = winners.get(header.key());
              if (current == null || header.sequence() > current.sequence()) {
                winners.put(header.key(), header);
                fileOf.put(header.key(), file);
              }
            }
          }
        }
      }
    } catch (NoSuchFileException e) {
      return null;
    }
    Map<String, Located> places = new TreeMap<>();
    for (Map.Entry<String, RecordFormat.Header> winner : winners.entrySet()) {
      RecordFormat.Header header = winner.getValue();
      places.put(winner.getKey(), new Located(Objects.requireNonNull(fileOf.get(winner.getKey())),
          header.valueOffset(), header.valueLength()));
    }
    List<Value> values = new ArrayList<>();
    for (Map.Entry<String, Located> place : places.entrySet()) {
      values.add(new Value(place.getKey(), true, place.getValue().length()));
    }
    located.put(name, places);
    folders.put(name, List.copyOf(dirs));
    if (persistent) {
      OwnerState owner = persistentOwner(dirs);
      return new Session(name, Kind.PERSISTENT, name.substring(PersistentFolder.PREFIX.length()), owner.owner(),
          owner.description(), occupied, values);
    }
    OwnerState owner = ephemeralOwner(dirs.get(0), name);
    return new Session(name, Kind.EPHEMERAL, "", owner.owner(), owner.description(), occupied, values);
  }

  private record OwnerState(Owner owner, String description) {}

  private static OwnerState ephemeralOwner(Path dir, String name) throws IOException {
    String process = processOf(name);
    if (name.startsWith(SessionFolders.SESSION_PREFIX + SessionFolders.processTag() + "-")) {
      return new OwnerState(Owner.ALIVE, process + ": this process");
    }
    Path lockFile = dir.resolve(FileNames.LOCK_FILE);
    if (!Files.exists(lockFile, NOFOLLOW_LINKS)) {
      boolean old = Files.getLastModifiedTime(dir, NOFOLLOW_LINKS).toInstant()
          .isBefore(Instant.now().minus(SessionFolders.LOCKLESS_GRACE));
      return old ? new OwnerState(Owner.DEAD, process + ", no lock file for " + SessionFolders.LOCKLESS_GRACE)
          : new OwnerState(Owner.UNKNOWN, process + ", no lock file yet (being created, or its creator died)");
    }
    return probe(lockFile, process);
  }

  private static OwnerState persistentOwner(List<Path> dirs) throws IOException {
    OwnerState state = null;
    for (Path dir : dirs) {
      String owner = ownerText(dir);
      OwnerState found = PersistentFolder.probe(dir, new OwnerState(Owner.ALIVE, owner + ": a store of this process"),
          () -> probe(dir.resolve(FileNames.LOCK_FILE), owner));
      if (found.owner() == Owner.ALIVE) {
        return found;
      }
      if (state == null || found.owner() == Owner.UNKNOWN) {
        state = found;
      }
    }
    return Objects.requireNonNull(state, "a session has a folder");
  }

  /** The lock of {@code lockFile} asked, with a shared lock given back at once; never called for this process's. */
  static OwnerState probe(Path lockFile, String owner) throws IOException {
    FileChannel channel;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.READ, NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return new OwnerState(Owner.DEAD, owner + ", no lock file");
    }
    try (channel) {
      FileLock lock;
      try {
        lock = channel.tryLock(0, Long.MAX_VALUE, true);
      } catch (OverlappingFileLockException e) {
        return new OwnerState(Owner.ALIVE, owner + ": a store of this process holds the lock");
      }
      if (lock == null) {
        return new OwnerState(Owner.ALIVE, owner + ": holds the session lock");
      }
      lock.release();
      return new OwnerState(Owner.DEAD, owner + ": gone, its lock is free");
    }
  }

  /** What the owner of persistent folder {@code dir} wrote about itself. */
  private static String ownerText(Path dir) {
    try {
      return "owner " + new String(Files.readAllBytes(dir.resolve(PersistentFolder.OWNER_FILE)), UTF_8).strip();
    } catch (IOException e) {
      return "owner unknown";
    }
  }

  /** The process a {@code session-<pid>-<start ms>-<random>} folder names, for people. */
  private static String processOf(String name) {
    String[] parts = name.substring(SessionFolders.SESSION_PREFIX.length()).split("-");
    if (parts.length < 2) {
      return "process unknown";
    }
    try {
      return "pid " + Long.parseLong(parts[0]) + ", started " + Instant.ofEpochMilli(Long.parseLong(parts[1]));
    } catch (RuntimeException e) {
      return "process unknown";
    }
  }

  private static long sizeOrZero(Path file) {
    try {
      return Files.isRegularFile(file, NOFOLLOW_LINKS) ? Files.size(file) : 0;
    } catch (IOException e) {
      return 0; // gone meanwhile
    }
  }

  @Override
  public byte[] read(Session session, Value value) throws IOException {
    Map<String, Located> places = located.get(session.name());
    @Nullable Located place = places == null ? null : places.get(value.key());
    if (place == null) {
      throw new NoSuchFileException(session.name() + ": " + FileNames.describe(value.key()), null,
          "not listed in this session");
    }
    if (place.length() > Integer.MAX_VALUE - 8) {
      throw new IOException("Value " + FileNames.describe(value.key()) + " is " + place.length()
          + " bytes, too large for one array");
    }
    byte[] bytes = new byte[(int) place.length()];
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    try (FileChannel channel = FileChannel.open(place.file(), StandardOpenOption.READ)) {
      while (buffer.hasRemaining()) {
        if (channel.read(buffer, place.offset() + buffer.position()) < 0) {
          throw new IOException("Value " + FileNames.describe(value.key()) + " in " + place.file() + " ends after "
              + buffer.position() + " of " + place.length() + " bytes");
        }
      }
    }
    return bytes;
  }

  @Override
  public int removeStaleSessions() {
    int removed = 0;
    for (Path dir : spillDirs) {
      if (Files.isDirectory(dir)) {
        removed += SessionFolders.removeStale(dir);
      }
    }
    return removed;
  }

  @Override
  public void removeSession(Session session) throws IOException {
    List<Path> dirs = folders.get(session.name());
    if (dirs == null) {
      throw new NoSuchFileException(session.name(), null, "not listed in " + location());
    }
    for (Path dir : dirs) {
      if (Files.isDirectory(dir, NOFOLLOW_LINKS)) {
        SessionFolders.retire(dir);
      }
    }
  }

  @Override
  public void close() {
    located.clear();
    folders.clear();
  }
}
