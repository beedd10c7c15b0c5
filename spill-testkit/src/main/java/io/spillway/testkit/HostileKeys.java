package io.spillway.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.SegmentNames;
import io.spillway.api.spi.SpillStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The hostile keys of the store contract suite, and the checks that a store given them writes nothing outside its
 * area. Stateless but for a {@link Containment}'s folders.
 */
final class HostileKeys {
  private static final String CANARY = "canary-outside";

  private HostileKeys() {}

  /** Valid segment names that a careless store would turn into paths, collisions or errors. */
  static Stream<String> all() {
    return Stream.of(
        "../x", "../../../../../../x", "/etc/passwd", "a/b", "a//b/", "..", ".", "...", "./.",
        "CON", "con", "NUL", "aux.txt", "COM1", "a\\b", "..\\..\\x", "C:\\x", "C:",
        "nul\u0000byte", "\u0000", "line\nbreak", "\r\n", "\t", "\u007f", "\u001b[31m",
        "trailing dot.", "trailing space ", " ", "-", "--", "_", "~", "*?<>|\"", "%", "%41", "%2e%2e%2fx",
        "k-x.spill", "x.spill", "x.key", "session.lock", "tmp-1.part",
        "h-e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "emoji \uD83D\uDE80\uD83D\uDE42", "\u00e9t\u00e9", "e\u0301te\u0301", "\u4e2d\u6587", "\u202e\u2066rtl",
        "\uFEFFbom", "Key", "key", "KEY", "kEy", "Ä", "ä",
        "A".repeat(66), "A".repeat(67), "a".repeat(200), "a".repeat(201), "a".repeat(255), "a".repeat(256),
        "a".repeat(SegmentNames.MAX_LENGTH), "a".repeat(SegmentNames.MAX_LENGTH - 1) + "b",
        "/".repeat(SegmentNames.MAX_LENGTH),
        "\uD83D\uDE42".repeat(255) + "abcd",
        "\u00e9".repeat(SegmentNames.MAX_LENGTH / 2));
  }

  /** A distinct value per key, so that two keys mapped to one place are caught. */
  static byte[] value(String key) throws IOException {
    if (key.equals("/etc/passwd")) {
      // Should a store write there anyway, it writes what is already there.
      Path passwd = Path.of("/etc/passwd");
      if (Files.isRegularFile(passwd) && Files.isReadable(passwd)) {
        return Files.readAllBytes(passwd);
      }
    }
    return ("value of " + key).getBytes(UTF_8);
  }

  /** The checks for one test's folders: {@code root} holds the spill directory {@code spillDirName} only. */
  static final class Containment {
    private final Path root;
    private final String spillDirName;

    Containment(Path root, String spillDirName) {
      this.root = root;
      this.spillDirName = spillDirName;
    }

    /**
     * Writes keys whose naive use as a path would land beside the spill directory, where the suite can see it, and
     * fails if anything appears there. Run before the other hostile keys so that a store that resolves keys as paths
     * fails here, before it is handed {@code /etc/passwd}.
     */
    void writeCanariesAndAssertContained(SpillStore store) throws IOException {
      List<String> canaries = List.of(
          root.resolve(CANARY).toString(),
          "../" + CANARY,
          "../../" + CANARY,
          "..\\" + CANARY,
          "..\\..\\" + CANARY);
      for (String canary : canaries) {
        store.write(canary, ByteBuffer.wrap(canary.getBytes(UTF_8)));
      }
      assertNothingOutsideSpillDir();
      for (String canary : canaries) {
        assertThat(store.read(canary)).isEqualTo(canary.getBytes(UTF_8));
      }
    }

    void assertNothingOutsideSpillDir() throws IOException {
      try (Stream<Path> entries = Files.list(root)) {
        assertThat(entries.map(p -> p.getFileName().toString()))
            .as("entries beside the spill directory %s", root.resolve(spillDirName))
            .allMatch(spillDirName::equals);
      }
      List<Path> escaped = new ArrayList<>();
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          check(dir);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          check(file);
          return FileVisitResult.CONTINUE;
        }

        private void check(Path path) {
          Path name = path.getFileName();
          if (name != null && name.toString().startsWith(CANARY)) {
            escaped.add(path);
          }
        }
      });
      assertThat(escaped).as("paths named after a key's last path segment").isEmpty();
    }
  }
}
