package io.spillway.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillStore;
import io.spillway.api.spi.SpillStoreInspector;
import io.spillway.api.spi.SpillStoreInspector.Kind;
import io.spillway.api.spi.SpillStoreInspector.Owner;
import io.spillway.api.spi.SpillStoreInspector.Session;
import io.spillway.api.spi.SpillStoreInspector.Value;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file store's inspector: sessions, owners, values, and removal, on real session folders. */
class FileStoreInspectorTest {
  @TempDir
  Path spillDir;

  private final FileSpillStoreProvider provider = new FileSpillStoreProvider();

  private SpillConfig config(String persistent) {
    SpillConfig.Builder builder = SpillConfig.builder().spillDir(spillDir);
    return persistent == null ? builder.build() : builder.persistentSession(persistent).build();
  }

  private static ByteBuffer bytes(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
  }

  private static Session named(List<Session> sessions, String name) {
    return sessions.stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no session " + name + " in " + sessions));
  }

  @Test
  void sessions_listLiveEphemeralAndPersistentSessionsWithTheirValues_withoutDisturbingTheOwners() throws IOException {
    try (SpillStore ephemeral = provider.create(config(null));
        SpillStore persistent = provider.create(config("index"))) {
      ephemeral.write("a", bytes("alpha"));
      ephemeral.write("a", bytes("alpha-2"));
      persistent.write("p/1", bytes("one"));
      persistent.write("p/2", bytes("two!"));
      persistent.delete("p/2");

      try (SpillStoreInspector inspector = provider.inspect(config(null))) {
        List<Session> sessions = inspector.sessions();

        assertThat(sessions).hasSize(2);
        Session index = named(sessions, "persistent-index");
        assertThat(index.kind()).isEqualTo(Kind.PERSISTENT);
        assertThat(index.persistentName()).isEqualTo("index");
        assertThat(index.owner()).isEqualTo(Owner.ALIVE);
        assertThat(index.values()).containsExactly(new Value("p/1", true, 3));
        assertThat(inspector.read(index, index.values().get(0))).asString(StandardCharsets.UTF_8).isEqualTo("one");
        Session other = sessions.stream().filter(s -> s.kind() == Kind.EPHEMERAL).findFirst().orElseThrow();
        assertThat(other.name()).startsWith("session-" + ProcessHandle.current().pid() + "-");
        assertThat(other.owner()).isEqualTo(Owner.ALIVE);
        assertThat(other.ownerDescription()).contains("this process");
        assertThat(other.values()).containsExactly(new Value("a", true, 7));
        assertThat(inspector.read(other, other.values().get(0))).asString(StandardCharsets.UTF_8)
            .isEqualTo("alpha-2");
        assertThat(other.occupiedBytes()).isGreaterThan(other.storedBytes());
      }

      persistent.write("p/3", bytes("three"));
      assertThat(persistent.read("p/1")).asString(StandardCharsets.UTF_8).isEqualTo("one");
      assertThatThrownBy(() -> provider.create(config("index"))).isInstanceOf(IOException.class)
          .hasMessageContaining("owned by a live store");
    }
  }

  @Test
  void sessions_closedPersistentSessionAndFolderOfADeadProcess_areDead() throws IOException {
    try (SpillStore persistent = provider.create(config("kept"))) {
      persistent.write("k", bytes("value"));
    }
    Path dead = deadEphemeralSession("x", "leftover");

    try (SpillStoreInspector inspector = provider.inspect(config(null))) {
      List<Session> sessions = inspector.sessions();

      Session kept = named(sessions, "persistent-kept");
      assertThat(kept.owner()).isEqualTo(Owner.DEAD);
      assertThat(kept.ownerDescription()).contains("pid " + ProcessHandle.current().pid());
      assertThat(kept.values()).extracting(Value::key).containsExactly("k");
      Session gone = named(sessions, dead.getFileName().toString());
      assertThat(gone.owner()).isEqualTo(Owner.DEAD);
      assertThat(gone.ownerDescription()).contains("pid 1,").contains("lock is free");
      assertThat(inspector.read(gone, gone.values().get(0))).asString(StandardCharsets.UTF_8).isEqualTo("leftover");

      assertThat(inspector.removeStaleSessions()).isEqualTo(1);
      assertThat(dead).doesNotExist();
      assertThat(inspector.sessions()).extracting(Session::name).containsExactly("persistent-kept");

      inspector.removeSession(kept);
      assertThat(spillDir.resolve("persistent-kept")).doesNotExist();
      assertThat(inspector.sessions()).isEmpty();
    }
  }

  @Test
  void inspect_missingDirectory_failsNamingIt() {
    Path missing = spillDir.resolve("nowhere");
    assertThatThrownBy(() -> provider.inspect(SpillConfig.builder().spillDir(missing).build()))
        .isInstanceOf(NoSuchFileException.class).hasMessageContaining(missing.toString());
  }

  /**
   * A session folder as a killed process leaves it: written by a real store of this process, then copied under the
   * name of another process (pid 1) whose lock nobody holds.
   */
  private Path deadEphemeralSession(String key, String value) throws IOException {
    Path source = Files.createTempDirectory(spillDir.getParent(), "source");
    Path copy;
    try (FileSpillStore store = (FileSpillStore) provider.create(SpillConfig.builder().spillDir(source).build())) {
      store.write(key, bytes(value));
      copy = spillDir.resolve("session-1-0-00000000000000aa");
      Files.createDirectories(copy);
      try (Stream<Path> files = Files.list(store.sessionDir())) {
        for (Path file : files.toList()) {
          Files.copy(file, copy.resolve(file.getFileName()));
        }
      }
    }
    return copy;
  }
}
