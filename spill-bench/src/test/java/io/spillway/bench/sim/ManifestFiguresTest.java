package io.spillway.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The simulator reproduces the reference figures of {@code shared/traces/MANIFEST.md} exactly: LRU through a real
 * manager running the {@code lru} policy, and Belady's MIN. The traces are read from {@code ../shared/traces}; a
 * missing trace fails the test.
 */
class ManifestFiguresTest {
  private static final ConcurrentHashMap<String, Trace> TRACES = new ConcurrentHashMap<>();
  private static final long MIB = 1L << 20;

  static Trace trace(String name) {
    return TRACES.computeIfAbsent(name, n -> {
      Path dir = TraceSpec.findShared(Path.of("")).orElseThrow(() -> new AssertionError(
          "No shared/traces folder beside " + Path.of("").toAbsolutePath() + " or its ancestors"));
      Path file = dir.resolve(n + ".trace.gz");
      assertThat(file).as("shared trace").exists();
      try {
        return Trace.read(file);
      } catch (IOException e) {
        throw new AssertionError("Cannot read " + file, e);
      }
    });
  }

  static Stream<Arguments> countFigures() {
    // trace, capacity in entries, bytes per entry, LRU %, OPT %
    return Stream.of(
        Arguments.of("lirs_sprite", 100, 1, "21.58", "50.91"),
        Arguments.of("lirs_sprite", 500, 1, "78.30", "87.89"),
        Arguments.of("cache2k_web12", 256, 1, "47.02", "65.22"),
        Arguments.of("cache2k_web12", 1024, 1, "65.01", "77.95"),
        Arguments.of("cache2k_web12", 4096, 1, "79.18", "85.39"),
        Arguments.of("lirs_loop", 512, 1, "0.00", "50.54"),
        Arguments.of("arc_OLTP", 1000, 512, "32.83", "53.62"),
        Arguments.of("arc_OLTP", 8192, 512, "58.86", "71.72"));
  }

  @ParameterizedTest(name = "{0} at {1} entries: LRU {3}, OPT {4}")
  @MethodSource("countFigures")
  void replay_countTrace_reproducesManifestHitRatios(String name, int entries, int entrySize, String lru,
      String opt) {
    Trace trace = trace(name);
    long capacity = (long) entries * entrySize;

    CellResult viaManager = ManagerReplay.run(trace, "lru", capacity, () -> false);
    CellResult min = Belady.min(trace, capacity, true);

    assertThat(viaManager.ok()).as(viaManager.failure()).isTrue();
    assertThat(percent(viaManager)).as("LRU through the manager").isEqualTo(lru);
    assertThat(percent(min)).as("Belady's MIN").isEqualTo(opt);
    assertThat(viaManager.requests()).isEqualTo(trace.requests());
    // Every miss of a key seen before is a reload of its spilled copy.
    assertThat(viaManager.reloads()).isEqualTo(viaManager.misses() - trace.distinctKeys());
  }

  static Stream<Arguments> cloudPhysicsFigures() {
    // MiB, LRU misses, Belady (size ignored) misses
    return Stream.of(
        Arguments.of(128, 93_374, 79_256),
        Arguments.of(256, 89_783, 70_724),
        Arguments.of(512, 81_722, 61_594),
        Arguments.of(1024, 71_704, 48_974));
  }

  @ParameterizedTest(name = "cloudPhysicsIO at {0} MiB: LRU {1} misses, Belady {2}")
  @MethodSource("cloudPhysicsFigures")
  void replay_sizedTrace_reproducesLibCacheSimMissCounts(int mib, long lruMisses, long beladyMisses) {
    Trace trace = trace("libcachesim_cloudPhysicsIO");
    long capacity = mib * MIB;

    CellResult viaManager = ManagerReplay.run(trace, "lru", capacity, () -> false);
    CellResult belady = Belady.min(trace, capacity, false);

    assertThat(viaManager.misses()).as("LRU misses through the manager").isEqualTo(lruMisses);
    assertThat(belady.misses()).as("Belady misses").isEqualTo(beladyMisses);
    assertThat(viaManager.byteHitRatio()).isBetween(0.0, 100.0);
  }

  @Test
  void sizeAware_cloudPhysics_staysNearLibCacheSimSampledFigureAndBeatsBelady() {
    Trace trace = trace("libcachesim_cloudPhysicsIO");

    CellResult heuristic = Belady.sizeAware(trace, 256 * MIB);

    // libCacheSim samples its victims at random, so its 64,524 is one draw of a random process: stay within 0.5%.
    assertThat(heuristic.misses()).isBetween(64_200L, 64_850L);
    assertThat(heuristic.misses()).isLessThan(Belady.min(trace, 256 * MIB, false).misses());
  }

  @Test
  void sharedTraces_areAllPresentAndReadable() {
    for (TraceSpec spec : TraceSpec.shared(TraceSpec.findShared(Path.of("")).orElseThrow())) {
      assertThat(Files.isRegularFile(spec.file())).as(spec.file().toString()).isTrue();
    }
    assertThat(trace("lirs_loop").distinctKeys()).isEqualTo(1011);
    assertThat(trace("lirs_loop").requests()).isEqualTo(505_500);
  }

  private static String percent(CellResult result) {
    return String.format(Locale.ROOT, "%.2f", result.hitRatio());
  }
}
