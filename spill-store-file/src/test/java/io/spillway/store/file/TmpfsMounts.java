package io.spillway.store.file;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The small tmpfs file systems that {@code .ci/setup-tmpfs.sh} mounts for the tests that need a real full disk or a
 * real read-only file system. A test that needs one never skips: with {@code CI=true} a missing mount fails it;
 * elsewhere the script is run when the tests run as root, and the test fails otherwise, saying what to run.
 */
final class TmpfsMounts {
  private TmpfsMounts() {}

  /**
   * The tmpfs mount point named by environment variable {@code variable} (or {@code defaultPath}), mounted by the
   * script first if need be.
   *
   * @param purpose what the test needs it for, for the failure message
   */
  static Path require(String variable, String defaultPath, String purpose) throws IOException, InterruptedException {
    String configured = System.getenv(variable);
    Path mount = Path.of(configured == null || configured.isBlank() ? defaultPath : configured);
    if (isTmpfsMountPoint(mount)) {
      return mount;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("CI=true but %s is not a tmpfs mount point. %s: run `sudo .ci/setup-tmpfs.sh` before the build, or "
          + "point %s at a mounted tmpfs.", mount, purpose, variable);
    }
    if (!isRoot()) {
      fail("%s is not a tmpfs mount point, and only root can mount one. %s: run `sudo .ci/setup-tmpfs.sh` once, "
          + "or point %s at a mounted tmpfs.", mount, purpose, variable);
    }
    Path script = findSetupScript();
    Process setup = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true).start();
    String output = new String(setup.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!setup.waitFor(60, TimeUnit.SECONDS) || setup.exitValue() != 0) {
      fail("%s failed to mount a tmpfs at %s: %s", script, mount, output);
    }
    if (!isTmpfsMountPoint(mount)) {
      fail("%s ran but %s is still not a tmpfs mount point: %s", script, mount, output);
    }
    return mount;
  }

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
