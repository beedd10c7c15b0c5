package io.spillway.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where {@link Appender} puts records: one file for one writer at a time, a file per concurrent writer. */
class AppenderTest {
  private static final long RECORD = 1_000;

  @TempDir
  Path temp;

  private final List<LogFile> sealed = new ArrayList<>();
  private LogFiles files;

  private Appender appender(int appendFiles) throws IOException {
    Path folder = Files.createDirectories(temp.resolve("session"));
    files = new LogFiles(new SpillDirectories(List.of(folder), 1.0), false, () -> {});
    FileStoreSettings settings = new FileStoreSettings(64 * 1024, FileStoreSettings.DEFAULT_OWN_FILE_THRESHOLD, 0.5,
        false, FileStoreSettings.DEFAULT_MAX_USED_SHARE, appendFiles);
    return new Appender(files, settings, () -> 0, file -> {
      if (file.sealed()) {
        sealed.add(file);
      }
    });
  }

  @AfterEach
  void releaseFiles() {
    if (files != null) {
      files.all().forEach(LogFile::retire); // closes each channel once unpinned
    }
  }

  @Test
  void oneWriterAtATime_fillsASingleFile() throws IOException {
    Appender appender = appender(4);

    List<Appender.Slot> slots = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Appender.Slot slot = appender.reserve(RECORD, RECORD - 50);
      appender.complete(slot);
      slots.add(slot);
    }

    assertThat(slots).extracting(Appender.Slot::file).containsOnly(slots.get(0).file());
    assertThat(slots).extracting(Appender.Slot::position)
        .containsExactly(0L, 1_000L, 2_000L, 3_000L, 4_000L, 5_000L, 6_000L, 7_000L, 8_000L, 9_000L);
  }

  @Test
  void overlappingWrites_eachGetAFileOfTheirOwn_andTheFirstIsTakenAgainOnceFree() throws IOException {
    Appender appender = appender(2);

    Appender.Slot first = appender.reserve(RECORD, RECORD - 50);
    Appender.Slot second = appender.reserve(RECORD, RECORD - 50);
    Appender.Slot third = appender.reserve(RECORD, RECORD - 50);

    assertThat(second.file()).isNotSameAs(first.file());
    assertThat(second.position()).isZero();
    assertThat(third.file()).as("both lanes busy: the one with the fewest in flight, the first on a tie")
        .isSameAs(first.file());
    assertThat(third.position()).isEqualTo(RECORD);
    appender.complete(first);
    appender.complete(third);

    Appender.Slot fourth = appender.reserve(RECORD, RECORD - 50);
    assertThat(fourth.file()).isSameAs(first.file());
    assertThat(fourth.position()).isEqualTo(2 * RECORD);
    appender.complete(second);
    appender.complete(fourth);
  }

  @Test
  void oneAppendFile_overlappingWritesShareIt() throws IOException {
    Appender appender = appender(1);

    Appender.Slot first = appender.reserve(RECORD, RECORD - 50);
    Appender.Slot second = appender.reserve(RECORD, RECORD - 50);

    assertThat(second.file()).isSameAs(first.file());
    assertThat(second.position()).isEqualTo(RECORD);
    appender.complete(first);
    appender.complete(second);
  }

  @Test
  void reserveAfter_staysInTheLaneOfTheCallersOwnAppend() throws IOException {
    Appender appender = appender(2);

    Appender.Slot first = appender.reserve(RECORD, RECORD - 50);
    Appender.Slot next = appender.reserveAfter(first, RECORD, RECORD - 50);

    assertThat(next.file()).isSameAs(first.file());
    assertThat(next.position()).isEqualTo(RECORD);
    appender.complete(first);
    appender.complete(next);
  }

  @Test
  void roll_sealsEveryLanesFile() throws IOException {
    Appender appender = appender(2);
    Appender.Slot first = appender.reserve(RECORD, RECORD - 50);
    Appender.Slot second = appender.reserve(RECORD, RECORD - 50);
    appender.complete(first);
    appender.complete(second);

    appender.roll();

    assertThat(first.file().sealed()).isTrue();
    assertThat(second.file().sealed()).isTrue();
    assertThat(sealed).contains(first.file(), second.file());
    Appender.Slot after = appender.reserve(RECORD, RECORD - 50);
    assertThat(after.file()).isNotIn(first.file(), second.file());
    appender.complete(after);
  }

  @Test
  void aFullFile_rollsItsLaneOnly() throws IOException {
    Appender appender = appender(2);
    Appender.Slot big = appender.reserve(64 * 1024, 64 * 1024 - 50);
    Appender.Slot other = appender.reserve(RECORD, RECORD - 50);
    appender.complete(big);

    Appender.Slot next = appender.reserve(RECORD, RECORD - 50);

    assertThat(big.file().sealed()).as("past its target size").isTrue();
    assertThat(next.file()).isNotIn(big.file(), other.file());
    assertThat(other.file().sealed()).isFalse();
    appender.complete(other);
    appender.complete(next);
  }
}
