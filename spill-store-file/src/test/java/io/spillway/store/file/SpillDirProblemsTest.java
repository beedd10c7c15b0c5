package io.spillway.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.SpillConfig;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpillDirProblemsTest {
  @TempDir Path temp;

  @Test
  void aSpillDirThatIsARegularFile_isNamedAsSuch() throws IOException {
    Path file = Files.writeString(temp.resolve("x"), "not a folder");
    assertThat(SpillDirProblems.problemWith(file))
        .isEqualTo("spillDir " + file + " is a regular file, not a directory");
  }

  @Test
  void aSpillDirUnderARegularFile_namesTheFile() throws IOException {
    Path file = Files.writeString(temp.resolve("x"), "not a folder");
    Path dir = file.resolve("spill").resolve("deeper");
    assertThat(SpillDirProblems.problemWith(dir))
        .isEqualTo("spillDir " + dir + " cannot be created: " + file + " is a regular file, not a directory");
  }

  @Test
  void aUsableDirectory_existingOrNot_hasNoProblem() {
    assertThat(SpillDirProblems.problemWith(temp)).isNull();
    assertThat(SpillDirProblems.problemWith(temp.resolve("new").resolve("folder"))).isNull();
  }

  @Test
  void reason_givesTheOperatingSystemsWordsAndThePath() {
    assertThat(SpillDirProblems.reason(new FileSystemException("/d/f", null, "No space left on device")))
        .isEqualTo("/d/f: No space left on device");
    assertThat(SpillDirProblems.reason(new AccessDeniedException("/d"))).isEqualTo("permission denied: /d");
    assertThat(SpillDirProblems.reason(new IOException("session 'x' is owned by a live store")))
        .isEqualTo("session 'x' is owned by a live store");
    assertThat(SpillDirProblems.reason(new java.nio.file.NoSuchFileException("/gone")))
        .isEqualTo("NoSuchFileException: /gone");
  }

  @Test
  void explain_prefersWhatTheDirectoriesShow_overTheExceptionsText() throws IOException {
    Path file = Files.writeString(temp.resolve("x"), "");
    assertThat(SpillDirProblems.explain(List.of(temp, file), new FileSystemException(file.toString())))
        .isEqualTo("spillDir " + file + " is a regular file, not a directory");
  }

  @Test
  void openingAStore_inARegularFile_saysWhy() throws IOException {
    Path file = Files.writeString(temp.resolve("x"), "not a folder");
    SpillConfig config = SpillConfig.builder().spillDir(file).build();
    assertThatThrownBy(() -> new FileSpillStoreProvider().create(config))
        .isInstanceOf(IOException.class)
        .hasMessage("Could not open a file spill session in " + file + ": spillDir " + file
            + " is a regular file, not a directory");
    assertThat(Files.readString(file)).isEqualTo("not a folder");
  }

  @Test
  void openingAPersistentSession_underARegularFile_saysWhy() throws IOException {
    Path file = Files.writeString(temp.resolve("x"), "");
    Path dir = file.resolve("spill");
    SpillConfig config = SpillConfig.builder().spillDir(dir).persistentSession("idx").build();
    assertThatThrownBy(() -> new FileSpillStoreProvider().create(config))
        .isInstanceOf(IOException.class)
        .hasMessage("Could not open persistent file spill session 'idx' in " + dir + ": spillDir " + dir
            + " cannot be created: " + file + " is a regular file, not a directory");
  }
}
