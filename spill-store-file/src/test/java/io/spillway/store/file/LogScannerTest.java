package io.spillway.store.file;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogScannerTest {
  private static final int FILE = 7;

  @TempDir
  Path dir;

  /** Builds a log file image record by record, as the store lays them out. */
  private static final class Image {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    long sequence;

    Image record(String key, byte[] value) {
      ByteBuffer header = RecordFormat.encode(key.getBytes(UTF_8), ++sequence, value.length, out.size(), FILE);
      out.write(header.array(), 0, header.remaining());
      out.write(value, 0, value.length);
      return this;
    }

    Image hole(int bytes) {
      out.write(new byte[bytes], 0, bytes);
      return this;
    }

    Path save(Path file) throws IOException {
      return Files.write(file, out.toByteArray());
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }

  private static byte[] random(int length, long seed) {
    byte[] bytes = new byte[length];
    new SplittableRandom(seed).nextBytes(bytes);
    return bytes;
  }

  private static List<String> keys(LogScanner.Scan scan) {
    return scan.records().stream().map(RecordFormat.Header::key).toList();
  }

  @Test
  void scan_wholeRecords_findsEachBoundaryAndKeyInOrder() throws IOException {
    Path file = new Image().record("a", random(100, 1)).record("b/\u00e9", new byte[0]).record("c", random(70_000, 2))
        .save(dir.resolve("log"));

    LogScanner.Scan scan = LogScanner.scan(file, FILE);

    assertThat(keys(scan)).containsExactly("a", "b/\u00e9", "c");
    assertThat(scan.records()).extracting(RecordFormat.Header::sequence).containsExactly(1L, 2L, 3L);
    assertThat(scan.skippedBytes()).isZero();
    assertThat(scan.tornTail()).isFalse();
  }

  @Test
  void scan_valueCutShort_stopsThereAsATornTail() throws IOException {
    byte[] whole = new Image().record("a", random(100, 1)).record("b", random(5_000, 2)).bytes();
    Path file = Files.write(dir.resolve("log"), Arrays.copyOf(whole, whole.length - 1));

    LogScanner.Scan scan = LogScanner.scan(file, FILE);

    assertThat(keys(scan)).containsExactly("a");
    assertThat(scan.tornTail()).isTrue();
  }

  @Test
  void scan_headerCutShort_isATornTail() throws IOException {
    byte[] whole = new Image().record("a", random(100, 1)).record("bee", random(10, 2)).bytes();
    int secondStart = RecordFormat.HEADER_BYTES + 1 + 100;
    for (int cut = secondStart + 1; cut < secondStart + RecordFormat.HEADER_BYTES + 3; cut += 7) {
      Path file = Files.write(dir.resolve("log-" + cut), Arrays.copyOf(whole, cut));

      LogScanner.Scan scan = LogScanner.scan(file, FILE);

      assertThat(keys(scan)).as("cut at %d", cut).containsExactly("a");
      assertThat(scan.tornTail()).as("cut at %d", cut).isTrue();
    }
  }

  @Test
  void scan_holeLeftByAnUnfinishedAppend_isSkippedAndLaterRecordsFound() throws IOException {
    Path file = new Image().record("a", random(100, 1)).hole(4_321).record("c", random(200, 3))
        .save(dir.resolve("log"));

    LogScanner.Scan scan = LogScanner.scan(file, FILE);

    assertThat(keys(scan)).containsExactly("a", "c");
    assertThat(scan.skippedBytes()).isEqualTo(4_321);
    assertThat(scan.tornTail()).isFalse();
  }

  @Test
  void scan_corruptHeader_isSkippedWithoutTakingItsValueForRecords() throws IOException {
    Image image = new Image().record("a", random(100, 1));
    int corrupt = image.out.size();
    image.record("b", random(3_000, 2)).record("c", random(50, 3));
    byte[] bytes = image.bytes();
    bytes[corrupt + 20] ^= 0x10; // in b's value length

    LogScanner.Scan scan = LogScanner.scan(Files.write(dir.resolve("log"), bytes), FILE);

    assertThat(keys(scan)).containsExactly("a", "c");
  }

  @Test
  void scan_recordStoredInsideAValue_isNotTakenForARecord() throws IOException {
    // A value holding a whole valid record image, as spilling a copy of a log file would.
    byte[] inner = new Image().record("ghost", random(30, 9)).bytes();
    Image image = new Image().record("outer", inner);
    int tornStart = image.out.size();
    image.record("victim", inner);
    byte[] bytes = image.bytes();
    bytes[tornStart] = 0; // the second record's header is gone, as after an append that never completed

    LogScanner.Scan scan = LogScanner.scan(Files.write(dir.resolve("log"), bytes), FILE);

    assertThat(keys(scan)).containsExactly("outer");
    assertThat(scan.tornTail()).isTrue();
  }

  @Test
  void scan_emptyFile_findsNothing() throws IOException {
    LogScanner.Scan scan = LogScanner.scan(Files.write(dir.resolve("log"), new byte[0]), FILE);

    assertThat(scan.records()).isEmpty();
    assertThat(scan.tornTail()).isFalse();
  }
}
