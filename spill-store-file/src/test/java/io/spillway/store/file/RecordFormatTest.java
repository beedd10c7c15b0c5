package io.spillway.store.file;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RecordFormatTest {
  private static final byte[] KEY = "segment/\u00e9t\u00e9".getBytes(UTF_8);

  private static byte[] encoded(byte[] key, long sequence, long valueLength, long position, int file) {
    ByteBuffer buffer = RecordFormat.encode(key, sequence, valueLength, position, file);
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  @Test
  void encode_thenDecode_givesEveryFieldBack() {
    byte[] bytes = encoded(KEY, 0x0102030405060708L, 65_536, 1_000_000_007L, 42);

    RecordFormat.Result result = RecordFormat.decode(bytes, bytes.length, 1_000_000_007L, 42);

    assertThat(result.problem()).isNull();
    RecordFormat.Header header = result.header();
    assertThat(header).isNotNull();
    assertThat(header.kind()).isEqualTo(RecordFormat.KIND_VALUE);
    assertThat(header.key()).isEqualTo("segment/\u00e9t\u00e9");
    assertThat(header.sequence()).isEqualTo(0x0102030405060708L);
    assertThat(header.valueLength()).isEqualTo(65_536);
    assertThat(header.recordBytes()).isEqualTo(RecordFormat.HEADER_BYTES + KEY.length + 65_536L);
    assertThat(header.valueOffset()).isEqualTo(1_000_000_007L + RecordFormat.HEADER_BYTES + KEY.length);
  }

  @Test
  void encode_layoutIsLittleEndianAsDocumented() {
    byte[] bytes = encoded(new byte[] {'k'}, 7, 9, 11, 13);
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);

    assertThat(new String(bytes, 0, 4, UTF_8)).isEqualTo("SWLR");
    assertThat(bytes[4]).isEqualTo((byte) 1);
    assertThat(bytes[5]).isEqualTo((byte) 1);
    assertThat(in.getShort(6)).isEqualTo((short) 1);
    assertThat(in.getLong(8)).isEqualTo(7);
    assertThat(in.getLong(16)).isEqualTo(9);
    assertThat(in.getLong(24)).isEqualTo(11);
    assertThat(in.getInt(32)).isEqualTo(13);
    assertThat(bytes[40]).isEqualTo((byte) 'k');
    assertThat(bytes).hasSize(41);
  }

  @Test
  void decode_anySingleFlippedBit_isRejected() {
    byte[] good = encoded(KEY, 5, 100, 4096, 3);
    for (int i = 0; i < good.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] bad = good.clone();
        bad[i] ^= (byte) (1 << bit);

        RecordFormat.Result result = RecordFormat.decode(bad, bad.length, 4096, 3);

        assertThat(result.ok()).as("header with bit %d of byte %d flipped", bit, i).isFalse();
        assertThat(result.problem()).isNotNull();
      }
    }
  }

  @Test
  void decode_truncatedHeaderOrKey_isTruncated() {
    byte[] good = encoded(KEY, 5, 100, 0, 1);
    for (int length = 0; length < good.length; length++) {
      RecordFormat.Result result = RecordFormat.decode(good, length, 0, 1);
      assertThat(result.problem()).as("first %d bytes", length).isIn(RecordFormat.Problem.TRUNCATED);
    }
  }

  @Test
  void decode_zerosOrValueBytes_isBadMagic() {
    byte[] zeros = new byte[200];
    assertThat(RecordFormat.decode(zeros, zeros.length, 0, 1).problem()).isEqualTo(RecordFormat.Problem.BAD_MAGIC);
    byte[] text = "SPIL\u0003 a frame, not a record header, long enough to be one".getBytes(UTF_8);
    assertThat(RecordFormat.decode(text, text.length, 0, 1).problem()).isEqualTo(RecordFormat.Problem.BAD_MAGIC);
  }

  @Test
  void decode_validHeaderFoundElsewhere_isMisplaced() {
    byte[] bytes = encoded(KEY, 5, 100, 4096, 3);

    assertThat(RecordFormat.decode(bytes, bytes.length, 4097, 3).problem())
        .as("another position").isEqualTo(RecordFormat.Problem.MISPLACED);
    assertThat(RecordFormat.decode(bytes, bytes.length, 4096, 4).problem())
        .as("another file").isEqualTo(RecordFormat.Problem.MISPLACED);
  }

  @Test
  void decode_checksumFixedButFieldsOutOfRange_isUnknownFormat() {
    assertThat(problemAfter(bytes -> bytes[4] = 2)).isEqualTo(RecordFormat.Problem.UNKNOWN_FORMAT);
    assertThat(problemAfter(bytes -> bytes[5] = 3)).isEqualTo(RecordFormat.Problem.UNKNOWN_FORMAT);
    assertThat(problemAfter(bytes -> ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(16, -1)))
        .as("negative value length").isEqualTo(RecordFormat.Problem.UNKNOWN_FORMAT);
  }

  @Test
  void dead_keepsEverythingButTheKind_andStillChecks() {
    byte[] bytes = encoded("seg".getBytes(java.nio.charset.StandardCharsets.UTF_8), 7, 100, 40, 3);
    ByteBuffer dead = RecordFormat.dead(bytes);
    RecordFormat.Result result = RecordFormat.decode(dead.array(), dead.capacity(), 40, 3);
    assertThat(result.ok()).as("a dead header passes its checks, so a scan can step over it").isTrue();
    RecordFormat.Header header = result.header();
    assertThat(header.kind()).isEqualTo(RecordFormat.KIND_DEAD);
    assertThat(header.key()).isEqualTo("seg");
    assertThat(header.sequence()).isEqualTo(7);
    assertThat(header.valueLength()).isEqualTo(100);
    assertThat(bytes[5]).as("the original is not changed").isEqualTo(RecordFormat.KIND_VALUE);
  }

  @Test
  void decode_keyNotUtf8_isBadKey() {
    byte[] bytes = encoded(new byte[] {(byte) 0xC3, (byte) 0x28}, 1, 0, 0, 1);

    assertThat(RecordFormat.decode(bytes, bytes.length, 0, 1).problem()).isEqualTo(RecordFormat.Problem.BAD_KEY);
  }

  @Test
  void decode_keyLengthZeroOrBeyondTheLimit_isUnknownFormat() {
    byte[] bytes = encoded(new byte[] {'k'}, 1, 0, 0, 1);
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putShort(6, (short) 0);
    assertThat(RecordFormat.decode(bytes, bytes.length, 0, 1).problem())
        .isEqualTo(RecordFormat.Problem.UNKNOWN_FORMAT);
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putShort(6, (short) 1025);
    assertThat(RecordFormat.decode(bytes, bytes.length, 0, 1).problem())
        .isEqualTo(RecordFormat.Problem.UNKNOWN_FORMAT);
  }

  @Test
  void relocate_keepsKeySequenceAndLengthAndIsValidOnlyAtItsNewPlace() {
    byte[] original = encoded(KEY, 77, 12_345, 100, 1);

    ByteBuffer moved = RecordFormat.relocate(original, 9_999, 8);
    byte[] bytes = Arrays.copyOf(moved.array(), moved.remaining());

    RecordFormat.Header header = RecordFormat.decode(bytes, bytes.length, 9_999, 8).header();
    assertThat(header).isNotNull();
    assertThat(header.keyBytes()).isEqualTo(KEY);
    assertThat(header.sequence()).isEqualTo(77);
    assertThat(header.valueLength()).isEqualTo(12_345);
    assertThat(RecordFormat.decode(bytes, bytes.length, 100, 1).problem()).isEqualTo(RecordFormat.Problem.MISPLACED);
    assertThat(RecordFormat.decode(original, original.length, 100, 1).ok()).as("original untouched").isTrue();
  }

  @Test
  void keyLength_readsTheKeyLengthField() {
    byte[] bytes = encoded(new byte[1024], 1, 0, 0, 1);
    Arrays.fill(bytes, RecordFormat.HEADER_BYTES, bytes.length, (byte) 'a');

    assertThat(RecordFormat.keyLength(bytes)).isEqualTo(1024);
  }

  /** The problem of a valid header changed by {@code change} with its checksum then recomputed. */
  private static RecordFormat.Problem problemAfter(java.util.function.Consumer<byte[]> change) {
    byte[] bytes = encoded(KEY, 5, 10, 0, 1);
    change.accept(bytes);
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(bytes, 0, RecordFormat.CRC_OFFSET);
    crc.update(bytes, RecordFormat.HEADER_BYTES, bytes.length - RecordFormat.HEADER_BYTES);
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(RecordFormat.CRC_OFFSET, (int) crc.getValue());
    RecordFormat.Result result = RecordFormat.decode(bytes, bytes.length, 0, 1);
    assertThat(result.ok()).isFalse();
    return result.problem();
  }
}
