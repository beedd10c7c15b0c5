package io.spillway.core;

import static io.spillway.core.FrameBytes.corrupt;
import static io.spillway.core.FrameBytes.hex;
import static io.spillway.core.FrameBytes.intAt;
import static io.spillway.core.FrameBytes.longAt;
import static io.spillway.core.FrameBytes.printable;
import static io.spillway.core.FrameBytes.verify;
import static io.spillway.core.SpillFrames.MAX_PAYLOAD_LENGTH;

import io.spillway.api.CorruptSegmentException;
import io.spillway.api.CorruptSegmentException.Reason;
import io.spillway.api.SegmentNames;
import io.spillway.api.spi.ChecksumCodec;
import io.spillway.api.spi.CompressionCodec;
import io.spillway.core.FrameBytes.Prefix;
import io.spillway.api.SpillConfigurationException;
import io.spillway.core.checksum.Crc32CodecProvider;
import io.spillway.core.checksum.Crc32cCodecProvider;
import io.spillway.core.checksum.Fold32CodecProvider;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Reads and verifies the header of a frame of any version, as {@link SpillFrames}' format table describes it, and
 * checks its declared lengths against what is there. Stateless and thread-safe.
 */
final class FrameParser {
  static final byte[] MAGIC = {'S', 'P', 'I', 'L'};
  static final int LEGACY_HEADER_LENGTH = 17;
  static final int V3_FIXED_LENGTH = 18;
  static final int V3_OVERHEAD = 26;
  static final int CHECKSUM_LENGTH = 4;
  /** v3 flag: an 8-byte registered size follows the name. */
  static final int FLAG_REGISTERED_SIZE = 0x01;
  static final int REGISTERED_SIZE_LENGTH = 8;
  /** Stands for "no registered size". */
  static final long NO_SIZE = -1;

  static final ChecksumCodec CRC32 = new Crc32CodecProvider().create();
  static final ChecksumCodec FOLD32 = new Fold32CodecProvider().create();

  static final ChecksumCodec CRC32C = new Crc32cCodecProvider().create();

  private FrameParser() {}

  /**
   * The checksum codec of {@code id} for a reader without codecs of its own ({@link SpillFrames#decode(byte[])}):
   * a built-in one, else one {@link ChecksumCodecs#load()} finds.
   *
   * @throws CorruptSegmentException {@link Reason#UNSUPPORTED_ENCODING} if there is none
   */
  static ChecksumCodec builtinOrLoaded(int id, @Nullable String segment) {
    switch (id) {
      case Crc32CodecProvider.ID:
        return CRC32;
      case Crc32cCodecProvider.ID:
        return CRC32C;
      case Fold32CodecProvider.ID:
        return FOLD32;
      default:
        try {
          return ChecksumCodecs.load().byId(id);
        } catch (SpillConfigurationException e) {
          throw corrupt(Reason.UNSUPPORTED_ENCODING, segment, "checksum codec id " + id + " cannot be used here: "
              + e.getMessage(), e);
        }
    }
  }

  /** Finds the codec of a v3 frame's codec id, or throws {@link Reason#UNSUPPORTED_ENCODING}. */
  @FunctionalInterface
  interface CodecLookup {
    ChecksumCodec byId(int id, @Nullable String segment);
  }

  /** Finds the compression of a v3 frame's (non-zero) compression id, or throws {@link Reason#UNSUPPORTED_ENCODING}. */
  @FunctionalInterface
  interface CompressionLookup {
    CompressionCodec byId(int id, @Nullable String segment);
  }

  /** What a verified header says. For v1/v2, only the framing has been checked; the checksum is still ahead. */
  static final class Header {
    final int version;
    final @Nullable String name;
    final ChecksumCodec codec;
    final int headerLength;
    final int trailerLength;
    final int payloadLength;
    final int storedLegacyChecksum;
    /** The registered size, or {@link #NO_SIZE}. */
    final long registeredSize;
    /** The payload's compression, or null for a payload stored as it is (compression id 0, and every v1/v2 frame). */
    final @Nullable CompressionCodec compression;
    /** For an encrypted payload region (flag {@code 0x02}), the header bytes it authenticates; otherwise null. */
    final byte @Nullable [] sealedWith;

    Header(int version, @Nullable String name, ChecksumCodec codec, int headerLength, int trailerLength,
        int payloadLength, int storedLegacyChecksum, long registeredSize, @Nullable CompressionCodec compression,
        byte @Nullable [] sealedWith) {
      this.version = version;
      this.name = name;
      this.codec = codec;
      this.headerLength = headerLength;
      this.trailerLength = trailerLength;
      this.payloadLength = payloadLength;
      this.storedLegacyChecksum = storedLegacyChecksum;
      this.registeredSize = registeredSize;
      this.compression = compression;
      this.sealedWith = sealedWith;
    }
  }

  static Header parseHeader(Prefix prefix, @Nullable String segment, CodecLookup lookup,
      CompressionLookup compressions) throws IOException {
    int have = prefix.fill(MAGIC.length);
    byte[] b = prefix.bytes();
    for (int i = 0; i < have; i++) {
      if (b[i] != MAGIC[i]) {
        throw new CorruptSegmentException(Reason.BAD_MAGIC, segment,
            "the frame starts with " + hex(b, have) + ", not the magic 53 50 49 4c (\"SPIL\")");
      }
    }
    if (have < MAGIC.length || prefix.fill(5) < 5) {
      throw new CorruptSegmentException(Reason.TRUNCATED, segment,
          "the frame ends after " + have + " bytes, before its version byte");
    }
    b = prefix.bytes();
    int version = b[4] & 0xFF;
    switch (version) {
      case 1:
      case 2:
        return parseLegacy(prefix, version, segment);
      case 3:
        return parseV3(prefix, segment, lookup, compressions);
      default:
        throw new CorruptSegmentException(Reason.UNSUPPORTED_VERSION, segment,
            "frame version " + version + " is not one this build reads (1, 2, 3)");
    }
  }

  private static Header parseLegacy(Prefix prefix, int version, @Nullable String segment) throws IOException {
    int have = prefix.fill(LEGACY_HEADER_LENGTH);
    if (have < LEGACY_HEADER_LENGTH) {
      throw new CorruptSegmentException(Reason.TRUNCATED, segment,
          "the frame ends after " + have + " bytes, inside its " + LEGACY_HEADER_LENGTH + "-byte v" + version
              + " header");
    }
    byte[] b = prefix.bytes();
    int stored = intAt(b, 5);
    int length = checkLength(longAt(b, 9), segment);
    return new Header(version, null, version == 1 ? FOLD32 : CRC32, LEGACY_HEADER_LENGTH, 0, length, stored,
        NO_SIZE, null, null);
  }

  private static Header parseV3(Prefix prefix, @Nullable String segment, CodecLookup lookup,
      CompressionLookup compressions) throws IOException {
    int have = prefix.fill(V3_FIXED_LENGTH);
    if (have < V3_FIXED_LENGTH) {
      throw new CorruptSegmentException(Reason.TRUNCATED, segment,
          "the frame ends after " + have + " bytes, inside its v3 header");
    }
    byte[] b = prefix.bytes();
    int nameLength = (b[8] & 0xFF) | (b[9] & 0xFF) << 8;
    // Bounded by 16 bits anyway; refusing early keeps a damaged header from making us read up to 64 KiB.
    if (nameLength > SegmentNames.MAX_LENGTH) {
      throw new CorruptSegmentException(Reason.MALFORMED_HEADER, segment,
          "the name length " + nameLength + " exceeds the limit of " + SegmentNames.MAX_LENGTH + " bytes");
    }
    // Bit 0 of the flags says how long the header is; a damaged flags byte then makes the checksum fail.
    int flags = b[5] & 0xFF;
    boolean sized = (flags & FLAG_REGISTERED_SIZE) != 0;
    int covered = V3_FIXED_LENGTH + nameLength + (sized ? REGISTERED_SIZE_LENGTH : 0);
    int headerLength = covered + CHECKSUM_LENGTH;
    have = prefix.fill(headerLength);
    if (have < headerLength) {
      throw new CorruptSegmentException(Reason.TRUNCATED, segment,
          "the frame ends after " + have + " bytes, inside its " + headerLength + "-byte v3 header");
    }
    b = prefix.bytes();
    ChecksumCodec codec = lookup.byId(b[6] & 0xFF, segment);
    verify(codec, b, 0, covered, intAt(b, covered), "header", segment);
    // From here on the header is what its writer wrote.
    int unknown = flags & ~(FLAG_REGISTERED_SIZE | FrameEncryption.FLAG);
    if (unknown != 0) {
      throw new CorruptSegmentException(Reason.MALFORMED_HEADER, segment, String.format(
          "flags 0x%02x have unknown bits 0x%02x set; this build defines only 0x01 (registered size) and 0x02"
              + " (encrypted)", flags, unknown));
    }
    boolean encrypted = (flags & FrameEncryption.FLAG) != 0;
    int compressionId = b[7] & 0xFF;
    CompressionCodec compression = compressionId == 0 ? null : compressions.byId(compressionId, segment);
    if (nameLength == 0) {
      throw new CorruptSegmentException(Reason.MALFORMED_HEADER, segment, "the segment name is empty");
    }
    String name;
    try {
      name = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b, V3_FIXED_LENGTH, nameLength))
          .toString();
    } catch (CharacterCodingException e) {
      throw corrupt(Reason.MALFORMED_HEADER, segment, "the segment name is not valid UTF-8", e);
    }
    if (segment != null && !segment.equals(name)) {
      throw new CorruptSegmentException(Reason.WRONG_SEGMENT, segment,
          "the frame belongs to segment '" + printable(name) + "'");
    }
    String subject = segment != null ? segment : name;
    int length = checkLength(longAt(b, 10), subject);
    long registeredSize = NO_SIZE;
    if (sized) {
      registeredSize = longAt(b, V3_FIXED_LENGTH + nameLength);
      if (registeredSize < 0) {
        throw new CorruptSegmentException(Reason.LENGTH_OVERFLOW, subject, "the registered size "
            + Long.toUnsignedString(registeredSize) + " exceeds the limit of " + Long.MAX_VALUE + " bytes");
      }
    }
    int sealing = encrypted ? FrameEncryption.OVERHEAD : 0;
    if (encrypted && length < sealing) {
      throw new CorruptSegmentException(Reason.MALFORMED_HEADER, subject, "an encrypted payload holds its "
          + sealing + "-byte nonce and tag, but the frame declares " + length + " bytes");
    }
    if (compression != null && length - sealing < FrameCompression.LENGTH_PREFIX) {
      throw new CorruptSegmentException(Reason.MALFORMED_HEADER, subject, "a payload compressed with '"
          + compression.name() + "' must hold its " + FrameCompression.LENGTH_PREFIX
          + "-byte expanded length, but the frame declares " + length + " bytes");
    }
    return new Header(3, name, codec, headerLength, CHECKSUM_LENGTH, length, 0, registeredSize, compression,
        encrypted ? java.util.Arrays.copyOf(b, covered) : null);
  }

  static int checkLength(long declared, @Nullable String segment) {
    if (declared < 0 || declared > MAX_PAYLOAD_LENGTH) {
      throw new CorruptSegmentException(Reason.LENGTH_OVERFLOW, segment,
          "the declared payload length " + Long.toUnsignedString(declared) + " exceeds the limit of "
              + MAX_PAYLOAD_LENGTH + " bytes");
    }
    return (int) declared;
  }

  static void checkTotal(Header header, long actual, @Nullable String segment) {
    long declared = (long) header.headerLength + header.payloadLength + header.trailerLength;
    if (actual < declared) {
      throw new CorruptSegmentException(Reason.TRUNCATED, segment,
          "the frame is " + actual + " bytes but its header declares " + declared + " (a payload of "
              + header.payloadLength + ")");
    }
    if (actual > declared) {
      throw new CorruptSegmentException(Reason.TRAILING_BYTES, segment,
          "the frame is " + actual + " bytes but its header declares " + declared + " (a payload of "
              + header.payloadLength + "): " + (actual - declared) + " extra");
    }
  }
}
