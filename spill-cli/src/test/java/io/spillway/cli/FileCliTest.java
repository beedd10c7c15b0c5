package io.spillway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.api.spi.CompressionCodec;
import io.spillway.api.spi.CompressionCodecProvider;
import io.spillway.core.Spillway;
import io.spillway.testkit.CannotRunCodec;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tool against real spill folders made by real managers: a live ephemeral session (a manager of this JVM), a
 * dead one (a real session folder left under another process's name, its lock free, as a killed process leaves it)
 * and persistent sessions, one compressed, one encrypted.
 */
class FileCliTest {
  @TempDir
  Path temp;

  private Path spill;
  private SpillManager live;
  private final List<SpillManager> managers = new ArrayList<>();
  private final byte[] p1 = payload(1, 40_000);
  private final byte[] p2 = payload(2, 50_000);
  private final byte[] a1 = payload(3, 3_000);

  /** Compressible bytes (four letters at random), so that lz4 shrinks them and the reader must expand them. */
  static byte[] payload(int seed, int length) {
    Random random = new Random(seed);
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) ('a' + random.nextInt(4));
    }
    return bytes;
  }

  private SpillConfig.Builder config() {
    return SpillConfig.builder().spillDir(spill).maxMemory(64L << 20);
  }

  @BeforeEach
  void makeSessions() throws Exception {
    spill = temp.resolve("spill");
    try (SpillManager index = Spillway.newManager(config().persistentSession("index").compression("lz4").build())) {
      spill(index, "p1", p1);
      spill(index, "p2", p2);
    }
    live = Spillway.newManager(config().build());
    managers.add(live);
    spill(live, "a1", a1);
    // Last: opening a session removes dead ones.
    deadSession();
  }

  @AfterEach
  void closeManagers() {
    managers.forEach(SpillManager::close);
  }

  private static void spill(SpillManager manager, String name, byte[] bytes) {
    manager.registerSegment(name, bytes.length);
    manager.spill(name, bytes);
  }

  /** A session folder of a real manager, copied under the name of a process that is gone (pid 1, never ours). */
  private Path deadSession() throws Exception {
    Path other = temp.resolve("other");
    Path dead = spill.resolve("session-1-1000-00000000000000ab");
    try (SpillManager manager = Spillway.newManager(SpillConfig.builder().spillDir(other).build())) {
      spill(manager, "left-behind", "from a killed process".getBytes(StandardCharsets.UTF_8));
      Path folder;
      try (Stream<Path> folders = Files.list(other)) {
        folder = folders.filter(p -> p.getFileName().toString().startsWith("session-")).findFirst().orElseThrow();
      }
      Files.createDirectories(dead);
      try (Stream<Path> files = Files.list(folder)) {
        for (Path file : files.toList()) {
          Files.copy(file, dead.resolve(file.getFileName()));
        }
      }
    }
    return dead;
  }

  @Test
  void ls_listsEverySessionWithKindOwnerSegmentsAndSizes() {
    Cli.Run run = Cli.run("ls", "-l", spill.toString());

    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out()).containsPattern("persistent-index +persistent +dead +2 +")
        .containsPattern("session-1-1000-00000000000000ab +ephemeral +dead +1 ")
        .containsPattern("session-" + ProcessHandle.current().pid() + "-\\S+ +ephemeral +alive +1 +\\d\\.\\d KiB")
        .contains("'p1'", "'p2'", "'left-behind'", "3 sessions, 4 segments");
  }

  @Test
  void verify_intactSessions_exits0() {
    Cli.Run run = Cli.run("verify", spill.toString());

    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out()).doesNotContain("CORRUPT").contains("4 segments: 4 ok, 0 corrupt");
  }

  @Test
  void verify_frameCorruptedOnDisk_namesThatSegmentAndExits1() throws Exception {
    Path damaged = Cli.corrupt(spill.resolve("persistent-index"), compressedRegionOf("p2"));

    Cli.Run run = Cli.run("verify", "--dir", spill.toString());

    assertThat(damaged.getFileName().toString()).startsWith("log-");
    assertThat(run.code()).as(run.toString()).isEqualTo(SpillCli.FINDINGS);
    assertThat(run.out().lines().filter(l -> l.startsWith("CORRUPT")))
        .containsExactly(run.out().lines().filter(l -> l.contains("'p2'")).findFirst().orElseThrow());
    assertThat(run.out()).contains("CORRUPT  persistent-index 'p2': CHECKSUM_MISMATCH")
        .contains("4 segments: 3 ok, 1 corrupt");
  }

  @Test
  void verify_whereLz4CannotRunInThisJvm_reportsItsFramesNotVerified_notCorrupt() throws Exception {
    // As on JDK 24+ with native access refused, were lz4-java without its Java fallback: every call fails as a JNI
    // class whose initialisation failed does.
    Path services = temp.resolve("loader/META-INF/services/" + CompressionCodecProvider.class.getName());
    Files.createDirectories(services.getParent());
    Files.writeString(services, CannotRunLz4Provider.class.getName() + "\n", StandardCharsets.UTF_8);
    Thread thread = Thread.currentThread();
    ClassLoader before = thread.getContextClassLoader();
    Cli.Run run;
    try (URLClassLoader loader = new URLClassLoader(new URL[] {temp.resolve("loader").toUri().toURL()}, before)) {
      thread.setContextClassLoader(loader);
      run = Cli.run("verify", spill.toString());
    } finally {
      thread.setContextClassLoader(before);
    }

    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out()).doesNotContain("CORRUPT")
        .contains("NOT VERIFIED  persistent-index 'p1': not verified: compression codec 'lz4' cannot run in this JVM")
        .contains("NOT VERIFIED  persistent-index 'p2'")
        .contains("4 segments: 2 ok, 0 corrupt, 2 not verified");
  }

  /** Replaces the real lz4 (by priority) with one that cannot run in this JVM. */
  public static final class CannotRunLz4Provider implements CompressionCodecProvider {
    @Override
    public String name() {
      return "lz4";
    }

    @Override
    public int priority() {
      return 100;
    }

    @Override
    public CompressionCodec create(SpillConfig config) {
      return new CannotRunCodec("lz4", 1);
    }
  }

  @Test
  void verify_frameCorruptedInALiveSession_isReadAgainAndReported() throws Exception {
    Path liveFolder = spill.resolve(sessionNames().stream()
        .filter(n -> n.startsWith("session-" + ProcessHandle.current().pid())).findFirst().orElseThrow());
    Cli.corrupt(liveFolder, java.util.Arrays.copyOfRange(a1, 1000, 1200));

    Cli.Run run = Cli.run("verify", spill.toString());

    assertThat(run.code()).as(run.toString()).isEqualTo(SpillCli.FINDINGS);
    assertThat(run.out()).contains("CORRUPT  " + liveFolder.getFileName() + " 'a1': CHECKSUM_MISMATCH")
        .contains("4 segments: 3 ok, 1 corrupt");
  }

  @Test
  void cat_writesTheVerifiedPayload_andNothingForACorruptOrAbsentSegment() throws Exception {
    Cli.Run good = Cli.run("cat", "-d", spill.toString(), "index", "p1");
    assertThat(good.code()).as(good.toString()).isZero();
    assertThat(good.bytes()).isEqualTo(p1);

    Cli.corrupt(spill.resolve("persistent-index"), compressedRegionOf("p2"));
    Cli.Run bad = Cli.run("cat", "-d", spill.toString(), "persistent-index", "p2");
    assertThat(bad.code()).as(bad.toString()).isEqualTo(SpillCli.FINDINGS);
    assertThat(bad.bytes()).isEmpty();
    assertThat(bad.err()).contains("segment 'p2' of session persistent-index is corrupt: CHECKSUM_MISMATCH");

    Cli.Run absent = Cli.run("cat", "-d", spill.toString(), "index", "p9");
    assertThat(absent.code()).isEqualTo(SpillCli.FINDINGS);
    assertThat(absent.bytes()).isEmpty();
    assertThat(absent.err()).contains("no segment 'p9' in session persistent-index");
  }

  @Test
  void gc_removesDeadEphemeralSessionsOnly() throws Exception {
    Cli.Run run = Cli.run("gc", spill.toString());

    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out()).contains("removed session-1-1000-00000000000000ab (ephemeral, owner dead, 1 segment")
        .contains("kept persistent-index").contains("removed 1 dead session");
    assertThat(spill.resolve("session-1-1000-00000000000000ab")).doesNotExist();
    assertThat(spill.resolve("persistent-index")).isDirectory();
    assertThat(live.reload("a1")).hasValue(a1);
  }

  @Test
  void gc_persistentOrLiveSession_onlyWithForce() {
    String liveName = sessionNames().stream().filter(n -> n.startsWith("session-" + ProcessHandle.current().pid()))
        .findFirst().orElseThrow();

    Cli.Run persistent = Cli.run("gc", spill.toString(), "--session", "index");
    Cli.Run alive = Cli.run("gc", spill.toString(), "--session", liveName);

    assertThat(persistent.code()).as(persistent.toString()).isEqualTo(SpillCli.USAGE);
    assertThat(persistent.err()).contains("persistent-index is persistent; add --force");
    assertThat(alive.code()).as(alive.toString()).isEqualTo(SpillCli.USAGE);
    assertThat(alive.err()).contains("owner that is alive");
    assertThat(sessionNames()).contains("persistent-index", liveName);

    Cli.Run forced = Cli.run("gc", spill.toString(), "--session", "index", "--force");
    assertThat(forced.code()).as(forced.toString()).isZero();
    assertThat(forced.out()).contains("removed persistent-index (persistent, owner dead, 2 segments");
    assertThat(sessionNames()).doesNotContain("persistent-index").contains(liveName);
  }

  @Test
  void verify_encryptedPersistentSession_isNotVerifiedWithoutAKeyAndVerifiedWithIt() throws Exception {
    Path key = temp.resolve("spill.key");
    byte[] secret = new byte[32];
    new java.security.SecureRandom().nextBytes(secret);
    Files.write(key, secret);
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    try (SpillManager sealed = Spillway.newManager(config().persistentSession("sealed").encryption("aes-gcm")
        .option("encryption.keyProvider", "key-file").option("encryption.keyFile", key.toString()).build())) {
      spill(sealed, "secret", payload(5, 1000));
    } // (its opening removed the dead session)

    Cli.Run without = Cli.run("verify", spill.toString());
    Cli.Run with = Cli.run("verify", spill.toString(), "--key-file", key.toString());
    Cli.Run cat = Cli.run("cat", "-d", spill.toString(), "--key-file", key.toString(), "sealed", "secret");

    assertThat(without.code()).as(without.toString()).isZero();
    assertThat(without.out()).contains("NOT VERIFIED  persistent-sealed 'secret': encrypted, not verified")
        .contains("4 segments: 3 ok, 0 corrupt, 1 not verified");
    assertThat(with.code()).as(with.toString()).isZero();
    assertThat(with.out()).contains("4 segments: 4 ok, 0 corrupt, 0 not verified");
    assertThat(cat.bytes()).isEqualTo(payload(5, 1000));
  }

  @Test
  void errors_areOneLineAndExit2() {
    Cli.Run missing = Cli.run("verify", temp.resolve("nowhere").toString());
    Cli.Run noLocation = Cli.run("ls");
    Cli.Run verbose = Cli.run("ls", "--verbose", temp.resolve("nowhere").toString());

    assertThat(missing.code()).isEqualTo(SpillCli.USAGE);
    assertThat(missing.err()).contains("no such file or directory: " + temp.resolve("nowhere"))
        .doesNotContain("\tat ");
    assertThat(noLocation.code()).isEqualTo(SpillCli.USAGE);
    assertThat(noLocation.err()).contains("Give a spill directory");
    assertThat(verbose.code()).isEqualTo(SpillCli.USAGE);
    assertThat(verbose.err()).contains("\tat ");
  }

  @Test
  void help_documentsTheCommandsAndExitCodes() {
    Cli.Run run = Cli.run("--help");

    assertThat(run.code()).isZero();
    assertThat(run.out()).contains("ls", "verify", "cat", "gc", "Exit codes:", "usage error");
  }

  private List<String> sessionNames() {
    try (Stream<Path> entries = Files.list(spill)) {
      return entries.map(p -> p.getFileName().toString()).toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Stored bytes of {@code segment}'s compressed payload, to find it on disk: the payload written with lz4 is not
   * the plain bytes, so the lz4 codec is asked for them through a frame written the same way.
   */
  private byte[] compressedRegionOf(String segment) {
    byte[] plain = segment.equals("p1") ? p1 : p2;
    io.spillway.core.SpillFrames frames = io.spillway.core.SpillFrames.create(SpillConfig.builder()
        .compression("lz4").build());
    byte[] frame = concat(frames.encode(segment, plain));
    // A 200-byte stretch from the middle of the frame's payload region is unique enough to find.
    return java.util.Arrays.copyOfRange(frame, frame.length / 2, frame.length / 2 + 200);
  }

  private static byte[] concat(java.nio.ByteBuffer[] chunks) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (java.nio.ByteBuffer chunk : chunks) {
      byte[] bytes = new byte[chunk.remaining()];
      chunk.get(bytes);
      out.writeBytes(bytes);
    }
    return out.toByteArray();
  }
}
