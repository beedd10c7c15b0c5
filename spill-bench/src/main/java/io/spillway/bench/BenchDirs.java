package io.spillway.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Scratch folders for benchmarks; {@code -Dbench.dir=PATH} chooses their parent. Stateless. */
final class BenchDirs {
  private BenchDirs() {}

  /** A fresh folder under {@code bench.dir}, or under the system temp folder when that property is not set. */
  static Path create(String prefix) throws IOException {
    String parent = System.getProperty("bench.dir");
    if (parent == null || parent.isBlank()) {
      return Files.createTempDirectory(prefix);
    }
    Path dir = Path.of(parent);
    Files.createDirectories(dir);
    return Files.createTempDirectory(dir, prefix);
  }

  /** Deletes {@code dir} and everything under it; a missing folder is fine. */
  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
