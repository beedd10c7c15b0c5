package io.spillway.api.spi;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * A view of every session a store keeps at one location (a spill directory, a bucket and prefix), for tools that
 * list, check and clean up what managers left: opened by {@link SpillStoreProvider#inspect}, used by the
 * {@code spill-cli} tool.
 *
 * <p><b>Read-only unless asked.</b> {@link #sessions()} and {@link #read} never change anything a session holds and
 * never take a lock or a lease a session's owner needs, so they may run while owners, in this process or others,
 * use the location; only {@link #removeStaleSessions()} and {@link #removeSession} delete. A live session changes
 * while it is read: a listing is a snapshot that may already be out of date, a value written at that moment may be
 * missing or be its previous version, and a value listed may be gone (replaced, deleted, compacted away) by the time
 * it is read.
 *
 * <p>Values are the bytes the store holds, frames included, uninterpreted: checking them is the caller's business
 * (the core's frame decoder).
 *
 * <p>Not thread-safe: one caller at a time. Every method may block on I/O. {@link #close()} releases what the
 * inspector opened (a client), never anything of a session.
 */
public interface SpillStoreInspector extends Closeable {

  /** The location inspected, for messages: a directory ({@code /var/tmp/spill}) or a URI ({@code s3://b/prefix/}). */
  String location();

  /**
   * The sessions at the location, sorted by name, each with the values it holds as the store finds them without
   * its owner's help.
   *
   * @throws IOException if the location cannot be read (a missing directory, an unreachable server)
   */
  List<Session> sessions() throws IOException;

  /**
   * The bytes stored for {@code value} of {@code session}, both as {@link #sessions()} listed them. Reads only.
   *
   * @throws java.nio.file.NoSuchFileException if the value is no longer there
   * @throws IOException if it cannot be read, or is larger than an array can hold
   */
  byte[] read(Session session, Value value) throws IOException;

  /**
   * Removes the dead ephemeral sessions, as the store does when a new session opens: the same rule, never a live or
   * a persistent session. For a directory, what {@link SpillStoreProvider#removeStaleSessions} does.
   *
   * @return how many sessions (or remains of interrupted removals) were removed
   * @throws IOException if the location cannot be examined
   */
  int removeStaleSessions() throws IOException;

  /**
   * Deletes {@code session} and everything it holds, whatever its kind and whether its owner is alive: the caller
   * decides (a live owner then loses its data, and fails or misbehaves on its next use). Idempotent: a session
   * already gone is no error.
   *
   * @throws IOException if it cannot be deleted completely; what is left stays listed
   */
  void removeSession(Session session) throws IOException;

  /** Whether a session outlives its manager. */
  enum Kind {
    /** Deleted when its manager closes; a dead one's remains are removed by {@link #removeStaleSessions()}. */
    EPHEMERAL,
    /** Kept for its next owner ({@link io.spillway.api.SpillConfig#persistentSession()}). */
    PERSISTENT
  }

  /** Whether a session has a live owner. */
  enum Owner {
    /** A live store owns the session (holds its lock, renews its lease). */
    ALIVE,
    /** No live store owns it: its owner died, or (a persistent session) closed it. */
    DEAD,
    /** The store cannot tell (a session being created or removed, a server that does not say its time). */
    UNKNOWN
  }

  /**
   * One session at the location.
   *
   * @param name the store's name for it, unique at the location: for the bundled stores the folder name,
   *     {@code session-<pid>-<start>-<random>} or {@code persistent-<name>}
   * @param kind ephemeral or persistent
   * @param persistentName for a persistent session, the name a configuration opens it by; otherwise empty
   * @param owner whether its owner is alive
   * @param ownerDescription who the owner is or was (pid, host, start time) and how the state was found, for people
   * @param occupiedBytes bytes the session takes at the location: values, the store's own files or objects, dead
   *     space awaiting compaction
   * @param values the values it holds, sorted by key
   */
  record Session(String name, Kind kind, String persistentName, Owner owner, String ownerDescription,
      long occupiedBytes, List<Value> values) {
    /** Checks the components and copies the values. */
    public Session {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(persistentName, "persistentName");
      Objects.requireNonNull(owner, "owner");
      Objects.requireNonNull(ownerDescription, "ownerDescription");
      values = List.copyOf(values);
    }

    /** The sum of the values' stored bytes. */
    public long storedBytes() {
      long sum = 0;
      for (Value value : values) {
        sum += value.storedBytes();
      }
      return sum;
    }
  }

  /**
   * One stored value.
   *
   * @param key the segment name it is stored under; when {@code keyKnown} is false, the store's own name for it
   *     instead (the s3 store keeps the names of an ephemeral session's long keys in its owner's memory only), from
   *     which a frame's header still tells the segment
   * @param keyKnown whether {@code key} is the segment name
   * @param storedBytes the stored length, frame included
   */
  record Value(String key, boolean keyKnown, long storedBytes) {
    /** Checks the components. */
    public Value {
      Objects.requireNonNull(key, "key");
      if (storedBytes < 0) {
        throw new IllegalArgumentException("storedBytes must not be negative, was " + storedBytes);
      }
    }
  }
}
