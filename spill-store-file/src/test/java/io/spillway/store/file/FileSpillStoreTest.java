package io.spillway.store.file;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.InvalidSegmentNameException;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.api.spi.SpillStore;
import io.spillway.api.spi.SpillStoreProvider;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSpillStoreTest {
  @TempDir
  Path tempDir;

  private final List<SpillStore> stores = new ArrayList<>();

  @AfterEach
  void closeStores() throws IOException {
    for (SpillStore store : stores) {
      store.close();
    }
  }

  private Path spillDir() {
    return tempDir.resolve("nested").resolve("spill");
  }

  private FileSpillStore open() throws IOException {
    return open(SpillConfig.builder().spillDir(spillDir()).build());
  }

  private FileSpillStore open(SpillConfig config) throws IOException {
    FileSpillStore store = (FileSpillStore) new FileSpillStoreProvider().create(config);
    stores.add(store);
    return store;
  }

  // ------------------------------------------------------------------------------------------------ provider

  @Test
  void serviceLoader_findsProviderNamedFileWithPriorityZero() {
    List<SpillStoreProvider> providers = ServiceLoader.load(SpillStoreProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .toList();

    assertThat(providers).filteredOn(p -> p instanceof FileSpillStoreProvider).singleElement()
        .satisfies(p -> {
          assertThat(p.name()).isEqualTo("file");
          assertThat(p.priority()).isZero();
        });
  }

  @Test
  void defaultIoThreads_isOnePerProcessorButOne_from1To4() {
    FileSpillStoreProvider provider = new FileSpillStoreProvider();

    assertThat(provider.defaultIoThreads(1)).isEqualTo(1);
    assertThat(provider.defaultIoThreads(2)).isEqualTo(1);
    assertThat(provider.defaultIoThreads(4)).isEqualTo(3);
    assertThat(provider.defaultIoThreads(64)).isEqualTo(4);
  }

  @Test
  void create_missingSpillDir_createsItAndOneLockedSessionFolder() throws IOException {
    FileSpillStore store = open();

    Path session = store.sessionDir();
    assertThat(session.getParent()).isEqualTo(spillDir());
    assertThat(session.getFileName().toString())
        .startsWith("session-" + ProcessHandle.current().pid() + "-")
        .matches("session-\\d+-\\d+-[0-9a-f]{16}");
    assertThat(session.resolve("session.lock")).isRegularFile();
    assertThat(listNames(spillDir())).containsExactly(session.getFileName().toString());
  }

  @Test
  void create_spillDirIsAFile_failsNamingTheDirectory() throws IOException {
    Files.createDirectories(tempDir);
    Path file = Files.writeString(tempDir.resolve("not-a-dir"), "x");
    SpillConfig config = SpillConfig.builder().spillDir(file).build();

    assertThatThrownBy(() -> new FileSpillStoreProvider().create(config))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString());
  }

  @Test
  void create_unknownFileOption_failsNamingTheKnownOnes() {
    SpillConfig config = SpillConfig.builder().spillDir(spillDir()).option("file.logfilesize", "1MiB").build();

    assertThatThrownBy(() -> new FileSpillStoreProvider().create(config))
        .isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining("file.logfilesize")
        .hasMessageContaining(FileSpillStoreProvider.LOG_FILE_SIZE)
        .hasMessageContaining(FileSpillStoreProvider.OWN_FILE_THRESHOLD)
        .hasMessageContaining(FileSpillStoreProvider.COMPACT_BELOW);
    assertThat(spillDir()).doesNotExist();
  }

  @Test
  void create_unusableOptionValues_failNamingTheOption() {
    String[][] bad = {
        {FileSpillStoreProvider.LOG_FILE_SIZE, "big"},
        {FileSpillStoreProvider.LOG_FILE_SIZE, "1KiB"},
        {FileSpillStoreProvider.LOG_FILE_SIZE, "5GiB"},
        {FileSpillStoreProvider.OWN_FILE_THRESHOLD, "-1"},
        {FileSpillStoreProvider.COMPACT_BELOW, "1.5"},
        {FileSpillStoreProvider.COMPACT_BELOW, "NaN"},
        {FileSpillStoreProvider.COMPACT_BELOW, "half"},
    };
    for (String[] option : bad) {
      SpillConfig config = SpillConfig.builder().spillDir(spillDir()).option(option[0], option[1]).build();
      assertThatThrownBy(() -> new FileSpillStoreProvider().create(config))
          .as("%s=%s", option[0], option[1])
          .isInstanceOf(SpillConfigurationException.class)
          .hasMessageContaining(option[0])
          .hasMessageContaining(option[1]);
    }
  }

  // -------------------------------------------------------------------------------------------- write layout

  @Test
  void write_manyValues_goIntoOneLogFileWithNoFilePerValue() throws IOException {
    FileSpillStore store = open();
    List<URI> locations = new ArrayList<>();

    for (int i = 0; i < 300; i++) {
      locations.add(store.write("segment-" + i, ByteBuffer.wrap(bytes(1_000 + i, i))));
    }
    for (int i = 0; i < 300; i += 3) {
      store.write("segment-" + i, ByteBuffer.wrap(bytes(10, -i)));
      store.delete("segment-" + (i + 1));
    }

    assertThat(listNames(store.sessionDir())).containsExactlyInAnyOrder("session.lock", "log-0000000001.log");
    Path log = store.sessionDir().resolve("log-0000000001.log");
    assertThat(locations).allSatisfy(uri -> assertThat(uri).isSameAs(locations.get(0)));
    assertThat(Path.of(locations.get(0))).isEqualTo(log);
    for (int i = 0; i < 300; i++) {
      byte[] expected = i % 3 == 0 ? bytes(10, -i) : i % 3 == 1 ? null : bytes(1_000 + i, i);
      String key = "segment-" + i;
      if (expected == null) {
        assertThatThrownBy(() -> store.read(key)).isInstanceOf(NoSuchFileException.class);
      } else {
        assertThat(store.read("segment-" + i)).as("segment-%d", i).isEqualTo(expected);
      }
    }
  }

  @Test
  void write_recordsOnDisk_areWhatTheIndexPointsAt() throws IOException {
    FileSpillStore store = open();
    for (int i = 0; i < 50; i++) {
      store.write("k" + i, ByteBuffer.wrap(bytes(i * 37, i)));
    }
    store.write("k3", ByteBuffer.wrap(bytes(5, 99)));

    Path log = store.logFiles().get(0);
    LogScanner.Scan scan = LogScanner.scan(log, 1);

    assertThat(scan.tornTail()).isFalse();
    assertThat(scan.skippedBytes()).isZero();
    assertThat(scan.records()).hasSize(51);
    assertThat(scan.records()).extracting(RecordFormat.Header::sequence).isSorted().doesNotHaveDuplicates();
    RecordFormat.Header last = scan.records().get(50);
    assertThat(last.key()).isEqualTo("k3");
    assertThat(store.placement("k3")).isEqualTo(new FileSpillStore.Placement(log, last.valueOffset(), 5));
    byte[] onDisk = Files.readAllBytes(log);
    assertThat(Arrays.copyOfRange(onDisk, (int) last.valueOffset(), (int) last.valueOffset() + 5))
        .isEqualTo(bytes(5, 99));
    assertThat(Files.size(log)).isEqualTo(store.stats().diskBytes());
  }

  @Test
  void write_pastTheLogFileSize_rollsToNumberedFiles() throws IOException {
    FileSpillStore store = openWithoutBackgroundCompaction(options(FileSpillStoreProvider.LOG_FILE_SIZE, "64KiB"));

    for (int i = 0; i < 20; i++) {
      store.write("k" + i, ByteBuffer.wrap(bytes(10_000, i)));
    }

    // 10,000-byte values and 64 KiB files: a file takes records while it is under the limit, so seven each.
    assertThat(listNames(store.sessionDir())).containsExactlyInAnyOrder("session.lock", "log-0000000001.log",
        "log-0000000002.log", "log-0000000003.log");
    assertThat(Files.size(store.sessionDir().resolve("log-0000000001.log")))
        .isEqualTo(7 * (RecordFormat.HEADER_BYTES + 2 + 10_000));
    for (int i = 0; i < 20; i++) {
      assertThat(store.read("k" + i)).isEqualTo(bytes(10_000, i));
    }
  }

  @Test
  void write_valueAtTheOwnFileThreshold_getsAFileOfItsOwnThatGoesWithIt() throws IOException {
    FileSpillStore store = open(options(FileSpillStoreProvider.OWN_FILE_THRESHOLD, "100KiB"));
    store.write("small", ByteBuffer.wrap(bytes(100 * 1024 - 1, 1)));
    byte[] large = bytes(100 * 1024, 2);

    URI location = store.write("large", ByteBuffer.wrap(large));

    Path own = Path.of(location);
    assertThat(own).isNotEqualTo(Path.of(store.write("other", ByteBuffer.wrap(bytes(1, 3)))));
    assertThat(Files.size(own)).isEqualTo(RecordFormat.HEADER_BYTES + 5 + large.length);
    assertThat(store.read("large")).isEqualTo(large);
    assertThat(store.delete("large")).isTrue();
    assertThat(own).as("own file of the deleted value").doesNotExist();
    assertThat(store.read("small")).isEqualTo(bytes(100 * 1024 - 1, 1));
    assertThat(store.usage()).isEqualTo(100 * 1024 - 1 + 1);
  }

  @Test
  void write_replacingEveryValueOfAFullFile_deletesThatFileWithoutCompaction() throws IOException {
    FileSpillStore store = openWithoutBackgroundCompaction(options(FileSpillStoreProvider.LOG_FILE_SIZE, "64KiB"));
    for (int i = 0; i < 7; i++) {
      store.write("k" + i, ByteBuffer.wrap(bytes(10_000, i)));
    }
    Path first = store.logFiles().get(0);

    for (int i = 0; i < 7; i++) {
      store.write("k" + i, ByteBuffer.wrap(bytes(10_000, 100 + i)));
    }

    assertThat(first).doesNotExist();
    assertThat(store.stats().compactionBytes()).isZero();
    for (int i = 0; i < 7; i++) {
      assertThat(store.read("k" + i)).isEqualTo(bytes(10_000, 100 + i));
    }
  }

  @Test
  void write_invalidKey_refusedBeforeTouchingDisk() throws IOException {
    FileSpillStore store = open();

    assertThatThrownBy(() -> store.write("", ByteBuffer.allocate(1))).isInstanceOf(InvalidSegmentNameException.class);
    assertThatThrownBy(() -> store.write("a".repeat(1025))).isInstanceOf(InvalidSegmentNameException.class);
    assertThatThrownBy(() -> store.write("bad\uD800")).isInstanceOf(InvalidSegmentNameException.class);
    assertThat(listNames(store.sessionDir())).containsExactly("session.lock");
  }

  @Test
  void write_whenTheNextLogFileCannotBeCreated_failsNamingKeyAndFolderAndKeepsEveryValue() throws IOException {
    FileSpillStore store = open();
    store.write("kept", ByteBuffer.wrap(new byte[] {9}));
    store.write("replaced", ByteBuffer.wrap(new byte[] {1, 2}));
    store.rollLogFile();
    // A folder where the next log file goes makes its creation fail, as a full inode table or a permission would.
    Files.createDirectories(store.sessionDir().resolve("log-0000000002.log").resolve("inside"));

    assertThatThrownBy(() -> store.write("replaced", ByteBuffer.wrap(new byte[1000])))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("'replaced'")
        .hasMessageContaining(store.sessionDir().toString());

    assertThat(store.read("kept")).containsExactly(9);
    assertThat(store.read("replaced")).containsExactly(1, 2);
    assertThat(store.usage()).isEqualTo(3);
    assertThat(store.list()).containsExactlyInAnyOrder("kept", "replaced");
    SessionFolders.deleteRecursively(store.sessionDir().resolve("log-0000000002.log"));
    store.write("replaced", ByteBuffer.wrap(new byte[] {3}));
    assertThat(store.read("replaced")).containsExactly(3);
  }

  @Test
  void openRead_missingKey_messageNamesKeyAndSession() throws IOException {
    FileSpillStore store = open();

    assertThatThrownBy(() -> store.openRead("gone\n"))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("'gone\\u000a'")
        .hasMessageContaining(store.sessionDir().toString());
  }

  @Test
  void openRead_returnsReadOnlyChannel() throws IOException {
    FileSpillStore store = open();
    store.write("a", ByteBuffer.wrap(new byte[] {1, 2}));

    try (var channel = store.openRead("a")) {
      assertThatThrownBy(() -> channel.write(ByteBuffer.wrap(new byte[] {7})))
          .isInstanceOf(java.nio.channels.NonWritableChannelException.class);
      assertThatThrownBy(() -> channel.truncate(0))
          .isInstanceOf(java.nio.channels.NonWritableChannelException.class);
    }
    assertThat(store.read("a")).containsExactly(1, 2);
  }

  @Test
  void openRead_channel_keepsReadingItsValueAfterTheValueIsReplacedOrDeleted() throws IOException {
    FileSpillStore store = openWithoutBackgroundCompaction(options(FileSpillStoreProvider.LOG_FILE_SIZE, "64KiB"));
    byte[] value = bytes(50_000, 1);
    store.write("a", ByteBuffer.wrap(value));
    Path file = store.logFiles().get(0);

    try (SeekableByteChannel channel = store.openRead("a")) {
      store.write("a", ByteBuffer.wrap(bytes(20_000, 2)));
      store.write("b", ByteBuffer.wrap(bytes(20_000, 3))); // rolls: the first file is now full and dead
      assertThat(store.delete("a")).isTrue();
      assertThat(file).as("dead file while a reader has it open").exists();

      assertThat(readAll(channel)).isEqualTo(value);
    }
    assertThat(file).as("dead file after its last reader").doesNotExist();
  }

  @Test
  void openRead_intoHeapBuffers_readsAtMostOneMebibyteAtATimeAndEverythingInTheEnd() throws IOException {
    FileSpillStore store = open();
    byte[] value = bytes(3 * 1024 * 1024 + 11, 5);
    store.write("big", ByteBuffer.wrap(value));

    try (SeekableByteChannel channel = store.openRead("big")) {
      ByteBuffer buffer = ByteBuffer.allocate(value.length);
      assertThat(channel.read(buffer)).isEqualTo(BufferPool.BUFFER_BYTES);
      while (buffer.hasRemaining()) {
        assertThat(channel.read(buffer)).isPositive();
      }
      assertThat(channel.read(ByteBuffer.allocate(1))).isEqualTo(-1);
      assertThat(buffer.array()).isEqualTo(value);
      channel.position(value.length - 3);
      ByteBuffer tail = ByteBuffer.allocateDirect(8);
      assertThat(channel.read(tail)).isEqualTo(3);
    }
  }

  @Test
  void write_largeHeapAndDirectChunks_storedInOrder() throws IOException {
    FileSpillStore store = open();
    byte[] heap = new byte[3 * 1024 * 1024 + 17];
    for (int i = 0; i < heap.length; i++) {
      heap[i] = (byte) (i * 31 + (i >>> 16));
    }
    ByteBuffer direct = ByteBuffer.allocateDirect(2 * 1024 * 1024 + 5);
    for (int i = 0; direct.hasRemaining(); i++) {
      direct.put((byte) (i * 7));
    }
    direct.flip();
    ByteBuffer smallDirect = ByteBuffer.allocateDirect(100).put(new byte[100]).flip();
    ByteBuffer expected = ByteBuffer.allocate(heap.length * 2 + direct.remaining() + 100);
    expected.put(heap).put(direct.duplicate()).put(new byte[100]).put(heap).flip();

    store.write("mixed", ByteBuffer.wrap(heap), direct, smallDirect, ByteBuffer.wrap(heap));

    assertThat(store.read("mixed")).isEqualTo(expected.array());
    assertThat(direct.hasRemaining()).isFalse();
    assertThat(smallDirect.hasRemaining()).isFalse();
  }

  // ------------------------------------------------------------------------------------------------ interrupts

  @Test
  void interruptedThread_writesAndReadsAndTheStoreKeepsWorkingForOthers() throws Exception {
    FileSpillStore store = open();
    store.write("before", ByteBuffer.wrap(bytes(5_000, 1)));
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicBoolean flagKept = new AtomicBoolean();

    Thread interrupted = new Thread(() -> {
      Thread.currentThread().interrupt(); // a FileChannel closes itself when used by an interrupted thread
      try {
        store.write("during", ByteBuffer.wrap(bytes(70_000, 2)));
        assertThat(store.read("before")).isEqualTo(bytes(5_000, 1));
        flagKept.set(Thread.currentThread().isInterrupted());
      } catch (Throwable e) {
        failure.set(e);
      }
    });
    interrupted.start();
    interrupted.join(60_000);

    assertThat(failure.get()).isNull();
    assertThat(flagKept).as("interrupt flag kept for the caller").isTrue();
    assertThat(store.read("during")).isEqualTo(bytes(70_000, 2));
    store.write("after", ByteBuffer.wrap(bytes(10, 3)));
    assertThat(store.read("after")).isEqualTo(bytes(10, 3));
    assertThat(store.read("before")).isEqualTo(bytes(5_000, 1));
  }

  // ------------------------------------------------------------------------------------------------- fsync

  @Test
  void write_withFsync_roundTripsAndLeavesOnlyLogFiles() throws IOException {
    FileSpillStore store = open(SpillConfig.builder().spillDir(spillDir()).fsync(true).build());
    byte[] value = "durable".getBytes(UTF_8);

    store.write("a", ByteBuffer.wrap(value));
    store.write("a", ByteBuffer.wrap(value), ByteBuffer.wrap(value));
    store.write("b".repeat(300), ByteBuffer.wrap(value));

    assertThat(store.read("a")).isEqualTo(("durable" + "durable").getBytes(UTF_8));
    assertThat(store.read("b".repeat(300))).isEqualTo(value);
    assertThat(store.usage()).isEqualTo(3L * value.length);
    assertThat(listNames(store.sessionDir())).containsExactlyInAnyOrder("session.lock", "log-0000000001.log");
  }

  // ------------------------------------------------------------------------------------------------- close

  @Test
  void close_removesSessionFolderAndLetsAnotherStoreStart() throws IOException {
    FileSpillStore store = open();
    store.write("a", ByteBuffer.wrap(new byte[100]));
    store.write("b".repeat(400), ByteBuffer.wrap(new byte[100]));
    Path session = store.sessionDir();

    store.close();

    assertThat(session).doesNotExist();
    assertThat(listNames(spillDir())).isEmpty();
    FileSpillStore next = open();
    assertThat(next.sessionDir()).isNotEqualTo(session);
  }

  @Test
  void close_stopsTheCompactionThreadOfTheSession() throws Exception {
    FileSpillStore store = open();
    String name = "spillway-file-compactor-" + store.sessionDir().getFileName();
    assertThat(threadNamed(name)).as("compaction thread while open").isTrue();

    store.close();

    assertThat(threadNamed(name)).as("compaction thread after close").isFalse();
  }

  private static boolean threadNamed(String name) {
    return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
  }

  @Test
  void close_whileReaderHoldsChannel_stillDeletesFolder() throws IOException {
    FileSpillStore store = open();
    store.write("a", ByteBuffer.wrap(new byte[] {5, 6}));

    try (var channel = store.openRead("a")) {
      store.close();
      assertThat(store.sessionDir()).doesNotExist();
      ByteBuffer buffer = ByteBuffer.allocate(2);
      channel.read(buffer);
      assertThat(buffer.array()).containsExactly(5, 6);
    }
  }

  // ------------------------------------------------------------------------------------------ stale sessions
  // A dead process is simulated by a folder of another pid whose lock nobody holds; FileStoreStaleSessionIT does
  // the same with a real killed process.

  @Test
  void create_unlockedSessionOfAnotherProcess_isRemoved() throws IOException {
    Path stale = fakeSession("session-999999999-1-00000000000000aa", true);
    Files.write(stale.resolve("log-0000000001.log"), new byte[100]);
    Files.createDirectories(stale.resolve("nested/deeper"));

    open();

    assertThat(stale).doesNotExist();
    assertThat(listNames(spillDir())).singleElement().asString()
        .startsWith("session-" + ProcessHandle.current().pid() + "-");
  }

  @Test
  void create_liveSessionOfThisJvm_isKeptWithItsData() throws IOException {
    FileSpillStore first = open();
    first.write("a", ByteBuffer.wrap(new byte[] {1}));

    FileSpillStore second = open();

    assertThat(first.sessionDir()).isDirectory();
    assertThat(first.read("a")).containsExactly(1);
    assertThat(second.list()).isEmpty();
  }

  @Test
  void create_manyStoresConcurrentlyInOneDir_allLiveAndDistinct() throws Exception {
    int count = 8;
    ExecutorService pool = Executors.newFixedThreadPool(count);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<FileSpillStore>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int index = i;
        futures.add(pool.submit(() -> {
          start.await();
          FileSpillStore store = (FileSpillStore) new FileSpillStoreProvider()
              .create(SpillConfig.builder().spillDir(spillDir()).build());
          store.write("k", ByteBuffer.wrap(new byte[] {(byte) index}));
          return store;
        }));
      }
      start.countDown();
      List<FileSpillStore> created = new ArrayList<>();
      for (Future<FileSpillStore> future : futures) {
        FileSpillStore store = future.get(1, TimeUnit.MINUTES);
        stores.add(store);
        created.add(store);
      }

      assertThat(created).extracting(FileSpillStore::sessionDir).doesNotHaveDuplicates();
      for (int i = 0; i < count; i++) {
        assertThat(created.get(i).read("k")).containsExactly(i);
      }
      assertThat(listNames(spillDir())).hasSize(count);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void create_folderNamedForThisProcess_isNotProbed() throws IOException {
    Path own = fakeSession("session-" + SessionFolders.processTag() + "-00000000000000bb", true);

    open();

    assertThat(own).isDirectory();
  }

  @Test
  void create_locklessSessionFolder_keptWhileYoungAndRemovedWhenOld() throws IOException {
    Path young = fakeSession("session-999999999-1-00000000000000cc", false);
    Path old = fakeSession("session-999999999-1-00000000000000dd", false);
    Files.write(old.resolve("log-0000000001.log"), new byte[10]);
    Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(SessionFolders.LOCKLESS_GRACE).minusSeconds(60)));

    open();

    assertThat(young).isDirectory();
    assertThat(old).doesNotExist();
  }

  @Test
  void create_leftoverOfInterruptedDeletion_isRemoved() throws IOException {
    Path leftover = Files.createDirectories(spillDir().resolve("deleting-0123456789abcdef").resolve("x"));
    Files.write(leftover.resolve("log-0000000001.log"), new byte[10]);

    open();

    assertThat(spillDir().resolve("deleting-0123456789abcdef")).doesNotExist();
  }

  @Test
  void create_symlinkNamedLikeStaleSession_isNotFollowed() throws IOException {
    Path elsewhere = Files.createDirectories(tempDir.resolve("elsewhere"));
    Files.createFile(elsewhere.resolve("session.lock"));
    Path precious = Files.writeString(elsewhere.resolve("precious"), "keep");
    Files.createDirectories(spillDir());
    Path link = Files.createSymbolicLink(spillDir().resolve("session-999999999-1-00000000000000ee"), elsewhere);

    open();

    assertThat(precious).hasContent("keep");
    assertThat(Files.isSymbolicLink(link)).isTrue();
  }

  @Test
  void create_unrelatedEntriesInSpillDir_areLeftAlone() throws IOException {
    Path mine = Files.createDirectories(spillDir().resolve("my-own-folder"));
    Path file = Files.writeString(spillDir().resolve("session-notes.txt"), "x");

    open();

    assertThat(mine).isDirectory();
    assertThat(file).hasContent("x");
  }

  private FileSpillStore openWithoutBackgroundCompaction(SpillConfig.Builder builder) throws IOException {
    SpillConfig config = builder.build();
    FileSpillStore store = FileSpillStore.open(config.spillDir(), FileStoreSettings.from(config), false);
    stores.add(store);
    return store;
  }

  private FileSpillStore open(SpillConfig.Builder builder) throws IOException {
    return open(builder.build());
  }

  private SpillConfig.Builder options(String... keysAndValues) {
    SpillConfig.Builder builder = SpillConfig.builder().spillDir(spillDir());
    for (int i = 0; i < keysAndValues.length; i += 2) {
      builder.option(keysAndValues[i], keysAndValues[i + 1]);
    }
    return builder;
  }

  static byte[] bytes(int length, long seed) {
    byte[] bytes = new byte[length];
    new SplittableRandom(seed).nextBytes(bytes);
    return bytes;
  }

  static byte[] readAll(SeekableByteChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate((int) (channel.size() - channel.position()));
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) {
        break;
      }
    }
    return buffer.array();
  }

  private Path fakeSession(String name, boolean withLockFile) throws IOException {
    Path dir = Files.createDirectories(spillDir().resolve(name));
    if (withLockFile) {
      // created and closed: no process holds a lock on it, as after its owner died
      try (FileChannel channel = FileChannel.open(dir.resolve("session.lock"), StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE)) {
        assertThat(channel.isOpen()).isTrue();
      }
    }
    return dir;
  }

  static List<String> listNames(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).toList();
    }
  }
}
