package io.spillway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.CorruptSegmentException;
import io.spillway.api.InvalidSegmentNameException;
import io.spillway.api.SegmentInfo;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.core.testing.InMemorySpillStore;
import io.spillway.core.testing.InMemorySpillStoreProvider;
import io.spillway.core.testing.RecordingPolicyProvider;
import io.spillway.core.testing.StoredBytes;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RedDB's spill manager tests, carried over to Spillway's manager through {@link Spillway#newManager}, with RedDB's
 * {@code coldness} policy, selected by name, and the default store: the real {@code file} store, in a temporary
 * directory.
 */
class SpillwayTest {
  /** RedDB's frame header: magic 4 + version 1 + checksum 4 + length 8. */
  private static final int V2_HEADER = 17;

  @TempDir Path tmp;
  private final List<SpillManager> managers = new ArrayList<>();

  @AfterEach
  void closeManagers() {
    managers.forEach(SpillManager::close);
  }

  /**
   * RedDB's test_config: 1 MiB budget, threshold 0.5, target 0.3, min spill size 100; RedDB's ranking, which is no
   * longer the default policy; and a log file of its own for each value, so that the tests can see each stored copy
   * come and go (see {@link StoredBytes}).
   */
  private SpillConfig.Builder redDbTestConfig() {
    return SpillConfig.builder()
        .policy(ColdnessPolicyProvider.NAME)
        .maxMemory(1024 * 1024)
        .spillThreshold(0.5)
        .targetAfterSpill(0.3)
        .minSpillSize(100)
        .spillDir(tmp.resolve("spill"))
        .option(StoredBytes.OWN_FILES_OPTION, StoredBytes.OWN_FILES);
  }

  private SpillManager manager(SpillConfig.Builder builder) {
    SpillManager manager = Spillway.newManager(builder.build());
    managers.add(manager);
    return manager;
  }

  private SpillManager manager() {
    return manager(redDbTestConfig());
  }

  @Test
  void newManager_inASpillDirThatIsARegularFile_saysWhyAndTouchesNothing() throws IOException {
    Path file = Files.writeString(tmp.resolve("x"), "mine");
    assertThatThrownBy(() -> Spillway.newManager(SpillConfig.builder().spillDir(file).build()))
        .isInstanceOf(io.spillway.api.SpillConfigurationException.class)
        .hasMessage("Store 'file' could not open a session: Could not open a file spill session in " + file
            + ": spillDir " + file + " is a regular file, not a directory");
    assertThat(Files.readString(file)).isEqualTo("mine");
  }

  @Test
  void storeAndPolicyNames_areThoseOfTheProvidersChosen_alsoAfterClose() {
    SpillManager named = manager(redDbTestConfig());
    SpillManager byPriority = manager(SpillConfig.builder().spillDir(tmp.resolve("spill")));
    SpillManager onAStore = Spillway.newManager(redDbTestConfig().build(), new InMemorySpillStore());
    managers.add(onAStore);

    assertThat(named.storeName()).isEqualTo("file");
    assertThat(named.policyName()).isEqualTo(ColdnessPolicyProvider.NAME);
    assertThat(byPriority.policyName()).as("the default, chosen by priority").isEqualTo("adaptive");
    assertThat(onAStore.storeName()).isEqualTo(InMemorySpillStore.class.getSimpleName());
    assertThat(onAStore.policyName()).isEqualTo(ColdnessPolicyProvider.NAME);
    named.close();
    assertThat(named.storeName()).isEqualTo("file");
    assertThat(named.policyName()).isEqualTo(ColdnessPolicyProvider.NAME);
  }

  @Test
  void newManager_withDefaults_followsRedDbsDefaults() {
    long max = 512L * 1024 * 1024;
    long threshold = (long) (max * 0.80);
    long minSpillSize = 1024 * 1024;
    // RedDB's budget, fractions and minimum size; not its policy (the default is adaptive), which no step here ranks.
    try (SpillManager manager = Spillway.newManager()) {
      assertThat(manager.stats().maxMemory()).isEqualTo(max);
      manager.registerSegment("small", minSpillSize - 1);
      manager.registerSegment("big", threshold - minSpillSize);
      assertThat(manager.needsSpill()).isEmpty();

      manager.updateSize("big", threshold - minSpillSize + 1);

      // At the threshold now; "small" is under the minimum spill size and never offered.
      assertThat(manager.needsSpill()).containsExactly("big");
      assertThat(manager.utilization()).isCloseTo(0.80, org.assertj.core.data.Offset.offset(1e-6));
    }
  }

  @Test
  void newManager_withDefaultFractions_freesDownTo60Percent() {
    String id = java.util.UUID.randomUUID().toString();
    long max = SpillConfig.DEFAULT_MAX_MEMORY;
    try (SpillManager manager = manager(SpillConfig.builder().spillDir(tmp.resolve("spill"))
        .store(InMemorySpillStoreProvider.NAME).policy(RecordingPolicyProvider.NAME)
        .option(RecordingPolicyProvider.ID_OPTION, id))) {
      manager.registerSegment("a", (long) (max * 0.80) - 1);
      assertThat(manager.needsSpill()).isEmpty();
      manager.updateSize("a", (long) (max * 0.80));
      assertThat(manager.needsSpill()).containsExactly("a");

      assertThat(RecordingPolicyProvider.session(id).events())
          .containsExactly("admit a " + ((long) (max * 0.80) - 1), "resize a " + ((long) (max * 0.80) - 1) + " "
              + (long) (max * 0.80), "select " + ((long) (max * 0.80) - (long) (max * 0.60)));
    }
  }

  @Test
  void newManager_whenTheStoreCannotOpenASession_isAConfigurationErrorNamingStoreAndDirectory() throws IOException {
    Path notADirectory = Files.writeString(tmp.resolve("plain-file"), "x");
    SpillConfig config = SpillConfig.builder().spillDir(notADirectory).build();

    assertThatThrownBy(() -> Spillway.newManager(config))
        .isInstanceOf(io.spillway.api.SpillConfigurationException.class)
        .hasMessageContaining("'file'")
        .hasMessageContaining(notADirectory.toString())
        .hasCauseInstanceOf(IOException.class);
  }

  @Test
  void newManager_withAnUnknownChecksum_failsBeforeOpeningAStoreSession() throws IOException {
    SpillConfig config = SpillConfig.builder().spillDir(tmp.resolve("spill")).checksum("sha-none").build();

    assertThatThrownBy(() -> Spillway.newManager(config))
        .isInstanceOf(io.spillway.api.SpillConfigurationException.class)
        .hasMessageContaining("sha-none");
    try (Stream<Path> files = Files.list(tmp)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void registerSegment_countsSizesAndSegments() {
    SpillManager manager = manager();

    manager.registerSegment("seg1", 100_000);
    manager.registerSegment("seg2", 200_000);

    assertThat(manager.memoryUsage()).isEqualTo(300_000);
    assertThat(manager.stats().segmentCount()).isEqualTo(2);
  }

  @Test
  void updateSize_changesUsageByTheDifference() {
    SpillManager manager = manager();
    manager.registerSegment("seg1", 100_000);
    assertThat(manager.memoryUsage()).isEqualTo(100_000);

    manager.updateSize("seg1", 150_000);
    assertThat(manager.memoryUsage()).isEqualTo(150_000);

    manager.updateSize("seg1", 50_000);
    assertThat(manager.memoryUsage()).isEqualTo(50_000);
  }

  @Test
  void needsSpill_belowThresholdIsEmpty_aboveChoosesTheColderSegmentFirst() {
    SpillManager manager = manager();
    manager.registerSegment("seg1", 400_000);
    assertThat(manager.needsSpill()).isEmpty();

    manager.registerSegment("seg2", 200_000);
    for (int i = 0; i < 100; i++) {
      manager.access("seg1");
    }

    // 600,000 used, target 314,572: seg2 (coldness 200,000 / 95) goes first, then seg1 (400,000 / 1,045) is still
    // needed to reach the target.
    assertThat(manager.needsSpill()).containsExactly("seg2", "seg1");
  }

  @Test
  void needsSpillBytes_belowThresholdStillChoosesEnoughColdestSegments() {
    SpillManager manager = manager();
    manager.registerSegment("hot", 100_000);
    manager.registerSegment("cold", 100_000);
    manager.registerSegment("warm", 100_000);
    for (int i = 0; i < 5; i++) {
      manager.access("hot");
    }
    manager.access("warm");

    assertThat(manager.needsSpill()).isEmpty();
    assertThat(manager.needsSpill(0)).isEmpty();
    assertThat(manager.needsSpill(1)).containsExactly("cold");
    assertThat(manager.needsSpill(100_001)).containsExactly("cold", "warm");
    assertThat(manager.needsSpill(10_000_000)).containsExactly("cold", "warm", "hot");
  }

  @Test
  void needsSpill_stopsOnceEnoughIsFreed() {
    SpillManager manager = manager();
    manager.registerSegment("hot", 400_000);
    manager.registerSegment("cold", 400_000);
    for (int i = 0; i < 50; i++) {
      manager.access("hot");
    }

    // 800,000 used, 485,428 to free: the cold segment alone is not enough, so both go, cold first.
    assertThat(manager.needsSpill()).containsExactly("cold", "hot");

    manager.spill("cold", new byte[10]);
    // 400,000 used (38%): below the threshold.
    assertThat(manager.needsSpill()).isEmpty();
  }

  @Test
  void spill_and_reload_roundTripsTheBytes() {
    SpillManager manager = manager();
    manager.registerSegment("test_seg", 1000);
    byte[] data = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

    URI location = manager.spill("test_seg", data);

    assertThat(StoredBytes.exists(location, "test_seg")).isTrue();
    assertThat(manager.isSpilled("test_seg")).isTrue();
    assertThat(manager.reload("test_seg")).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(data));
    assertThat(manager.isSpilled("test_seg")).isFalse();
    assertThat(StoredBytes.exists(location, "test_seg")).isFalse();
    assertThat(manager.reload("test_seg")).isEmpty();
  }

  @Test
  void reload_verifiesTheChecksum() {
    SpillManager manager = manager();
    manager.registerSegment("checksum_test_seg", 100);
    byte[] data = "test data for checksum validation".getBytes(StandardCharsets.UTF_8);
    manager.spill("checksum_test_seg", data);

    assertThat(manager.reload("checksum_test_seg")).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(data));
  }

  @Test
  void listSegments_listsAllSortedByName() {
    SpillManager manager = manager();
    manager.registerSegment("gamma", 3000);
    manager.registerSegment("alpha", 1000);
    manager.registerSegment("beta", 2000);
    manager.access("beta");
    manager.access("beta");
    URI location = manager.spill("gamma", new byte[] {7});

    assertThat(manager.listSegments()).containsExactly(
        new SegmentInfo("alpha", 1000, false, 0, null),
        new SegmentInfo("beta", 2000, false, 2, null),
        new SegmentInfo("gamma", 3000, true, 0, location));
  }

  @Test
  void unregisterSegment_subtractsItsSize() {
    SpillManager manager = manager();
    manager.registerSegment("seg1", 100_000);
    manager.registerSegment("seg2", 200_000);
    assertThat(manager.memoryUsage()).isEqualTo(300_000);

    assertThat(manager.unregisterSegment("seg1")).isTrue();

    assertThat(manager.memoryUsage()).isEqualTo(200_000);
    assertThat(manager.stats().segmentCount()).isEqualTo(1);
    assertThat(manager.unregisterSegment("seg1")).isFalse();
  }

  @Test
  void cleanup_deletesSpilledCopiesAndForgetsThoseSegments() {
    SpillManager manager = manager();
    manager.registerSegment("seg1", 100);
    manager.registerSegment("kept", 50);
    URI location = manager.spill("seg1", "test data".getBytes(StandardCharsets.UTF_8));
    assertThat(manager.isSpilled("seg1")).isTrue();

    manager.cleanup();

    assertThat(manager.isSpilled("seg1")).isFalse();
    assertThat(StoredBytes.exists(location, "seg1")).isFalse();
    assertThat(manager.listSegments()).extracting(SegmentInfo::name).containsExactly("kept");
    assertThat(manager.memoryUsage()).isEqualTo(50);
    assertThat(manager.stats().spilledCount()).isZero();
  }

  @Test
  void utilization_isUsageOverBudget() {
    SpillManager manager = manager(SpillConfig.builder().maxMemory(1000).spillDir(tmp.resolve("spill")));

    manager.registerSegment("seg", 500);

    assertThat(manager.utilization()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.001));
    assertThat(manager.stats().utilization()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.001));
  }

  @Test
  void v2Frames_roundTrip() {
    SpillManager manager = manager(redDbTestConfig().frameVersion(2));
    manager.registerSegment("rt_seg", 100);
    byte[] data = new byte[128];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) i;
    }

    URI location = manager.spill("rt_seg", data);

    byte[] stored = StoredBytes.read(location, "rt_seg");
    assertThat(stored).hasSize(V2_HEADER + data.length);
    assertThat(new String(stored, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("SPIL");
    assertThat(stored[4]).isEqualTo((byte) 2);
    assertThat(SpillFrames.decode(stored)).isEqualTo(data);
    assertThat(manager.reload("rt_seg")).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(data));
  }

  @Test
  void reload_detectsASingleFlippedByte() {
    assertCorruptionDetected(2, "hello world mutation test data!!", raw -> {
      raw[V2_HEADER] ^= (byte) 0xFF;
      return raw;
    });
  }

  @Test
  void reload_detectsTwoSwappedBytes() {
    assertCorruptionDetected(2, "abcdefghij", raw -> {
      byte first = raw[V2_HEADER];
      raw[V2_HEADER] = raw[V2_HEADER + 1];
      raw[V2_HEADER + 1] = first;
      return raw;
    });
  }

  @Test
  void reload_detectsAFlippedPayloadByteInTheDefaultFrameFormat() {
    String text = "x".repeat(600) + "y".repeat(600);
    assertCorruptionDetected(3, text, raw -> {
      raw[raw.length - 600] ^= 0x01;
      return raw;
    });
  }

  private void assertCorruptionDetected(int frameVersion, String text, UnaryOperator<byte[]> change) {
    SpillManager manager = manager(frameVersion == 2 ? redDbTestConfig().frameVersion(2) : redDbTestConfig());
    manager.registerSegment("mut_seg", 100);
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    URI location = manager.spill("mut_seg", data);
    byte[] before = StoredBytes.read(location, "mut_seg");
    StoredBytes.tamper(location, "mut_seg", change);
    byte[] tampered = StoredBytes.read(location, "mut_seg");
    assertThat(tampered).isNotEqualTo(before);

    assertThatThrownBy(() -> manager.reload("mut_seg"))
        .isInstanceOfSatisfying(CorruptSegmentException.class, e -> {
          assertThat(e.reason()).isEqualTo(CorruptSegmentException.Reason.CHECKSUM_MISMATCH);
          assertThat(e.segment()).isEqualTo("mut_seg");
        });
    // The segment stays spilled, its stored copy is kept for inspection, and the failure is counted.
    assertThat(manager.isSpilled("mut_seg")).isTrue();
    assertThat(StoredBytes.read(location, "mut_seg")).isEqualTo(tampered);
    assertThat(manager.memoryUsage()).isZero();
    assertThat(manager.stats().reloadFailures()).isEqualTo(1);
  }

  @Test
  void pathTraversalNames_areValidRoundTripAndWriteNothingOutsideTheSessionFolder() throws IOException {
    Path spillDir = tmp.resolve("spill");
    SpillManager manager = manager();
    List<String> names = List.of("../foo", "/etc/passwd", "a/b", "..", ".", "a\\b", "C:\\x", "../../../../tmp/x",
        "nul", "CON");
    Set<Path> locations = new HashSet<>();
    for (String name : names) {
      manager.registerSegment(name, 100);
      URI location = manager.spill(name, ("data of " + name).getBytes(StandardCharsets.UTF_8));
      assertThat(manager.isSpilled(name)).isTrue();
      locations.add(Path.of(location));
    }

    // Every spilled copy is a distinct regular file directly inside one session folder of the spill directory.
    assertThat(locations).hasSize(names.size());
    Set<Path> sessionFolders = new HashSet<>();
    for (Path location : locations) {
      assertThat(location).isRegularFile().startsWith(spillDir);
      sessionFolders.add(location.getParent());
    }
    assertThat(sessionFolders).singleElement()
        .satisfies(folder -> assertThat(folder.getParent()).isEqualTo(spillDir));
    Path sessionFolder = sessionFolders.iterator().next();
    // Nothing else was created: not beside the spill directory, not in it, not in the session folder.
    try (Stream<Path> beside = Files.list(tmp)) {
      assertThat(beside).containsExactly(spillDir);
    }
    try (Stream<Path> inSpillDir = Files.list(spillDir)) {
      assertThat(inSpillDir).containsExactly(sessionFolder);
    }
    try (Stream<Path> all = Files.walk(sessionFolder)) {
      assertThat(all.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".log")))
          .containsExactlyInAnyOrderElementsOf(locations);
    }
    assertThat(tmp.resolve("foo")).doesNotExist();
    assertThat(spillDir.resolve("foo")).doesNotExist();

    for (String name : names) {
      assertThat(manager.reload(name)).hasValueSatisfying(bytes -> assertThat(new String(bytes,
          StandardCharsets.UTF_8)).isEqualTo("data of " + name));
    }
    assertThat(manager.listSegments()).hasSize(names.size()).allSatisfy(info -> assertThat(info.spilled()).isFalse());
    for (Path location : locations) {
      assertThat(location).doesNotExist();
    }
  }

  @Test
  void twoManagers_sharingASpillDir_neverTouchEachOthersFiles() {
    SpillManager first = manager();
    SpillManager second = manager();
    for (SpillManager manager : List.of(first, second)) {
      manager.registerSegment("shared", 100);
      manager.registerSegment("other", 100);
    }
    URI firstCopy = first.spill("shared", "first".getBytes(StandardCharsets.UTF_8));
    URI secondCopy = second.spill("shared", "second".getBytes(StandardCharsets.UTF_8));
    second.spill("other", "second other".getBytes(StandardCharsets.UTF_8));

    assertThat(firstCopy).isNotEqualTo(secondCopy);
    assertThat(Path.of(firstCopy)).exists();
    assertThat(Path.of(secondCopy)).exists();

    first.cleanup();
    first.close();

    assertThat(Path.of(firstCopy)).doesNotExist();
    assertThat(Path.of(secondCopy)).exists();
    assertThat(second.isSpilled("shared")).isTrue();
    assertThat(second.reload("shared")).hasValueSatisfying(bytes ->
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("second"));
    assertThat(second.reload("other")).hasValueSatisfying(bytes ->
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("second other"));
    assertThat(second.memoryUsage()).isEqualTo(200);
  }

  @Test
  void spill_whenTheFileStoreCannotWrite_namesSegmentStoreAndPath_andKeepsTheSegmentResident() throws IOException {
    SpillManager manager = manager();
    manager.registerSegment("first", 100);
    manager.registerSegment("second", 200);
    Path sessionFolder = Path.of(manager.spill("first", new byte[10])).getParent();
    try (Stream<Path> files = Files.walk(sessionFolder)) {
      for (Path path : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }

    assertThatThrownBy(() -> manager.spill("second", new byte[10]))
        .isInstanceOfSatisfying(io.spillway.api.SpillStoreException.class, e -> {
          assertThat(e.segment()).isEqualTo("second");
          assertThat(e.getMessage()).contains("'second'").contains("'file'").contains(sessionFolder.toString());
          assertThat(e.location()).startsWith(sessionFolder.toString());
        });
    assertThat(manager.isSpilled("second")).isFalse();
    assertThat(manager.memoryUsage()).isEqualTo(200);
    assertThat(manager.stats().spillFailures()).isEqualTo(1);
  }

  @Test
  void spill_writesTheFrameToAFileWhoseSizeTheStoreReports() throws IOException {
    SpillManager manager = manager();
    manager.registerSegment("seg", 10);

    URI location = manager.spill("seg", new byte[1000]);

    long fileSize = Files.size(Path.of(location));
    long frameSize = StoredBytes.read(location, "seg").length;
    assertThat(frameSize).isGreaterThan(1000);
    // The store reports the frames it holds; its file also holds the record's header and key.
    assertThat(manager.stats().storeUsage()).isEqualTo(frameSize);
    assertThat(fileSize).isEqualTo(40 + "seg".length() + frameSize);
    assertThat(manager.listSegments()).singleElement().extracting(SegmentInfo::location).isEqualTo(location);
    manager.close();
    assertThat(Path.of(location)).doesNotExist();
  }

  @Test
  void registerSegment_rejectsEmptyAndOverlongNames() {
    SpillManager manager = manager();

    assertThatThrownBy(() -> manager.registerSegment("", 1)).isInstanceOf(InvalidSegmentNameException.class);
    assertThatThrownBy(() -> manager.registerSegment("x".repeat(1025), 1))
        .isInstanceOf(InvalidSegmentNameException.class);
    assertThatThrownBy(() -> manager.registerSegment("\u00e9".repeat(513), 1))
        .isInstanceOf(InvalidSegmentNameException.class);
    assertThatThrownBy(() -> manager.registerSegment("bad\ud800", 1))
        .isInstanceOf(InvalidSegmentNameException.class);
    manager.registerSegment("x".repeat(1024), 1);

    assertThat(manager.listSegments()).hasSize(1);
    assertThat(manager.memoryUsage()).isEqualTo(1);
  }
}
