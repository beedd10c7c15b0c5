package io.spillway.core;

import static io.spillway.core.testing.BytesCodec.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.spillway.api.CorruptSegmentException;
import io.spillway.api.SegmentHandle;
import io.spillway.api.SegmentInfo;
import io.spillway.api.SegmentNotFoundException;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillMode;
import io.spillway.api.SpillStoreException;
import io.spillway.api.spi.ByteArrayReadChannel;
import io.spillway.api.spi.ForwardingSpillStore;
import io.spillway.api.spi.SpillStore;
import io.spillway.core.internal.DefaultSpillManager;
import io.spillway.core.testing.BytesCodec;
import io.spillway.core.testing.InMemorySpillStore;
import io.spillway.core.testing.InMemorySpillStoreProvider;
import io.spillway.core.testing.PersistentMemoryStoreProvider;
import io.spillway.core.testing.RecordingPolicyProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Persistent sessions, the core's side (issue 17): what a manager spilled is taken over by the session's next manager
 * as spilled segments of their registered sizes, verified on reload; managed values come back through
 * {@code reattach}; close keeps, discard deletes; configurations that cannot work are refused before a store exists.
 * The store is {@link PersistentMemoryStoreProvider}'s, whose sessions really outlive their store instances.
 */
class PersistentSessionTest {
  private static final BytesCodec BYTES = BytesCodec.INSTANCE;

  /** Unique per test: the sessions live in a static map shared by the whole JVM. */
  private final String session = "test-" + UUID.randomUUID();
  private final List<SpillManager> managers = new ArrayList<>();
  private final Logger log = (Logger) LoggerFactory.getLogger(DefaultSpillManager.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  PersistentSessionTest() {
    logged.start();
    log.addAppender(logged);
    // The INFO about frames without a registered size is under test too; the root logger stays at WARN.
    log.setLevel(Level.INFO);
  }

  @AfterEach
  void closeAll() {
    log.detachAppender(logged);
    log.setLevel(null);
    managers.forEach(SpillManager::close);
  }

  /** 1,000 bytes, spilling synchronously from 90% down to 50%, RedDB's ranking: every eviction predictable. */
  private SpillConfig.Builder config() {
    return config(ColdnessPolicyProvider.NAME);
  }

  private SpillConfig.Builder config(String policy) {
    return SpillConfig.builder().maxMemory(1000).spillThreshold(0.9).targetAfterSpill(0.5).minSpillSize(0)
        .policy(policy).store(PersistentMemoryStoreProvider.NAME)
        .spillMode(SpillMode.SYNCHRONOUS).persistentSession(session);
  }

  private SpillManager open() {
    return open(config());
  }

  private SpillManager open(SpillConfig.Builder builder) {
    SpillManager manager = Spillway.newManager(builder.build());
    managers.add(manager);
    return manager;
  }

  private Map<String, byte[]> stored() {
    return PersistentMemoryStoreProvider.values(session);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private FrameHeader headerOf(String key) throws IOException {
    return SpillFrames.create(config().build()).header(key, new ByteArrayReadChannel(stored().get(key)));
  }

  private List<String> messages(Level level, String containing) {
    List<String> out = new ArrayList<>();
    for (ILoggingEvent event : logged.list) {
      if (event.getLevel() == level && event.getFormattedMessage().contains(containing)) {
        out.add(event.getFormattedMessage());
      }
    }
    return out;
  }

  @Test
  void manualSegments_closedAndReopened_areRecoveredSpilledAtTheirRegisteredSizes() {
    SpillManager first = open();
    first.registerSegment("a", 300);
    first.registerSegment("b/../c", 7);
    first.registerSegment("resident", 11);
    first.spill("a", bytes("alpha, 300 registered bytes"));
    first.spill("b/../c", bytes("a name no file system would take"));
    first.close();
    assertThat(stored()).containsOnlyKeys("a", "b/../c");

    SpillManager second = open();

    assertThat(second.listSegments()).extracting(SegmentInfo::name, SegmentInfo::size, SegmentInfo::spilled)
        .containsExactly(tuple("a", 300L, true),
            tuple("b/../c", 7L, true));
    assertThat(second.isSpilled("a")).isTrue();
    assertThat(second.isSpilled("resident")).as("resident values are not written at close").isFalse();
    assertThat(second.memoryUsage()).isZero();
    assertThat(second.stats().spilledCount()).isEqualTo(2);
    assertThat(second.stats().recoveryFailures()).isZero();

    assertThat(second.reload("a")).hasValue(bytes("alpha, 300 registered bytes"));
    assertThat(second.memoryUsage()).isEqualTo(300);
    assertThat(second.isSpilled("a")).isFalse();
    assertThat(stored()).as("a manual reload deletes the copy").doesNotContainKey("a");
    assertThat(second.reload("a")).as("resident now").isEmpty();

    assertThat(second.unregisterSegment("b/../c")).isTrue();
    assertThat(stored()).isEmpty();
    assertThat(second.memoryUsage()).as("a spilled segment unregistered subtracts nothing").isEqualTo(300);
  }

  @Test
  void recoveredSegment_takesPartInTheAccountingAsAnySpilledSegment() {
    SpillManager first = open();
    first.registerSegment("grown", 100);
    first.spill("grown", bytes("g"));
    first.registerSegment("replaced", 50);
    first.spill("replaced", bytes("r"));
    first.close();

    SpillManager second = open();
    second.updateSize("grown", 400);
    assertThat(second.memoryUsage()).as("resizing a spilled segment changes only its size").isZero();
    assertThat(second.listSegments().get(0).size()).isEqualTo(400);
    second.registerSegment("replaced", 60);
    assertThat(stored()).as("re-registration deletes the recovered copy").doesNotContainKey("replaced");
    assertThat(second.isSpilled("replaced")).isFalse();
    assertThat(second.memoryUsage()).isEqualTo(60);
    assertThat(second.reload("grown")).hasValue(bytes("g"));
    assertThat(second.memoryUsage()).isEqualTo(460);
  }

  @Test
  void frames_carryTheRegisteredSizeInPersistentSessionsOnly() throws IOException {
    SpillManager persistent = open();
    persistent.registerSegment("s", 12_345);
    persistent.spill("s", bytes("payload"));
    assertThat(headerOf("s").registeredSize()).hasValue(12_345);
    assertThat(headerOf("s").payloadLength()).isEqualTo(7);

    String id = UUID.randomUUID().toString();
    SpillConfig ephemeral = SpillConfig.builder().store(InMemorySpillStoreProvider.NAME)
        .option(InMemorySpillStore.ID_OPTION, id).build();
    try (SpillManager manager = Spillway.newManager(ephemeral)) {
      manager.registerSegment("s", 12_345);
      manager.spill("s", bytes("payload"));
      assertThat(InMemorySpillStore.session(id).raw("s"))
          .as("an ephemeral session's frame is exactly what it was before the flag existed")
          .isEqualTo(TestFrames.concat(SpillFrames.create(ephemeral).encode("s", bytes("payload"))));
    }
  }

  @Test
  void managedValues_spilledAndReopened_comeBackThroughReattach() throws IOException {
    SpillManager first = open();
    byte[] one = value("one", 700);
    byte[] two = value("two", 300);
    // Weighed at 600 and 500: over the 900-byte threshold together, so putting the second spills the first.
    first.put("one", one, BYTES, v -> 600);
    first.put("two", two, BYTES, v -> 500);
    assertThat(first.isSpilled("one")).isTrue();
    assertThat(headerOf("one").registeredSize()).as("the weigher's size, not the length").hasValue(600);
    first.close();

    SpillManager second = open();
    assertThat(second.listSegments()).extracting(SegmentInfo::name).containsExactly("one");
    assertThat(second.listSegments().get(0).size()).isEqualTo(600);
    SegmentHandle<byte[]> handle = second.reattach("one", BYTES);
    assertThat(handle.isSpilled()).isTrue();
    assertThat(handle.size()).isEqualTo(600);
    assertThat(second.memoryUsage()).isZero();
    assertThatThrownBy(() -> second.reload("one")).as("managed now").isInstanceOf(IllegalStateException.class);

    assertThat(handle.get()).isEqualTo(one);
    assertThat(second.memoryUsage()).isEqualTo(600);
    assertThat(second.isSpilled("one")).isFalse();
    assertThat(stored()).as("a managed reload keeps its clean copy").containsKey("one");
    second.close();

    SpillManager third = open();
    assertThat(third.isSpilled("one")).as("the clean copy survives close").isTrue();
    assertThat(third.reattach("one", BYTES, v -> 42).get()).isEqualTo(one);
    assertThat(third.memoryUsage()).as("accounted at the recovered size until set").isEqualTo(600);
  }

  @Test
  void reattachedValue_setOrClosed_dropsTheStoredCopy() {
    SpillManager first = open();
    first.registerSegment("x", 100);
    first.spill("x", value("x", 50));
    first.registerSegment("y", 100);
    first.spill("y", value("y", 50));
    first.close();

    SpillManager second = open();
    SegmentHandle<byte[]> x = second.reattach("x", BYTES);
    x.set(value("x2", 80));
    assertThat(stored()).doesNotContainKey("x");
    assertThat(second.memoryUsage()).as("re-weighed by the codec on set").isEqualTo(80);
    second.reattach("y", BYTES).close();
    assertThat(stored()).isEmpty();
    assertThat(second.listSegments()).extracting(SegmentInfo::name).containsExactly("x");
  }

  @Test
  void reattach_refusesWhatIsNotASpilledManualSegment() {
    SpillManager manager = open();
    assertThatThrownBy(() -> manager.reattach("nobody", BYTES)).isInstanceOf(SegmentNotFoundException.class);
    manager.registerSegment("resident", 10);
    assertThatThrownBy(() -> manager.reattach("resident", BYTES)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'resident' is resident");
    manager.put("managed", value("m", 10), BYTES);
    assertThatThrownBy(() -> manager.reattach("managed", BYTES)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'managed' is already a managed value");
    manager.registerSegment("spilled", 10);
    manager.spill("spilled", value("s", 10));
    manager.reattach("spilled", BYTES);
    assertThatThrownBy(() -> manager.reattach("spilled", BYTES)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already a managed value");
    assertThat(manager.memoryUsage()).isEqualTo(20);
  }

  @Test
  void damagedFrames_areNotRegistered_areCounted_andKeepTheirBytes() {
    SpillManager first = open();
    first.registerSegment("good", 10);
    first.spill("good", bytes("good"));
    first.registerSegment("bad-header", 20);
    first.spill("bad-header", bytes("bad header"));
    first.registerSegment("bad-payload", 30);
    first.spill("bad-payload", bytes("bad payload"));
    first.close();
    stored().get("bad-header")[12] ^= 0x01; // inside the payload length: the header checksum fails
    byte[] damagedPayload = stored().get("bad-payload");
    damagedPayload[damagedPayload.length - 6] ^= 0x01;
    stored().put("junk", bytes("not a frame at all"));
    byte[] badHeaderBytes = stored().get("bad-header").clone();

    SpillManager second = open();

    assertThat(second.listSegments()).extracting(SegmentInfo::name).containsExactly("bad-payload", "good");
    assertThat(second.stats().recoveryFailures()).isEqualTo(2);
    assertThat(second.stats().corruptFrames()).as("a bad header and a bad magic").isEqualTo(2);
    assertThat(stored()).containsKeys("bad-header", "junk");
    assertThat(stored().get("bad-header")).as("never deleted").isEqualTo(badHeaderBytes);
    assertThat(messages(Level.WARN, "'bad-header'")).singleElement().asString()
        .contains(session).contains("(CHECKSUM_MISMATCH)").contains("header checksum mismatch")
        .contains("stored bytes are kept");
    assertThat(messages(Level.WARN, "'junk'")).singleElement().asString().contains("(BAD_MAGIC)");
    // Recovery reads headers only: the payload's damage shows on reload, and the segment stays spilled.
    assertThatThrownBy(() -> second.reload("bad-payload")).isInstanceOf(CorruptSegmentException.class);
    assertThat(second.isSpilled("bad-payload")).isTrue();
    assertThat(second.stats().corruptFrames()).isEqualTo(3);
    assertThat(second.stats().reloadFailures()).isEqualTo(1);
    assertThat(second.reload("good")).hasValue(bytes("good"));
    second.cleanup();
    assertThat(stored()).as("cleanup deletes only registered segments' copies")
        .containsOnlyKeys("bad-header", "junk");
    second.close();

    assertThat(open().stats().recoveryFailures()).as("still there for the next owner").isEqualTo(2);
  }

  @Test
  void framesWithoutRegisteredSize_areAccountedAtTheirPayloadLength() {
    SpillConfig plain = config().build();
    open().close(); // creates the session
    stored().put("v3", TestFrames.concat(SpillFrames.create(plain).encode("v3", bytes("seven b"))));
    stored().put("v2", TestFrames.legacy(2, crc32(bytes("12345")), 5, bytes("12345")));

    SpillManager manager = open();

    assertThat(manager.listSegments()).extracting(SegmentInfo::name, SegmentInfo::size)
        .containsExactly(tuple("v2", 5L), tuple("v3", 7L));
    assertThat(messages(Level.INFO, "without a registered size")).hasSize(2);
    assertThat(manager.reload("v2")).hasValue(bytes("12345"));
    assertThat(manager.memoryUsage()).isEqualTo(5);
  }

  private static int crc32(byte[] bytes) {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(bytes);
    return (int) crc.getValue();
  }

  @Test
  void close_keepsWhatIsStored_discard_deletesTheSession() {
    SpillManager first = open();
    first.registerSegment("kept", 10);
    first.spill("kept", bytes("k"));
    first.put("resident", value("r", 10), BYTES);
    first.close();
    assertThat(stored()).containsOnlyKeys("kept");

    SpillManager second = open();
    assertThat(second.isSpilled("kept")).isTrue();
    second.registerSegment("more", 10);
    second.spill("more", bytes("m"));
    second.discard();
    assertThat(PersistentMemoryStoreProvider.exists(session)).isFalse();
    second.discard(); // idempotent
    second.close(); // does nothing after discard
    assertThatThrownBy(second::memoryUsage).isInstanceOf(IllegalStateException.class);

    SpillManager third = open();
    assertThat(third.listSegments()).as("a discarded session starts empty").isEmpty();
    assertThat(third.stats().recoveryFailures()).isZero();
  }

  @Test
  void discard_afterClose_isRefused_andDeletesNothing() {
    SpillManager manager = open();
    manager.registerSegment("kept", 10);
    manager.spill("kept", bytes("k"));
    manager.close();
    assertThatThrownBy(manager::discard).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("persistent session's data was kept");
    assertThat(stored()).containsOnlyKeys("kept");
  }

  @Test
  void discard_ofAnEphemeralSession_deletesItsStoredCopies() {
    String id = UUID.randomUUID().toString();
    SpillManager manager = Spillway.newManager(SpillConfig.builder().store(InMemorySpillStoreProvider.NAME)
        .option(InMemorySpillStore.ID_OPTION, id).build());
    manager.registerSegment("a", 10);
    manager.spill("a", bytes("a"));
    manager.discard();
    assertThat(InMemorySpillStore.session(id).isClosed()).isTrue();
    assertThat(InMemorySpillStore.session(id).keys()).isEmpty();
    assertThatThrownBy(() -> manager.registerSegment("b", 1)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void secondLiveOwner_isRefusedNamingTheOwner() {
    open();
    assertThatThrownBy(this::open).isInstanceOf(SpillStoreException.class)
        .hasMessageContaining(session).hasMessageContaining("owned by a live store");
  }

  @Test
  void storeWithoutPersistentSessions_isRefusedBeforeItsStoreIsCreated() {
    String id = UUID.randomUUID().toString();
    SpillConfig config = SpillConfig.builder().store(InMemorySpillStoreProvider.NAME)
        .option(InMemorySpillStore.ID_OPTION, id).persistentSession(session).build();
    assertThatThrownBy(() -> Spillway.newManager(config)).isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining("Store 'memory'").hasMessageContaining("persistent session '" + session + "'")
        .hasMessageContaining("does not support persistent sessions");
    assertThatThrownBy(() -> InMemorySpillStore.session(id)).as("no store session was created")
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void frameVersion2_isRefusedBeforeTheStoreIsCreated() {
    assertThatThrownBy(() -> open(config().frameVersion(2))).isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining("frame version 3").hasMessageContaining(session);
    assertThat(PersistentMemoryStoreProvider.exists(session)).as("creating the store would have made the session")
        .isFalse();
  }

  @Test
  void policy_hearsOfRecoveredSegmentsAsAdmittedAndSpilled_andOfReattachAsAReplacement() {
    SpillManager first = open();
    first.registerSegment("r", 40);
    first.spill("r", bytes("r"));
    first.close();
    String id = UUID.randomUUID().toString();

    SpillManager second = open(config(RecordingPolicyProvider.NAME)
        .option(RecordingPolicyProvider.ID_OPTION, id));
    RecordingPolicyProvider.Recording policy = RecordingPolicyProvider.session(id);
    assertThat(policy.events()).containsExactly("admit r 40", "spill r");
    second.reattach("r", BYTES);
    assertThat(policy.events()).containsExactly("admit r 40", "spill r", "remove r", "admit r 40", "spill r");
    assertThat(policy.violations()).isEmpty();
  }

  @Test
  void storeThatCannotList_failsTheOpening_andKeepsTheSession() throws IOException {
    SpillManager first = open();
    first.registerSegment("kept", 10);
    first.spill("kept", bytes("k"));
    first.close();
    SpillConfig config = config().build();
    SpillStore opened = new PersistentMemoryStoreProvider().create(config);
    SpillStore unlistable = new ForwardingSpillStore(opened) {
      @Override
      public Set<String> list() throws IOException {
        throw new IOException("injected list failure");
      }
    };

    assertThatThrownBy(() -> Spillway.newManager(config, unlistable)).isInstanceOf(SpillStoreException.class)
        .hasMessageContaining(session).hasMessageContaining("injected list failure");
    assertThatThrownBy(() -> opened.usage()).as("the manager closed the store it was given")
        .isInstanceOf(IllegalStateException.class);
    assertThat(open().isSpilled("kept")).as("closed, not discarded: the next owner finds the data").isTrue();
  }

  @Test
  void recoveryIsByHeaderAlone_soALargeValueCostsNoPayloadRead() throws IOException {
    SpillManager first = open();
    first.registerSegment("big", 999);
    byte[] big = new byte[1 << 20];
    Arrays.fill(big, (byte) 7);
    first.spill("big", big);
    first.close();
    byte[] frame = stored().get("big");
    // Zeroing the payload's checksum would fail any full decode: recovery does not notice, reload does.
    Arrays.fill(frame, frame.length - 4, frame.length, (byte) 0);

    SpillManager second = open();
    assertThat(second.isSpilled("big")).isTrue();
    assertThat(second.stats().recoveryFailures()).isZero();
    assertThat(headerOf("big").registeredSize()).isEqualTo(OptionalLong.of(999));
    assertThatThrownBy(() -> second.reload("big")).isInstanceOf(CorruptSegmentException.class);
  }
}
