package io.spillway.core.persistence;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillMode;
import io.spillway.core.Spillway;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Child process of {@link PersistentManagerKillIT}: opens a manager on persistent session {@code args[1]} in spill
 * directory {@code args[0]} and, with seed {@code args[2]}, spills, unregisters and reloads manual segments until it
 * is killed. Each operation is logged on standard output before it starts and once it returned, each line ending in
 * {@code " ."} so that the parent can tell a line the kill cut short:
 * <ul>
 *   <li>{@code B <name> S <version> <size> .} then {@code A <name> .}: registered with {@code size} (if new) and
 *       spilled with {@link #payload(String, long)};</li>
 *   <li>{@code B <name> X .} then {@code A <name> .}: unregistered, or reloaded (the stored copy goes either way).</li>
 * </ul>
 */
final class PersistentManagerMain {
  static final int NAMES = 60;

  private PersistentManagerMain() {}

  /** The payload spilled as {@code version} of {@code name}: 1 to 40,000 bytes seeded by both. */
  static byte[] payload(String name, long version) {
    SplittableRandom random = new SplittableRandom(version * 31 + name.hashCode());
    byte[] payload = new byte[1 + random.nextInt(40_000)];
    random.nextBytes(payload);
    return payload;
  }

  /** The registered size given with {@code version}: unrelated to the payload's length, as a caller's may be. */
  static long size(long version) {
    return 1_000 + Math.floorMod(version, 1_000_000);
  }

  static SpillConfig config(Path spillDir, String session) {
    return SpillConfig.builder().spillDir(spillDir).persistentSession(session).spillMode(SpillMode.SYNCHRONOUS)
        .maxMemory(1L << 40).option("file.logFileSize", "64KiB").build();
  }

  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    SplittableRandom random = new SplittableRandom(Long.parseLong(args[2]));
    SpillManager manager = Spillway.newManager(config(Path.of(args[0]), args[1]));
    out.println("ready .");
    while (true) {
      String name = "seg-" + random.nextInt(NAMES);
      boolean spilled = manager.isSpilled(name);
      if (spilled && random.nextInt(3) == 0) {
        out.println("B " + name + " X .");
        if (random.nextBoolean()) {
          manager.unregisterSegment(name);
        } else {
          manager.reload(name);
          manager.unregisterSegment(name); // resident in this process only: gone with it anyway
        }
      } else if (!spilled) {
        long version = random.nextLong() >>> 1;
        out.println("B " + name + " S " + version + " " + size(version) + " .");
        manager.unregisterSegment(name);
        manager.registerSegment(name, size(version));
        manager.spill(name, payload(name, version));
      } else {
        continue;
      }
      out.println("A " + name + " .");
    }
  }
}
