package io.spillway.store.file;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.spillway.api.SegmentNames;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * The header that precedes every value in a log file, and its checks.
 *
 * <p>A record is a {@value #HEADER_BYTES}-byte header, the key's UTF-8 bytes, then the value's bytes. All numbers
 * are little-endian, as in the core's frames:
 * <pre>
 * offset size field
 *  0     4    magic "SWLR" (0x53 0x57 0x4c 0x52)
 *  4     1    record format version, 1
 *  5     1    kind: 1 = value, 2 = dead (a value record that no longer holds its key's value; see below)
 *  6     2    key length k in UTF-8 bytes, 1..1024
 *  8     8    sequence number of the write: increasing per session; a compaction copy keeps its original's
 * 16     8    value length v
 * 24     8    position of this record (its first header byte) in its log file
 * 32     4    number of its log file, the N of log-N.log
 * 36     4    CRC-32C (Castagnoli) of bytes 0..35 and of the k key bytes
 * 40     k    key, UTF-8
 * 40+k   v    value: the core's frame, not interpreted by the store
 * </pre>
 *
 * <p>Why each field: the magic and the CRC let a scan tell a record boundary from the middle of a value or a hole;
 * the recorded position and file number make a header found anywhere else (a log record stored inside a value, a
 * stale copy) fail the check, so that a scan that resynchronises after a hole never takes value bytes for a record;
 * the sequence number orders the versions of a key across files, since a compaction copy of an older version may land
 * after a newer one. The value has no checksum of its own here: it is a frame, whose checksum covers its header and
 * payload, and a torn value is found by that checksum when it is read.
 *
 * <p><b>Dead records</b> (persistent sessions only). A value record that stops holding its key's value — replaced,
 * deleted, or a compaction copy that lost to an update — has its header rewritten in place with kind 2 and its
 * checksum recomputed ({@link #dead}), everything else kept: a recovery scan still steps over it by its value
 * length, and never takes it for a live value. That is how a delete outlives a restart without tombstones that
 * would have to be collected: once a key's older records are all dead, nothing of it is left to recover.
 *
 * <p>Stateless and thread-safe. Internal, may change.
 */
final class RecordFormat {
  static final int MAGIC = 0x524c5753; // "SWLR" read as a little-endian int
  static final byte VERSION = 1;
  static final byte KIND_VALUE = 1;
  static final byte KIND_DEAD = 2;
  static final int HEADER_BYTES = 40;
  static final int CRC_OFFSET = 36;

  private RecordFormat() {}

  /** Bytes a record of a {@code keyBytes}-byte key and a {@code valueLength}-byte value takes in a log file. */
  static long recordBytes(int keyBytes, long valueLength) {
    return HEADER_BYTES + keyBytes + valueLength;
  }

  /** The length of {@code key} in UTF-8 bytes, counted without encoding it. */
  static int utf8Length(String key) {
    int length = 0;
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x80) {
        length += 1;
      } else if (c < 0x800) {
        length += 2;
      } else if (Character.isHighSurrogate(c)) {
        length += 4; // valid keys have no unpaired surrogate
        i++;
      } else {
        length += 3;
      }
    }
    return length;
  }

  /**
   * The header and key of a value record, ready to be written (position 0, limit at its end).
   *
   * @param key the key's UTF-8 bytes, 1 to {@link SegmentNames#MAX_LENGTH} of them
   */
  static ByteBuffer encode(byte[] key, long sequence, long valueLength, long position, int fileNumber) {
    ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + key.length).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(MAGIC)
        .put(VERSION)
        .put(KIND_VALUE)
        .putShort((short) key.length)
        .putLong(sequence)
        .putLong(valueLength)
        .putLong(position)
        .putInt(fileNumber);
    out.put(CRC_OFFSET + 4, key);
    out.putInt(CRC_OFFSET, crc(out.array(), key.length));
    out.position(0);
    return out;
  }

  /**
   * The same header moved to another place: {@code original} (header and key, as read) with a new position and file
   * number and its checksum recomputed; everything else, the sequence number included, kept.
   */
  static ByteBuffer relocate(byte[] original, long position, int fileNumber) {
    byte[] copy = original.clone();
    ByteBuffer out = ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(24, position).putInt(32, fileNumber);
    out.putInt(CRC_OFFSET, crc(copy, copy.length - HEADER_BYTES));
    return out;
  }

  /**
   * The same header marked dead: {@code original} (header and key, as read and checked) with kind
   * {@link #KIND_DEAD} and its checksum recomputed; everything else kept, so that a scan still skips the value.
   */
  static ByteBuffer dead(byte[] original) {
    byte[] copy = original.clone();
    ByteBuffer out = ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
    out.put(5, KIND_DEAD);
    out.putInt(CRC_OFFSET, crc(copy, copy.length - HEADER_BYTES));
    return out;
  }

  private static int crc(byte[] header, int keyBytes) {
    CRC32C crc = new CRC32C();
    crc.update(header, 0, CRC_OFFSET);
    crc.update(header, HEADER_BYTES, keyBytes);
    return (int) crc.getValue();
  }

  /** A decoded header. {@code keyBytes} is the key's UTF-8 bytes. */
  record Header(byte kind, byte[] keyBytes, long sequence, long valueLength, long position, int fileNumber) {
    String key() {
      return new String(keyBytes, UTF_8);
    }

    long recordBytes() {
      return RecordFormat.recordBytes(keyBytes.length, valueLength);
    }

    long valueOffset() {
      return position + HEADER_BYTES + keyBytes.length;
    }
  }

  /** Why bytes are not a header; {@link #decode} returns it in a {@link Result}. */
  enum Problem {
    /** Fewer bytes than a header needs: the end of the file, or a torn header. */
    TRUNCATED,
    /** No magic: not a record boundary (a hole, a torn header, value bytes). */
    BAD_MAGIC,
    /** A version or kind this store does not know, or a key length out of range. */
    UNKNOWN_FORMAT,
    /** The header checksum does not match: torn or corrupt. */
    CHECKSUM_MISMATCH,
    /** A valid header that says it lives elsewhere: a copy of a record inside a value, or a stale one. */
    MISPLACED,
    /** The key is not valid UTF-8 or not a valid segment name. */
    BAD_KEY
  }

  /** Either a header or the problem that kept {@code bytes} from being one. */
  record Result(@Nullable Header header, @Nullable Problem problem) {
    boolean ok() {
      return header != null;
    }
  }

  /** Bytes of the fixed part of a header: enough to learn how many key bytes follow. */
  static int keyLength(byte[] fixed) {
    ByteBuffer in = ByteBuffer.wrap(fixed).order(ByteOrder.LITTLE_ENDIAN);
    return Short.toUnsignedInt(in.getShort(6));
  }

  /**
   * Decodes the header and key in {@code bytes[0..length)}, which were read from position {@code position} of log
   * file number {@code fileNumber}, and checks everything a header can check: magic, version, kind, key length,
   * checksum, key validity, and that it names this very place.
   */
  static Result decode(byte[] bytes, int length, long position, int fileNumber) {
    if (length < HEADER_BYTES) {
      return problem(Problem.TRUNCATED);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes, 0, length).order(ByteOrder.LITTLE_ENDIAN);
    if (in.getInt(0) != MAGIC) {
      return problem(Problem.BAD_MAGIC);
    }
    byte version = in.get(4);
    byte kind = in.get(5);
    int keyLength = Short.toUnsignedInt(in.getShort(6));
    if (version != VERSION || (kind != KIND_VALUE && kind != KIND_DEAD)
        || keyLength == 0 || keyLength > SegmentNames.MAX_LENGTH) {
      return problem(Problem.UNKNOWN_FORMAT);
    }
    if (length < HEADER_BYTES + keyLength) {
      return problem(Problem.TRUNCATED);
    }
    if (in.getInt(CRC_OFFSET) != crc(bytes, keyLength)) {
      return problem(Problem.CHECKSUM_MISMATCH);
    }
    long sequence = in.getLong(8);
    long valueLength = in.getLong(16);
    long recordedPosition = in.getLong(24);
    int recordedFile = in.getInt(32);
    if (valueLength < 0) {
      return problem(Problem.UNKNOWN_FORMAT);
    }
    if (recordedPosition != position || recordedFile != fileNumber) {
      return problem(Problem.MISPLACED);
    }
    byte[] key = Arrays.copyOfRange(bytes, HEADER_BYTES, HEADER_BYTES + keyLength);
    if (!isValidKey(key)) {
      return problem(Problem.BAD_KEY);
    }
    return new Result(new Header(kind, key, sequence, valueLength, position, fileNumber), null);
  }

  private static boolean isValidKey(byte[] utf8) {
    String key = new String(utf8, UTF_8);
    if (!Arrays.equals(key.getBytes(UTF_8), utf8)) {
      return false; // malformed UTF-8, replaced on decoding
    }
    try {
      SegmentNames.validate(key);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static Result problem(Problem problem) {
    return new Result(null, problem);
  }
}
