package io.spillway.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.spi.SpillStore;
import io.spillway.api.spi.SpillStoreInspector;
import io.spillway.api.spi.SpillStoreInspector.Owner;
import io.spillway.api.spi.SpillStoreInspector.Session;
import io.spillway.testkit.KillableChild;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inspection never loosens an owner's hold on its session: after the inspector looked at a persistent session, in
 * the owner's process or in another, the owner still holds its lock, so that a second opener is still refused.
 */
class FileStoreInspectorIT {
  @TempDir
  Path temp;

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void sessions_ownerInAnotherProcess_isAliveAndKeepsItsLock() throws IOException {
    Path spillDir = temp.resolve("spill");
    try (KillableChild child = KillableChild.start(temp.resolve("writer.err"), PersistentWriterMain.class,
        spillDir.toString(), "held", "7", "1")) {
      try (SpillStoreInspector inspector = new FileSpillStoreProvider().inspect(
          PersistentWriterMain.config(spillDir, "held"))) {
        Session held = inspector.sessions().stream().filter(s -> s.name().equals("persistent-held")).findFirst()
            .orElseThrow();
        assertThat(held.owner()).isEqualTo(Owner.ALIVE);
        assertThat(held.ownerDescription()).contains("holds the session lock");
        inspector.sessions(); // a second look, its probe channel closed like the first's
      }

      assertThatThrownBy(() -> new FileSpillStoreProvider().create(PersistentWriterMain.config(spillDir, "held")))
          .isInstanceOf(IOException.class).hasMessageContaining("owned by a live store of another process");
      assertThat(child.nextLine()).as("the writer goes on").isNotNull();
      child.kill();
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void sessions_ownerInThisProcess_isAliveAndKeepsItsLock() throws IOException {
    Path spillDir = temp.resolve("spill");
    try (SpillStore store = new FileSpillStoreProvider().create(PersistentWriterMain.config(spillDir, "mine"))) {
      store.write("k", ByteBuffer.wrap(new byte[] {1}));
      try (SpillStoreInspector inspector = new FileSpillStoreProvider().inspect(
          PersistentWriterMain.config(spillDir, "mine"))) {
        List<Session> sessions = inspector.sessions();
        assertThat(sessions).singleElement().satisfies(s -> assertThat(s.owner()).isEqualTo(Owner.ALIVE));
      }

      // Another process finds the lock still held: with POSIX locks, a probe channel closed here would have freed it.
      assertThatThrownBy(() -> KillableChild.start(temp.resolve("second.err"), PersistentWriterMain.class,
          spillDir.toString(), "mine", "1", "1"))
          .isInstanceOf(AssertionError.class).hasMessageContaining("owned by a live store of another process");
      assertThat(store.read("k")).containsExactly(1);
    }
  }
}
