package io.spillway.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.SpillConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A spill directory on a real read-only file system: the tmpfs named by {@code SPILLWAY_READONLY} (default
 * {@value #DEFAULT_READONLY}) that {@code .ci/setup-tmpfs.sh} mounts read-only with one folder,
 * {@code existing}, in it.
 */
class SpillDirErrorsIT {
  static final String DEFAULT_READONLY = "/mnt/spillway-readonly";
  private static Path readOnly = Path.of(DEFAULT_READONLY);

  @BeforeAll
  static void requireReadOnlyTmpfs() throws Exception {
    readOnly = TmpfsMounts.require("SPILLWAY_READONLY", DEFAULT_READONLY,
        "The spill-directory error test needs a read-only tmpfs");
    assertThat(Files.getFileStore(readOnly).isReadOnly()).as("%s is mounted read-only", readOnly).isTrue();
  }

  @Test
  void anExistingDirectory_onAReadOnlyFileSystem_isNamedAsSuch() {
    Path dir = readOnly.resolve("existing");
    assertThat(dir).isDirectory();
    SpillConfig config = SpillConfig.builder().spillDir(dir).build();
    assertThatThrownBy(() -> new FileSpillStoreProvider().create(config))
        .isInstanceOf(IOException.class)
        .hasMessage("Could not open a file spill session in " + dir + ": spillDir " + dir
            + " is on a read-only file system");
  }

  @Test
  void aDirectoryToCreate_onAReadOnlyFileSystem_namesWhereItFailed() {
    Path dir = readOnly.resolve("new").resolve("spill");
    SpillConfig config = SpillConfig.builder().spillDir(dir).persistentSession("p").build();
    assertThatThrownBy(() -> new FileSpillStoreProvider().create(config))
        .isInstanceOf(IOException.class)
        .hasMessage("Could not open persistent file spill session 'p' in " + dir + ": spillDir " + dir + " (under "
            + readOnly + ") is on a read-only file system");
    assertThat(readOnly.resolve("new")).doesNotExist();
  }
}
