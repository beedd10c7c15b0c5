package io.spillway.store.file;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.InvalidSegmentNameException;
import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillStore;
import io.spillway.api.spi.SpillStoreProvider;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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

  // -------------------------------------------------------------------------------------------- write layout

  @Test
  void write_returnsFileUriOfTheValueFileInTheSessionFolder() throws IOException {
    FileSpillStore store = open();

    URI location = store.write("Segment/1", ByteBuffer.wrap("hello".getBytes(UTF_8)));

    assertThat(location.getScheme()).isEqualTo("file");
    Path file = Path.of(location);
    assertThat(file).isEqualTo(store.sessionDir().resolve("k-%53egment%2f1.spill"));
    assertThat(file).hasContent("hello");
  }

  @Test
  void write_longKey_storesHashedFileAndSidecarAndDeleteRemovesBoth() throws IOException {
    FileSpillStore store = open();
    String key = "Long/".repeat(100);
    String hash = FileNames.sha256Hex(key.getBytes(UTF_8));

    store.write(key, ByteBuffer.wrap(new byte[] {1, 2, 3}));

    Path data = store.sessionDir().resolve("h-" + hash + ".spill");
    Path sidecar = store.sessionDir().resolve("h-" + hash + ".key");
    assertThat(data).hasBinaryContent(new byte[] {1, 2, 3});
    assertThat(sidecar).hasBinaryContent(key.getBytes(UTF_8));
    assertThat(store.list()).containsExactly(key);
    assertThat(store.usage()).isEqualTo(3);

    assertThat(store.delete(key)).isTrue();
    assertThat(data).doesNotExist();
    assertThat(sidecar).doesNotExist();
  }

  @Test
  void list_sidecarOfStoredLongKeyMissing_failsNamingIt() throws IOException {
    FileSpillStore store = open();
    String key = "x".repeat(500);
    store.write(key, ByteBuffer.wrap(new byte[] {1}));
    Path sidecar = store.sessionDir().resolve(FileNames.forKey(key).sidecarFile());
    Files.delete(sidecar);

    assertThatThrownBy(store::list).isInstanceOf(IOException.class).hasMessageContaining(sidecar.toString());
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
  void write_directoryOccupiesTarget_failsNamingKeyAndPathAndLeavesNoTempFile() throws IOException {
    FileSpillStore store = open();
    store.write("other", ByteBuffer.wrap(new byte[] {9}));
    Path target = store.sessionDir().resolve("k-blocked.spill");
    Files.createDirectories(target.resolve("inside"));

    assertThatThrownBy(() -> store.write("blocked", ByteBuffer.wrap(new byte[1000])))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("'blocked'")
        .hasMessageContaining(target.toString());

    assertThat(listNames(store.sessionDir()))
        .containsExactlyInAnyOrder("session.lock", "k-other.spill", "k-blocked.spill");
    assertThat(store.usage()).isEqualTo(1);
    assertThat(store.read("other")).containsExactly(9);
  }

  @Test
  void write_directoryOccupiesSidecarOfNewLongKey_failsAndLeavesNoTempOrValueFile() throws IOException {
    FileSpillStore store = open();
    String key = "L".repeat(100);
    FileNames.Mapping mapping = FileNames.forKey(key);
    Files.createDirectories(store.sessionDir().resolve(mapping.sidecarFile()).resolve("inside"));

    assertThatThrownBy(() -> store.write(key, ByteBuffer.wrap(new byte[10])))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(key);

    assertThat(listNames(store.sessionDir())).containsExactlyInAnyOrder("session.lock", mapping.sidecarFile());
    assertThat(store.list()).isEmpty();
    assertThat(store.usage()).isZero();
  }

  @Test
  void openRead_missingKey_messageNamesKeyAndPath() throws IOException {
    FileSpillStore store = open();

    assertThatThrownBy(() -> store.openRead("gone\n"))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("'gone\\u000a'")
        .hasMessageContaining(store.sessionDir().resolve("k-gone%0a.spill").toString());
  }

  @Test
  void openRead_returnsReadOnlyChannel() throws IOException {
    FileSpillStore store = open();
    store.write("a", ByteBuffer.wrap(new byte[] {1, 2}));

    try (var channel = store.openRead("a")) {
      assertThatThrownBy(() -> channel.write(ByteBuffer.wrap(new byte[] {7})))
          .isInstanceOf(java.nio.channels.NonWritableChannelException.class);
    }
    assertThat(store.read("a")).containsExactly(1, 2);
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
    ByteBuffer expected = ByteBuffer.allocate(heap.length * 2 + direct.remaining());
    expected.put(heap).put(direct.duplicate()).put(heap).flip();

    store.write("mixed", ByteBuffer.wrap(heap), direct, ByteBuffer.wrap(heap));

    assertThat(store.read("mixed")).isEqualTo(expected.array());
  }

  // ------------------------------------------------------------------------------------------------- fsync

  @Test
  void write_withFsync_roundTripsAndLeavesOnlyValueFiles() throws IOException {
    FileSpillStore store = open(SpillConfig.builder().spillDir(spillDir()).fsync(true).build());
    byte[] value = "durable".getBytes(UTF_8);

    store.write("a", ByteBuffer.wrap(value));
    store.write("a", ByteBuffer.wrap(value), ByteBuffer.wrap(value));
    store.write("b".repeat(300), ByteBuffer.wrap(value));

    assertThat(store.read("a")).isEqualTo(("durable" + "durable").getBytes(UTF_8));
    assertThat(store.read("b".repeat(300))).isEqualTo(value);
    assertThat(store.usage()).isEqualTo(3L * value.length);
    assertThat(listNames(store.sessionDir())).allMatch(n -> n.endsWith(".spill") || n.endsWith(".key")
        || n.equals("session.lock"));
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
    Files.write(stale.resolve("k-a.spill"), new byte[100]);
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
    Files.write(old.resolve("k-a.spill"), new byte[10]);
    Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(SessionFolders.LOCKLESS_GRACE).minusSeconds(60)));

    open();

    assertThat(young).isDirectory();
    assertThat(old).doesNotExist();
  }

  @Test
  void create_leftoverOfInterruptedDeletion_isRemoved() throws IOException {
    Path leftover = Files.createDirectories(spillDir().resolve("deleting-0123456789abcdef").resolve("x"));
    Files.write(leftover.resolve("k-a.spill"), new byte[10]);

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
