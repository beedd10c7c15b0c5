package io.spillway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.core.Spillway;
import io.spillway.testkit.KillableChild;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged tool, run as users run it ({@code java -jar spill-cli/target/spill-cli-<version>.jar}), against a
 * spill directory holding a persistent session and the session of a child JVM, alive and then killed with SIGKILL.
 */
class CliJarIT {
  @TempDir
  Path temp;

  private record Run(int code, String out, String err) {}

  private Run jar(String... args) throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    Path jar = cliJar();
    List<String> command = new ArrayList<>(List.of(java, "-jar", jar.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(temp, "out", ".txt");
    Path err = Files.createTempFile(temp, "err", ".txt");
    Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("the tool ended").isTrue();
    return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static Path cliJar() {
    // Failsafe names it; run from an IDE, the one jar in target/ is it.
    Path jar = Path.of(System.getProperty("spillway.cliJar", "target/spill-cli-" + version() + ".jar"));
    assertThat(jar).as("the runnable jar (mvn package)").isRegularFile();
    return jar;
  }

  private static String version() {
    String version = SpillCli.class.getPackage().getImplementationVersion();
    return version != null ? version : "0.1.0-SNAPSHOT";
  }

  @Test
  void jar_enablesNativeAccess_forTheCodecsNativeLibraries() throws Exception {
    // Without it, JDK 24 and later print four lines of warning when lz4-java or zstd-jni loads its library (the
    // `cat` of a compressed segment), and a later JDK refuses the load.
    try (JarFile jar = new JarFile(cliJar().toFile())) {
      assertThat(jar.getManifest().getMainAttributes().getValue("Enable-Native-Access")).isEqualTo("ALL-UNNAMED");
    }
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void jar_listsVerifiesAndCleansARealSpillDirectory() throws Exception {
    Path spill = temp.resolve("spill");
    byte[] p2 = FileCliTest.payload(2, 30_000);
    try (SpillManager index = Spillway.newManager(SpillConfig.builder().spillDir(spill).persistentSession("index")
        .build())) {
      index.registerSegment("p1", 100);
      index.spill("p1", FileCliTest.payload(1, 100));
      index.registerSegment("p2", p2.length);
      index.spill("p2", p2);
    }
    String dir = spill.toString();
    try (KillableChild child = KillableChild.start(temp.resolve("child.err"), SessionChildMain.class, dir)) {
      Run alive = jar("ls", dir);
      assertThat(alive.code()).as(alive.toString()).isZero();
      assertThat(alive.out()).containsPattern("session-\\S+ +ephemeral +alive +1 ");

      child.kill();
      assertThat(child.nextLine()).as("nothing after the kill").isNull();
      child.assertKilled();
    }
    Path childSession;
    try (Stream<Path> entries = Files.list(spill)) {
      childSession = entries.filter(p -> p.getFileName().toString().startsWith("session-")).findFirst().orElseThrow();
    }

    Run dead = jar("ls", "--segments", dir);
    assertThat(dead.code()).as(dead.toString()).isZero();
    assertThat(dead.out()).containsPattern("session-\\S+ +ephemeral +dead +1 ").contains("'child'");

    Run intact = jar("verify", dir);
    assertThat(intact.code()).as(intact.toString()).isZero();

    Cli.corrupt(spill.resolve("persistent-index"), java.util.Arrays.copyOfRange(p2, 10_000, 10_200));
    Run corrupt = jar("verify", dir);
    assertThat(corrupt.code()).as(corrupt.toString()).isEqualTo(SpillCli.FINDINGS);
    assertThat(corrupt.out()).contains("CORRUPT  persistent-index 'p2': CHECKSUM_MISMATCH")
        .contains("3 segments: 2 ok, 1 corrupt");

    Run cat = jar("cat", "-d", dir, childSession.getFileName().toString(), "child");
    assertThat(cat.code()).as(cat.toString()).isZero();
    assertThat(cat.out()).isEqualTo(new String("held by a child JVM".getBytes(StandardCharsets.UTF_8),
        StandardCharsets.UTF_8));

    Run gc = jar("gc", dir);
    assertThat(gc.code()).as(gc.toString()).isZero();
    assertThat(gc.out()).contains("removed " + childSession.getFileName() + " (ephemeral, owner dead, 1 segment");
    assertThat(childSession).doesNotExist();
    assertThat(spill.resolve("persistent-index")).isDirectory();

    Run missing = jar("verify", temp.resolve("nowhere").toString());
    assertThat(missing.code()).isEqualTo(SpillCli.USAGE);
    assertThat(missing.err().lines().filter(l -> !l.isBlank())).hasSize(2).first().asString()
        .contains("no such file or directory");
    Run help = jar("--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("Exit codes:");
  }
}
