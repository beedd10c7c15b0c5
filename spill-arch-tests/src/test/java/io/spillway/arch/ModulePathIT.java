package io.spillway.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolvedModule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A consumer on the module path finds the bundled providers through the modules' {@code provides} clauses.
 *
 * <p>The test compiles a tiny consumer module (with {@code javax.tools}) that requires {@code io.spillway.core},
 * {@code io.spillway.store.file} and both policy modules, and runs it in a child JVM with {@code --module-path} only:
 * no class path, and on the module path only the Spillway modules it requires and the modules they require in turn
 * (resolved from their descriptors, not listed here). ServiceLoader ignores {@code META-INF/services} in named
 * modules, so every provider the consumer meets came from a {@code provides} clause. The consumer reports what it
 * found and spills and reloads a segment with each policy and checksum by name; this test checks the report.
 */
class ModulePathIT {
  private static final String CONSUMER = "io.spillway.it.consumer";
  private static final List<String> ROOTS =
      List.of("io.spillway.core", "io.spillway.store.file", "io.spillway.policy.lru", "io.spillway.policy.lfu");

  private static final String MODULE_INFO = """
      module io.spillway.it.consumer {
        requires io.spillway.core;
        requires io.spillway.store.file;
        requires io.spillway.policy.lru;
        requires io.spillway.policy.lfu;

        uses io.spillway.api.spi.SpillPolicyProvider;
        uses io.spillway.api.spi.SpillStoreProvider;
        uses io.spillway.api.spi.ChecksumCodecProvider;
      }
      """;

  /** Prints one line per finding; exits non-zero (with a stack trace) on any failure. */
  private static final String MAIN = """
      package io.spillway.it.consumer;

      import io.spillway.api.SpillConfig;
      import io.spillway.api.SpillConfigurationException;
      import io.spillway.api.SpillManager;
      import io.spillway.api.spi.ChecksumCodecProvider;
      import io.spillway.api.spi.SpillPolicyProvider;
      import io.spillway.api.spi.SpillStoreProvider;
      import io.spillway.core.ChecksumCodecs;
      import io.spillway.core.Spillway;
      import java.nio.file.Path;
      import java.util.Arrays;
      import java.util.List;
      import java.util.ServiceLoader;

      public final class Main {
        private Main() {}

        public static void main(String[] args) {
          Path dir = Path.of(args[0]);
          System.out.println("consumer " + Main.class.getModule().getName()
              + " layer " + (Main.class.getModule().getLayer() == ModuleLayer.boot() ? "boot" : "other"));
          System.out.println("class-path [" + System.getProperty("java.class.path") + "]");
          ServiceLoader.load(SpillPolicyProvider.class).stream().forEach(p ->
              System.out.println("provider policy " + p.get().name() + " " + p.type().getModule().getName()));
          ServiceLoader.load(SpillStoreProvider.class).stream().forEach(p ->
              System.out.println("provider store " + p.get().name() + " " + p.type().getModule().getName()));
          ServiceLoader.load(ChecksumCodecProvider.class).stream().forEach(p ->
              System.out.println("provider checksum " + p.get().name() + " " + p.type().getModule().getName()));
          System.out.println("checksums " + ChecksumCodecs.load().names());

          List<String> policies =
              List.of("coldness", "lru", "lirs", "arc", "sieve", "lfu", "w-tinylfu", "gdsf", "adaptive");
          List<String> checksums = List.of("crc32c", "crc32");
          for (int i = 0; i < policies.size(); i++) {
            String policy = policies.get(i);
            String checksum = checksums.get(i % checksums.size());
            SpillConfig config = SpillConfig.builder()
                .maxMemory(1000)
                .minSpillSize(0)
                .policy(policy)
                .store("file")
                .checksum(checksum)
                .spillDir(dir.resolve(policy))
                .build();
            try (SpillManager manager = Spillway.newManager(config)) {
              for (String segment : List.of("a", "b", "c", "d", "e")) {
                manager.registerSegment(segment, 200);
                manager.access(segment);
              }
              List<String> victims = manager.needsSpill();
              if (victims.isEmpty()) {
                throw new AssertionError(policy + " chose no victim at " + manager.memoryUsage() + " of 1000 bytes");
              }
              String victim = victims.get(0);
              byte[] payload = (policy + " spilled " + victim).getBytes(java.nio.charset.StandardCharsets.UTF_8);
              manager.spill(victim, payload);
              if (!manager.isSpilled(victim) || manager.memoryUsage() != 800) {
                throw new AssertionError(policy + ": " + victim + " not spilled, usage " + manager.memoryUsage());
              }
              byte[] back = manager.reload(victim).orElseThrow();
              if (!Arrays.equals(back, payload) || manager.isSpilled(victim)) {
                throw new AssertionError(policy + ": " + victim + " came back wrong");
              }
              System.out.println("spilled-and-reloaded " + policy + " " + checksum + " " + victim
                  + " spills=" + manager.stats().spillOperations() + " reloads=" + manager.stats().reloadOperations());
            }
          }

          try {
            Spillway.newManager(SpillConfig.builder().policy("no-such-policy").spillDir(dir.resolve("x")).build())
                .close();
            System.out.println("unknown policy accepted");
          } catch (SpillConfigurationException e) {
            System.out.println("unknown policy: " + e.getMessage());
          }
        }
      }
      """;

  private static List<Path> modulePath = List.of();
  private static Set<String> modulesOnPath = Set.of();

  @BeforeAll
  static void resolveTheModulePath() {
    // Every module this test's own class path holds, by name; then what the consumer's requirements pull in,
    // following `requires` (not `uses`: service binding happens in the child, among these modules only).
    Map<String, ModuleReference> byName = new LinkedHashMap<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry);
      boolean candidate = Files.isRegularFile(path) && entry.endsWith(".jar")
          || Files.isRegularFile(path.resolve("module-info.class"));
      if (!candidate) {
        continue;
      }
      try {
        for (ModuleReference reference : ModuleFinder.of(path).findAll()) {
          byName.putIfAbsent(reference.descriptor().name(), reference);
        }
      } catch (FindException e) {
        // A jar whose file name gives no valid automatic module name: nothing Spillway requires.
      }
    }
    ModuleFinder finder = new ModuleFinder() {
      @Override
      public Optional<ModuleReference> find(String name) {
        return Optional.ofNullable(byName.get(name));
      }

      @Override
      public Set<ModuleReference> findAll() {
        return Set.copyOf(byName.values());
      }
    };
    Configuration resolved = Configuration.resolve(
        finder, List.of(ModuleLayer.boot().configuration()), ModuleFinder.of(), ROOTS);
    List<Path> paths = new ArrayList<>();
    Set<String> names = new TreeSet<>();
    for (ResolvedModule module : resolved.modules()) {
      names.add(module.name());
      paths.add(Path.of(module.reference().location().orElseThrow()));
    }
    modulePath = List.copyOf(paths);
    modulesOnPath = Set.copyOf(names);
  }

  @Test
  void modulePath_holdsTheSpillwayModulesAndWhatTheyRequireOnly() {
    assertThat(modulesOnPath).containsAll(ROOTS).contains("io.spillway.api");
    assertThat(modulesOnPath)
        .as("spill-core and the plugins require the API, SLF4J and JSpecify, nothing else")
        .allMatch(name -> name.startsWith("io.spillway.") || name.equals("org.slf4j") || name.equals("org.jspecify"));
    assertThat(modulePath).allSatisfy(path -> assertThat(isExplicitModule(path))
        .as("%s has a module descriptor (not an automatic module)", path).isTrue());
  }

  @Test
  void consumerOnTheModulePath_findsTheBundledProvidersThroughProvides(@TempDir Path temp) throws Exception {
    Path classes = compileConsumer(temp);
    String report = runConsumer(classes, temp.resolve("spill"));

    assertThat(report).contains("consumer " + CONSUMER + " layer boot").contains("class-path []");
    assertThat(report).contains(
        "provider policy coldness io.spillway.core",
        "provider policy lru io.spillway.policy.lru",
        "provider policy lirs io.spillway.policy.lru",
        "provider policy arc io.spillway.policy.lru",
        "provider policy sieve io.spillway.policy.lru",
        "provider policy lfu io.spillway.policy.lfu",
        "provider policy w-tinylfu io.spillway.policy.lfu",
        "provider policy gdsf io.spillway.policy.lfu",
        "provider policy adaptive io.spillway.policy.lfu",
        "provider store file io.spillway.store.file",
        "provider store tiered io.spillway.core",
        "provider checksum crc32 io.spillway.core",
        "provider checksum crc32c io.spillway.core",
        "provider checksum fold32 io.spillway.core",
        "checksums [crc32, crc32c, fold32]");
    for (String policy : List.of("coldness", "lru", "lirs", "arc", "sieve", "lfu", "w-tinylfu", "gdsf", "adaptive")) {
      assertThat(report).containsPattern("spilled-and-reloaded " + policy + " crc32c? [a-e] spills=1 reloads=1");
    }
    assertThat(report)
        .containsPattern("unknown policy: .*found: adaptive, arc, coldness, gdsf, lfu, lirs, lru, sieve, w-tinylfu");
  }

  private static boolean isExplicitModule(Path path) {
    return ModuleFinder.of(path).findAll().stream().noneMatch(r -> r.descriptor().isAutomatic());
  }

  private static Path compileConsumer(Path temp) throws IOException {
    Path source = temp.resolve("src").resolve(CONSUMER);
    Path main = source.resolve("io/spillway/it/consumer/Main.java");
    Files.createDirectories(main.getParent());
    Files.writeString(source.resolve("module-info.java"), MODULE_INFO);
    Files.writeString(main, MAIN);
    Path classes = temp.resolve("classes");
    Files.createDirectories(classes);

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
      List<String> options = List.of("--release", "17", "-Xlint:all", "-Werror",
          "--module-path", join(modulePath), "-d", classes.toString());
      boolean ok = javac.getTask(diagnostics, files, null, options, null,
          files.getJavaFileObjects(source.resolve("module-info.java"), main)).call();
      assertThat(ok).as("the consumer compiles against the modules alone:%n%s", diagnostics).isTrue();
    }
    return classes;
  }

  private static String runConsumer(Path classes, Path spillDir) throws Exception {
    List<Path> path = new ArrayList<>(modulePath);
    path.add(classes);
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path output = spillDir.resolveSibling("consumer.out");
    ProcessBuilder builder = new ProcessBuilder(java.toString(), "--module-path", join(path),
        "-m", CONSUMER + "/" + CONSUMER + ".Main", spillDir.toString())
        .redirectErrorStream(true)
        .redirectOutput(output.toFile());
    builder.environment().remove("CLASSPATH"); // the child has the module path only
    Process process = builder.start();
    process.getOutputStream().close();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the consumer did not finish in 120 s:\n" + Files.readString(output));
    }
    String report = Files.readString(output);
    System.out.println("module path: " + join(path) + "\nconsumer's report:\n" + report);
    assertThat(process.exitValue()).as("the consumer's exit code; its output:%n%s", report).isZero();
    return report;
  }

  private static String join(List<Path> paths) {
    return paths.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
  }
}
