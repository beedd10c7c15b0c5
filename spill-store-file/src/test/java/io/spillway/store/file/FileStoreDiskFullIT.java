package io.spillway.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.spillway.api.SpillConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fills a real, small tmpfs until the disk is full. The tmpfs is the directory named by {@code SPILLWAY_TMPFS}
 * (default {@value #DEFAULT_TMPFS}), mounted by {@code .ci/setup-tmpfs.sh}. This test never skips: with {@code CI=true}
 * a missing tmpfs fails it; elsewhere it mounts one with that script when running as root, and fails otherwise.
 */
class FileStoreDiskFullIT {
  static final String DEFAULT_TMPFS = "/mnt/spillway-tmpfs";
  private static final int VALUE_SIZE = 1024 * 1024;
  private static final long MAX_TMPFS_SIZE = 64L * 1024 * 1024;
  private static final String RUN_PREFIX = "disk-full-it-";

  private static Path tmpfs = Path.of(DEFAULT_TMPFS);

  @BeforeAll
  static void requireTmpfs() throws Exception {
    String configured = System.getenv("SPILLWAY_TMPFS");
    tmpfs = Path.of(configured == null || configured.isBlank() ? DEFAULT_TMPFS : configured);
    if (isTmpfsMountPoint(tmpfs)) {
      return;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("CI=true but %s is not a tmpfs mount point. The disk-full test needs a small tmpfs: run "
          + "`sudo .ci/setup-tmpfs.sh` before the build, or point SPILLWAY_TMPFS at a mounted tmpfs.", tmpfs);
    }
    if (!isRoot()) {
      fail("%s is not a tmpfs mount point, and only root can mount one. Run `sudo .ci/setup-tmpfs.sh` once, "
          + "or point SPILLWAY_TMPFS at a mounted tmpfs of a few MiB.", tmpfs);
    }
    Path script = findSetupScript();
    Process setup = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true).start();
    String output = new String(setup.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!setup.waitFor(60, TimeUnit.SECONDS) || setup.exitValue() != 0) {
      fail("%s failed to mount a tmpfs at %s: %s", script, tmpfs, output);
    }
    if (!isTmpfsMountPoint(tmpfs)) {
      fail("%s ran but %s is still not a tmpfs mount point: %s", script, tmpfs, output);
    }
  }

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void write_onFullDisk_failsCleanlyKeepsEarlierValuesAndRecoversAfterDelete() throws Exception {
    removeLeftoversOfDeadRuns();
    long capacity = Files.getFileStore(tmpfs).getTotalSpace();
    assertThat(capacity).as("size of the tmpfs at %s; the test fills it", tmpfs).isLessThanOrEqualTo(MAX_TMPFS_SIZE);
    Path spillDir = tmpfs.resolve(RUN_PREFIX + ProcessHandle.current().pid() + "-" + System.nanoTime());
    SpillConfig config = SpillConfig.builder().spillDir(spillDir).build();
    FileSpillStore store = (FileSpillStore) new FileSpillStoreProvider().create(config);
    try {
      Map<String, byte[]> stored = new LinkedHashMap<>();
      @Nullable IOException failure = null;
      String failedKey = "";
      for (int i = 0; failure == null && i <= capacity / VALUE_SIZE + 1; i++) {
        String key = "value-" + i;
        byte[] value = value(i);
        try {
          store.write(key, ByteBuffer.wrap(value));
          stored.put(key, value);
        } catch (IOException e) {
          failure = e;
          failedKey = key;
        }
      }

      assertThat(failure).as("a write fails once the %d-byte tmpfs is full", capacity).isNotNull();
      assertThat(stored).as("values stored before the disk filled up").isNotEmpty();
      Path target = store.sessionDir().resolve(FileNames.forKey(failedKey).dataFile());
      assertThat(failure.getMessage()).contains("'" + failedKey + "'").contains(target.toString());
      assertThat(causeMessages(failure)).as("causes of %s", failure).anyMatch(m -> m.contains("No space left"));
      assertOnlyValueFiles(store, stored);

      String first = stored.keySet().iterator().next();
      byte[] larger = value(1_000);
      IOException overwrite = writeExpectingFailure(store, first, ByteBuffer.wrap(larger), ByteBuffer.wrap(larger));
      assertThat(overwrite.getMessage()).contains("'" + first + "'");
      assertOnlyValueFiles(store, stored);

      assertThat(store.delete(first)).isTrue();
      stored.remove(first);
      byte[] retried = value(2_000);
      store.write(failedKey, ByteBuffer.wrap(retried));
      stored.put(failedKey, retried);
      assertOnlyValueFiles(store, stored);
    } finally {
      store.close();
    }
    assertThat(FileSpillStoreTest.listNames(spillDir)).as("session folders left in %s", spillDir).isEmpty();
    Files.delete(spillDir);
  }

  /** A run killed before its cleanup would leave the tmpfs partly full for every later run. */
  private static void removeLeftoversOfDeadRuns() throws IOException {
    try (Stream<Path> entries = Files.list(tmpfs)) {
      for (Path entry : entries.toList()) {
        String name = entry.getFileName().toString();
        if (!name.startsWith(RUN_PREFIX)) {
          continue;
        }
        String pid = name.substring(RUN_PREFIX.length()).split("-", 2)[0];
        if (pid.matches("\\d{1,18}") && ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
          SessionFolders.deleteRecursively(entry);
        }
      }
    }
  }

  private static IOException writeExpectingFailure(FileSpillStore store, String key, ByteBuffer... chunks) {
    try {
      store.write(key, chunks);
    } catch (IOException e) {
      return e;
    }
    throw new AssertionError("writing " + key + " succeeded although the disk is full");
  }

  /** The store lists exactly {@code stored}, which read back intact, and its folder holds nothing else. */
  private static void assertOnlyValueFiles(FileSpillStore store, Map<String, byte[]> stored) throws IOException {
    assertThat(store.list()).containsExactlyInAnyOrderElementsOf(stored.keySet());
    long total = 0;
    for (Map.Entry<String, byte[]> entry : stored.entrySet()) {
      assertThat(store.read(entry.getKey())).as("value of %s", entry.getKey()).isEqualTo(entry.getValue());
      total += entry.getValue().length;
    }
    assertThat(store.usage()).isEqualTo(total);
    List<String> expectedFiles = new ArrayList<>();
    expectedFiles.add(FileNames.LOCK_FILE);
    stored.keySet().forEach(key -> expectedFiles.add(FileNames.forKey(key).dataFile()));
    assertThat(FileSpillStoreTest.listNames(store.sessionDir()))
        .as("files in the session folder (no temporary or partial file)")
        .containsExactlyInAnyOrderElementsOf(expectedFiles);
  }

  private static byte[] value(int seed) {
    byte[] value = new byte[VALUE_SIZE];
    new SplittableRandom(seed).nextBytes(value);
    return value;
  }

  private static List<String> causeMessages(Throwable failure) {
    List<String> messages = new ArrayList<>();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      messages.add(String.valueOf(t.getMessage()));
    }
    return messages;
  }

  /** Whether {@code dir} is itself where a tmpfs is mounted, according to {@code /proc/mounts}. */
  static boolean isTmpfsMountPoint(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    String real = dir.toRealPath().toString();
    String type = null;
    for (String line : Files.readAllLines(Path.of("/proc/mounts"), StandardCharsets.UTF_8)) {
      String[] fields = line.split(" ");
      if (fields.length > 2 && unescapeMountPoint(fields[1]).equals(real)) {
        type = fields[2]; // the last mount on a path hides the earlier ones
      }
    }
    return "tmpfs".equals(type);
  }

  /** Undoes the octal escapes ({@code \040} for a space) that /proc/mounts applies to mount points. */
  private static String unescapeMountPoint(String field) {
    StringBuilder out = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isRoot() throws IOException, InterruptedException {
    Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
    String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    return id.waitFor(30, TimeUnit.SECONDS) && id.exitValue() == 0 && uid.equals("0");
  }

  private static Path findSetupScript() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path script = dir.resolve(".ci").resolve("setup-tmpfs.sh");
      if (Files.isRegularFile(script)) {
        return script;
      }
    }
    throw new AssertionError("No .ci/setup-tmpfs.sh in " + Path.of("").toAbsolutePath() + " or above it");
  }
}
