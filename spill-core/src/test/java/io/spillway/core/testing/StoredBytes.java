package io.spillway.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** Reads and tampers with a spilled copy through the location a spill returned, whatever the store. */
public final class StoredBytes {
  private StoredBytes() {}

  /** Whether a copy exists at {@code location}. */
  public static boolean exists(URI location, String key) {
    if ("file".equals(location.getScheme())) {
      return Files.exists(Path.of(location));
    }
    return InMemorySpillStore.sessionOf(location).raw(key) != null;
  }

  /** The stored bytes at {@code location}. */
  public static byte[] read(URI location, String key) {
    if ("file".equals(location.getScheme())) {
      try {
        return Files.readAllBytes(Path.of(location));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return InMemorySpillStore.sessionOf(location).raw(key);
  }

  /** Replaces the stored bytes at {@code location} by {@code change} applied to them. */
  public static void tamper(URI location, String key, UnaryOperator<byte[]> change) {
    if ("file".equals(location.getScheme())) {
      Path path = Path.of(location);
      try {
        Files.write(path, change.apply(Files.readAllBytes(path)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return;
    }
    InMemorySpillStore.sessionOf(location).corrupt(key, change);
  }
}
