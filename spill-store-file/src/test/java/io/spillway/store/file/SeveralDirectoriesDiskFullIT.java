package io.spillway.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.SpillConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two spill directories, one of them the small tmpfs of {@link FileStoreDiskFullIT} (8 MiB), the other a normal
 * temporary directory, and far more data than the tmpfs holds: the tmpfs fills, and writes go on in the other.
 */
class SeveralDirectoriesDiskFullIT {
  private static final int VALUE_SIZE = 1024 * 1024;
  private static final int VALUES = 40;

  @TempDir
  Path temp;

  @BeforeAll
  static void requireTmpfs() throws Exception {
    FileStoreDiskFullIT.requireTmpfs();
  }

  private static byte[] value(int i) {
    byte[] value = new byte[VALUE_SIZE];
    new SplittableRandom(i).nextBytes(value);
    return value;
  }

  private static long logBytesIn(Path folder) throws IOException {
    try (Stream<Path> entries = Files.list(folder)) {
      long sum = 0;
      for (Path entry : entries.toList()) {
        if (FileNames.logNumber(entry.getFileName().toString()).isPresent()) {
          sum += Files.size(entry);
        }
      }
      return sum;
    }
  }

  private void fillAndCheck(String maxUsedShare, boolean persistent) throws IOException {
    Path small = FileStoreDiskFullIT.tmpfs().resolve("several-dirs-it-" + ProcessHandle.current().pid() + "-"
        + System.nanoTime());
    Path large = temp.resolve("large");
    SpillConfig.Builder builder = SpillConfig.builder().spillDirs(small, large)
        .option(FileSpillStoreProvider.LOG_FILE_SIZE, "2MiB")
        .option(FileSpillStoreProvider.MAX_USED_SHARE, maxUsedShare);
    if (persistent) {
      builder.persistentSession("several");
    }
    SpillConfig config = builder.build();
    Map<String, byte[]> values = new LinkedHashMap<>();
    try {
      FileSpillStore store = (FileSpillStore) new FileSpillStoreProvider().create(config);
      try {
        for (int i = 0; i < VALUES; i++) {
          byte[] value = value(i);
          store.write("v" + i, ByteBuffer.wrap(value));
          values.put("v" + i, value);
        }
        long capacity = Files.getFileStore(small).getTotalSpace();
        assertThat((long) VALUES * VALUE_SIZE).as("data written against the tmpfs").isGreaterThan(2 * capacity);
        assertThat(logBytesIn(store.sessionDirs().get(0))).as("bytes that went to the tmpfs").isPositive()
            .isLessThanOrEqualTo(capacity);
        assertThat(logBytesIn(store.sessionDirs().get(1))).as("bytes that went to the other directory")
            .isGreaterThan((long) VALUES * VALUE_SIZE - capacity);
        for (Map.Entry<String, byte[]> entry : values.entrySet()) {
          assertThat(store.read(entry.getKey())).as(entry.getKey()).isEqualTo(entry.getValue());
        }
      } finally {
        store.close();
      }
      if (persistent) {
        try (FileSpillStore next = (FileSpillStore) new FileSpillStoreProvider().create(config)) {
          assertThat(next.list()).containsExactlyInAnyOrderElementsOf(values.keySet());
          for (Map.Entry<String, byte[]> entry : values.entrySet()) {
            assertThat(next.read(entry.getKey())).as("recovered %s", entry.getKey()).isEqualTo(entry.getValue());
          }
          next.discard();
        }
      }
    } finally {
      SessionFolders.deleteRecursively(small);
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void tmpfsFullOnWrite_writesMoveToTheOtherDirectory() throws IOException {
    // No used-share threshold: the tmpfs takes files until a write fails with "No space left on device".
    fillAndCheck("1", false);
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void tmpfsAboveUsedShare_isSkipped() throws IOException {
    fillAndCheck("0.5", false);
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void persistentSession_overAFullTmpfsAndADisk_isRecoveredWhole() throws IOException {
    fillAndCheck("1", true);
  }
}
