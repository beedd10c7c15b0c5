package io.spillway.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Persistent sessions of the file store: what a next owner finds, and who may own one. */
class PersistentSessionTest {
  private static final FileStoreSettings SMALL_FILES =
      new FileStoreSettings(64 * 1024, FileStoreSettings.DEFAULT_OWN_FILE_THRESHOLD, 0.5, false);

  @TempDir
  Path spillDir;

  private final List<FileSpillStore> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws IOException {
    for (FileSpillStore store : open) {
      store.close();
    }
  }

  private FileSpillStore take(String name) throws IOException {
    return take(name, SMALL_FILES);
  }

  private FileSpillStore take(String name, FileStoreSettings settings) throws IOException {
    FileSpillStore store = FileSpillStore.openPersistent(spillDir, name, settings, false);
    open.add(store);
    return store;
  }

  private FileSpillStore reopen(FileSpillStore store, String name) throws IOException {
    store.close();
    return take(name);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static void write(SpillStore store, String key, byte[] value) throws IOException {
    store.write(key, ByteBuffer.wrap(value));
  }

  @Test
  void close_thenTakeOver_findsTheLatestValueOfEachKeyAndNoDeletedOne() throws IOException {
    FileSpillStore store = take("s");
    write(store, "a", bytes("a1"));
    write(store, "b", bytes("b1"));
    write(store, "a", bytes("a2, longer"));
    write(store, "c", bytes("c1"));
    store.delete("b");

    FileSpillStore next = reopen(store, "s");

    assertThat(next.list()).containsExactlyInAnyOrder("a", "c");
    assertThat(next.read("a")).isEqualTo(bytes("a2, longer"));
    assertThat(next.read("c")).isEqualTo(bytes("c1"));
    assertThat(next.usage()).isEqualTo("a2, longer".length() + "c1".length());
    assertThat(next.location("a")).isEqualTo(next.placement("a").file().toUri());
    assertThatThrownBy(() -> next.location("b")).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void deleteOfNewerValue_neverBringsBackAnOlderOne() throws IOException {
    FileSpillStore store = take("s");
    write(store, "k", bytes("old"));
    write(store, "k", bytes("new"));
    store.delete("k");
    FileSpillStore second = reopen(store, "s");
    assertThat(second.list()).as("deleted in the same life").isEmpty();

    write(second, "k", bytes("v1"));
    FileSpillStore third = reopen(second, "s");
    write(third, "k", bytes("v2")); // replaces a recovered record, which must be marked dead
    FileSpillStore fourth = reopen(third, "s");
    fourth.delete("k");
    FileSpillStore fifth = reopen(fourth, "s");

    assertThat(fifth.list()).as("no older value comes back once the newest is deleted").isEmpty();
    assertThat(fifth.usage()).isZero();
  }

  @Test
  void writesAfterTakeOver_goToNewFilesAndWinOverRecoveredOnes() throws IOException {
    FileSpillStore store = take("s");
    write(store, "k", bytes("first"));
    List<Path> before = store.logFiles();
    FileSpillStore next = reopen(store, "s");
    write(next, "k", bytes("second"));
    assertThat(next.placement("k").file()).as("a new file, not a recovered one").isNotIn(before);

    FileSpillStore third = reopen(next, "s");

    assertThat(third.read("k")).isEqualTo(bytes("second"));
  }

  @Test
  void tornTail_isCutAndHeaderlessValueIgnored() throws IOException {
    FileSpillStore store = take("s");
    write(store, "kept", bytes("kept value"));
    Path log = store.placement("kept").file();
    long validEnd = Files.size(log);
    store.close();
    try (FileChannel channel = FileChannel.open(log, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      // What a kill during an append leaves: value bytes whose header was never written...
      channel.write(ByteBuffer.wrap(new byte[RecordFormat.HEADER_BYTES + 300]));
      // ... and a header whose value runs past the end of the file.
      ByteBuffer header = RecordFormat.encode(bytes("torn"), 99, 1_000, Files.size(log), 1);
      channel.write(header);
      channel.write(ByteBuffer.wrap(new byte[10]));
    }

    FileSpillStore next = take("s");

    assertThat(next.list()).containsExactly("kept");
    assertThat(next.read("kept")).isEqualTo(bytes("kept value"));
    assertThat(Files.size(log)).as("the torn tail was cut").isEqualTo(validEnd);
  }

  @Test
  void compactionCopyThatLostToADelete_neverComesBack() throws IOException {
    FileSpillStore store = take("s");
    Random random = new Random(7);
    Map<String, byte[]> values = new HashMap<>();
    for (int round = 0; round < 4; round++) {
      for (int i = 0; i < 20; i++) {
        byte[] value = new byte[5_000];
        random.nextBytes(value);
        values.put("k" + i, value);
        write(store, "k" + i, value);
      }
    }
    store.rollLogFile();
    List<String> deletedDuringCopy = new ArrayList<>();
    store.afterCompactionCopy(key -> {
      if (deletedDuringCopy.size() < 3) {
        try {
          store.delete(key);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        deletedDuringCopy.add(key);
      }
    });
    assertThat(store.compactNow()).as("files compacted").isPositive();
    assertThat(deletedDuringCopy).hasSize(3);

    FileSpillStore next = reopen(store, "s");

    for (String key : deletedDuringCopy) {
      values.remove(key);
    }
    assertThat(next.list()).containsExactlyInAnyOrderElementsOf(values.keySet());
    for (Map.Entry<String, byte[]> entry : values.entrySet()) {
      assertThat(next.read(entry.getKey())).as(entry.getKey()).isEqualTo(entry.getValue());
    }
  }

  @Test
  void compactionThenTakeOver_findsEveryValueOnce_andFilesWithoutLiveRecordsAreDeleted() throws IOException {
    FileSpillStore store = take("s");
    Random random = new Random(11);
    Map<String, byte[]> values = new HashMap<>();
    for (int round = 0; round < 6; round++) {
      for (int i = 0; i < 30; i++) {
        byte[] value = new byte[1 + random.nextInt(8_000)];
        random.nextBytes(value);
        values.put("k" + i, value);
        write(store, "k" + i, value);
      }
    }
    store.rollLogFile();
    store.compactNow();
    int filesBefore = store.logFiles().size();

    FileSpillStore next = reopen(store, "s");

    assertThat(next.list()).containsExactlyInAnyOrderElementsOf(values.keySet());
    for (Map.Entry<String, byte[]> entry : values.entrySet()) {
      assertThat(next.read(entry.getKey())).as(entry.getKey()).isEqualTo(entry.getValue());
    }
    assertThat(next.logFiles()).hasSizeLessThanOrEqualTo(filesBefore);
    try (var entries = Files.list(next.sessionDir())) {
      assertThat(entries.filter(p -> FileNames.logNumber(p.getFileName().toString()).isPresent()).count())
          .as("log files on disk are the adopted ones").isEqualTo(next.logFiles().size());
    }
  }

  @Test
  void secondOwnerInThisProcess_isRefusedUntilTheFirstCloses() throws IOException {
    FileSpillStore first = take("shared");
    write(first, "k", bytes("v"));

    assertThatThrownBy(() -> take("shared"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("'shared'")
        .hasMessageContaining("owned by a live store of this process")
        .hasMessageContaining("pid " + ProcessHandle.current().pid());
    assertThat(first.read("k")).as("the owner is undisturbed").isEqualTo(bytes("v"));

    first.close();
    FileSpillStore second = take("shared");
    assertThat(second.read("k")).isEqualTo(bytes("v"));
  }

  @Test
  void discard_deletesTheSessionForGood() throws IOException {
    FileSpillStore store = take("s");
    write(store, "k", bytes("v"));
    Path folder = store.sessionDir();

    store.discard();
    store.discard(); // idempotent

    assertThat(folder).doesNotExist();
    assertThat(take("s").list()).isEmpty();
  }

  @Test
  void ephemeralStoreInTheSameDirectory_leavesAPersistentSessionAlone() throws IOException {
    FileSpillStore store = take("s");
    write(store, "k", bytes("v"));
    store.close();

    FileSpillStore ephemeral = FileSpillStore.open(spillDir, SMALL_FILES, false);
    ephemeral.close();

    assertThat(take("s").read("k")).isEqualTo(bytes("v"));
  }

  @Test
  void provider_withPersistentSession_takesOverWhatAnEarlierOneKept() throws IOException {
    SpillConfig config = SpillConfig.builder().spillDir(spillDir).persistentSession("via-provider").build();
    FileSpillStoreProvider provider = new FileSpillStoreProvider();
    assertThat(provider.supportsPersistentSessions()).isTrue();
    try (SpillStore first = provider.create(config)) {
      first.write("k", ByteBuffer.wrap(bytes("kept")));
    }
    try (SpillStore second = provider.create(config)) {
      assertThat(second.list()).containsExactly("k");
      assertThat(second.read("k")).isEqualTo(bytes("kept"));
      assertThat(spillDir.resolve("persistent-via-provider")).isDirectory();
      assertThatThrownBy(() -> provider.create(config)).isInstanceOf(IOException.class)
          .hasMessageContaining("persistent file spill session 'via-provider'");
    }
  }

  @Test
  void fsync_persistentSession_recoversTheSame() throws IOException {
    FileStoreSettings synced = new FileStoreSettings(64 * 1024, FileStoreSettings.DEFAULT_OWN_FILE_THRESHOLD, 0.5,
        true);
    FileSpillStore store = take("synced", synced);
    write(store, "a", bytes("1"));
    write(store, "a", bytes("2"));
    write(store, "b", bytes("3"));
    store.delete("b");
    store.close();

    FileSpillStore next = take("synced", synced);

    assertThat(next.list()).containsExactly("a");
    assertThat(next.read("a")).isEqualTo(bytes("2"));
  }
}
