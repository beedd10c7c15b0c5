package io.spillway.core.internal.jfr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.CorruptSegmentException;
import io.spillway.api.SegmentHandle;
import io.spillway.api.SegmentPin;
import io.spillway.api.SpillBudgetExceededException;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillMode;
import io.spillway.api.SpillStats;
import io.spillway.api.StoreQuotaExceededException;
import io.spillway.core.SpillCodecs;
import io.spillway.core.Spillway;
import io.spillway.core.testing.StoredBytes;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Flight Recorder events of a real manager on the file store: a recording is started, a spill, a reload, a
 * refused spill, a corrupt frame and two waits for room are run, and the events are read back from the dumped file.
 */
class FlightRecorderEventsTest {
  private static final List<String> NAMES = List.of(SpillJfrEvent.NAME, ReloadJfrEvent.NAME,
      CorruptFrameJfrEvent.NAME, BudgetWaitJfrEvent.NAME);
  private static final Duration MAX_BLOCK = Duration.ofMillis(50);

  @TempDir
  Path tmp;

  private SpillManager manager() {
    return Spillway.newManager(SpillConfig.builder().maxMemory(8192).spillDir(tmp).store("file").policy("coldness")
        .option(StoredBytes.OWN_FILES_OPTION, StoredBytes.OWN_FILES).spillMode(SpillMode.SYNCHRONOUS)
        .maxBlock(MAX_BLOCK).build());
  }

  private static byte[] bytes(int length, int seed) {
    byte[] data = new byte[length];
    for (int i = 0; i < length; i++) {
      data[i] = (byte) (i * 31 + seed);
    }
    return data;
  }

  @Test
  void aRecordedRun_hasEveryEventWithItsFields_andStatsCountTheSame() throws Exception {
    Path dump = tmp.resolve("run.jfr");
    SpillStats stats;
    URI corruptAt;
    try (Recording recording = new Recording()) {
      for (String name : NAMES) {
        recording.enable(name).withoutThreshold().withStackTrace();
      }
      recording.start();
      try (SpillManager manager = manager()) {
        manager.registerSegment("m", 1000);
        manager.spill("m", bytes(600, 1));
        assertThat(manager.reload("m")).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes(600, 1)));
        manager.unregisterSegment("m");

        manager.registerSegment("c", 700);
        corruptAt = manager.spill("c", bytes(500, 2));
        StoredBytes.tamper(corruptAt, "c", raw -> {
          raw[raw.length - 100] ^= 0x01;
          return raw;
        });
        assertThatThrownBy(() -> manager.reload("c")).isInstanceOf(CorruptSegmentException.class);

        manager.registerSegment("q", 300);
        manager.setMaxStoreBytes(10);
        assertThatThrownBy(() -> manager.spill("q", bytes(300, 3))).isInstanceOf(StoreQuotaExceededException.class);
        manager.setMaxStoreBytes(Long.MAX_VALUE);
        manager.unregisterSegment("q");

        SegmentHandle<byte[]> a = manager.put("a", bytes(5000, 4), SpillCodecs.bytes());
        SegmentPin pin = a.pin();
        assertThatThrownBy(() -> manager.put("b", bytes(4000, 5), SpillCodecs.bytes()))
            .isInstanceOf(SpillBudgetExceededException.class);
        pin.close();
        // Room is made on this thread (synchronous mode) by spilling "a", after a wait that found none at once.
        manager.put("b", bytes(4000, 5), SpillCodecs.bytes());
        assertThat(manager.isSpilled("a")).isTrue();
        stats = manager.stats();
      }
      recording.stop();
      recording.dump(dump);
    }
    List<RecordedEvent> events = RecordingFile.readAllEvents(dump).stream()
        .filter(e -> NAMES.contains(e.getEventType().getName())).collect(Collectors.toList());

    RecordedEvent spillM = single(events, SpillJfrEvent.NAME, "m");
    assertThat(spillM.getString("store")).isEqualTo("file");
    assertThat(spillM.getLong("bytes")).isEqualTo(600);
    assertThat(spillM.getLong("registeredBytes")).isEqualTo(1000);
    assertThat(spillM.getLong("frameBytes")).isGreaterThan(600);
    assertThat(spillM.getString("result")).isEqualTo("success");
    assertThat(spillM.getDuration().isNegative()).isFalse();
    assertThat(spillM.getStackTrace()).isNotNull();
    assertThat(spillM.getEventType().getCategoryNames()).containsExactly("Spillway");

    RecordedEvent reloadM = single(events, ReloadJfrEvent.NAME, "m");
    assertThat(reloadM.getString("store")).isEqualTo("file");
    assertThat(reloadM.getLong("bytes")).isEqualTo(600);
    assertThat(reloadM.getLong("registeredBytes")).isEqualTo(1000);
    assertThat(reloadM.getString("result")).isEqualTo("success");

    RecordedEvent reloadC = single(events, ReloadJfrEvent.NAME, "c");
    assertThat(reloadC.getString("result")).isEqualTo("corrupt");
    assertThat(reloadC.getLong("bytes")).isZero();
    assertThat(reloadC.getLong("registeredBytes")).isEqualTo(700);
    RecordedEvent corrupt = single(events, CorruptFrameJfrEvent.NAME, "c");
    assertThat(corrupt.getString("store")).isEqualTo("file");
    assertThat(corrupt.getString("operation")).isEqualTo("reload");
    assertThat(corrupt.getString("reason")).isEqualTo(CorruptSegmentException.Reason.CHECKSUM_MISMATCH.name());
    assertThat(corrupt.getString("location")).isEqualTo(corruptAt.toString());
    assertThat(corrupt.getString("message")).contains("'c'");

    RecordedEvent refused = single(events, SpillJfrEvent.NAME, "q");
    assertThat(refused.getString("result")).isEqualTo("quota-exceeded");
    assertThat(refused.getLong("registeredBytes")).isEqualTo(300);
    assertThat(refused.getLong("frameBytes")).isGreaterThan(300);

    List<RecordedEvent> waits = of(events, BudgetWaitJfrEvent.NAME, "b");
    assertThat(waits).extracting(e -> e.getString("result")).containsExactly("exceeded", "granted");
    assertThat(waits).allSatisfy(e -> {
      assertThat(e.getLong("bytes")).as("as the codec weighs it")
          .isEqualTo(SpillCodecs.bytes().sizeOf(bytes(4000, 5)));
      assertThat(e.getString("store")).isEqualTo("file");
    });
    assertThat(waits.get(0).getDuration()).as("gave up after maxBlock").isPositive();
    assertThat(single(events, SpillJfrEvent.NAME, "a").getString("result")).isEqualTo("success");

    assertThat(stats.corruptFrames()).isEqualTo(1);
    assertThat(stats.reloadFailures()).isEqualTo(1);
    assertThat(stats.budgetWaits().count()).isEqualTo(2);
    assertThat(stats.budgetWaits().total()).as("the failed wait lasted maxBlock at least")
        .isGreaterThanOrEqualTo(MAX_BLOCK);
    assertThat(stats.budgetExceeded()).isEqualTo(1);
    assertThat(stats.spillLatency().total()).isPositive();
  }

  @Test
  void withoutARecording_noEventIsMade() {
    // No recording runs in this JVM outside the test above, which closes its own.
    assertThat(SpillJfrEvent.start()).isNull();
    assertThat(ReloadJfrEvent.start()).isNull();
    assertThat(BudgetWaitJfrEvent.start()).isNull();
    assertThat(CorruptFrameJfrEvent.enabled()).isFalse();
  }

  @Test
  void aRecordingThatDisablesAnEvent_getsNoneOfIt() throws Exception {
    Path dump = tmp.resolve("disabled.jfr");
    try (Recording recording = new Recording()) {
      recording.enable(ReloadJfrEvent.NAME).withoutThreshold();
      recording.disable(SpillJfrEvent.NAME);
      recording.start();
      assertThat(SpillJfrEvent.start()).isNull();
      try (SpillManager manager = manager()) {
        manager.registerSegment("s", 100);
        manager.spill("s", bytes(100, 6));
        manager.reload("s");
      }
      recording.stop();
      recording.dump(dump);
    }
    List<String> names = RecordingFile.readAllEvents(dump).stream().map(e -> e.getEventType().getName())
        .filter(NAMES::contains).collect(Collectors.toList());
    assertThat(names).containsExactly(ReloadJfrEvent.NAME);
  }

  private static List<RecordedEvent> of(List<RecordedEvent> events, String name, String segment) {
    return events.stream().filter(e -> e.getEventType().getName().equals(name))
        .filter(e -> segment.equals(e.getString("segment"))).collect(Collectors.toList());
  }

  private static RecordedEvent single(List<RecordedEvent> events, String name, String segment) {
    List<RecordedEvent> found = of(events, name, segment);
    assertThat(found).as("%s events of segment %s among %s", name, segment,
        Arrays.toString(events.stream().map(e -> e.getEventType().getName()).toArray())).hasSize(1);
    return found.get(0);
  }
}
