package io.spillway.core.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * Reads and tampers with a spilled copy through the location a spill returned, whatever the store.
 *
 * <p>A {@code file:} location names the file store's log file that holds the value; this class reads the record
 * layout the store documents (a 40-byte header holding the key length at offset 6 and the value length at 16, the
 * key, then the value). A packed log file outlives the values in it, so for {@link #exists} to mean "the copy is
 * still stored" the manager must give every value a file of its own, deleted with it: use {@link #OWN_FILES} (the
 * store's {@code file.ownFileThreshold=0}) in tests that check copies are gone. Such a file holds exactly one record.
 */
public final class StoredBytes {
  /** The file store option and value that give every value a log file of its own. */
  public static final String OWN_FILES_OPTION = "file.ownFileThreshold";
  /** See {@link #OWN_FILES_OPTION}. */
  public static final String OWN_FILES = "0";

  private static final int HEADER_BYTES = 40;

  private StoredBytes() {}

  /** Whether a copy exists at {@code location}; for the file store, see the class comment. */
  public static boolean exists(URI location, String key) {
    if ("file".equals(location.getScheme())) {
      return Files.exists(Path.of(location));
    }
    return InMemorySpillStore.sessionOf(location).raw(key) != null;
  }

  /** The stored bytes at {@code location}: the value alone, without the file store's record header. */
  public static byte[] read(URI location, String key) {
    if ("file".equals(location.getScheme())) {
      try {
        byte[] file = Files.readAllBytes(Path.of(location));
        int start = valueStart(file, key, location);
        return Arrays.copyOfRange(file, start, file.length);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return InMemorySpillStore.sessionOf(location).raw(key);
  }

  /**
   * Replaces the stored bytes at {@code location} by {@code change} applied to them. For the file store the value is
   * rewritten in place, so {@code change} must keep its length (a damaged frame, not a resized record).
   */
  public static void tamper(URI location, String key, UnaryOperator<byte[]> change) {
    if ("file".equals(location.getScheme())) {
      Path path = Path.of(location);
      try {
        byte[] file = Files.readAllBytes(path);
        int start = valueStart(file, key, location);
        byte[] changed = change.apply(Arrays.copyOfRange(file, start, file.length));
        if (changed.length != file.length - start) {
          throw new IllegalArgumentException("a file store value keeps its length: " + (file.length - start)
              + " bytes, not " + changed.length);
        }
        System.arraycopy(changed, 0, file, start, changed.length);
        Files.write(path, file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return;
    }
    InMemorySpillStore.sessionOf(location).corrupt(key, change);
  }

  /** Where {@code key}'s value starts in {@code file}, which must be a log file of that one record. */
  private static int valueStart(byte[] file, String key, URI location) {
    ByteBuffer header = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    if (file.length < HEADER_BYTES) {
      throw new IllegalStateException(location + " holds no record");
    }
    int keyLength = Short.toUnsignedInt(header.getShort(6));
    long valueLength = header.getLong(16);
    String stored = new String(file, HEADER_BYTES, keyLength, UTF_8);
    if (!stored.equals(key) || HEADER_BYTES + keyLength + valueLength != file.length) {
      throw new IllegalStateException(location + " is not a log file of " + key + "'s value alone: give the test's "
          + "manager the option " + OWN_FILES_OPTION + "=" + OWN_FILES);
    }
    return HEADER_BYTES + keyLength;
  }
}
