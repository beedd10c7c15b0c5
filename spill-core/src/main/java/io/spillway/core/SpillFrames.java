package io.spillway.core;

import static io.spillway.core.FrameBytes.compute;
import static io.spillway.core.FrameBytes.corrupt;
import static io.spillway.core.FrameBytes.hex;
import static io.spillway.core.FrameBytes.intAt;
import static io.spillway.core.FrameBytes.longAt;
import static io.spillway.core.FrameBytes.printable;
import static io.spillway.core.FrameBytes.readFully;
import static io.spillway.core.FrameBytes.verify;

import io.spillway.api.CorruptSegmentException;
import io.spillway.api.CorruptSegmentException.Reason;
import io.spillway.api.SegmentNames;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.api.spi.ChecksumCodec;
import io.spillway.core.FrameBytes.ArrayPrefix;
import io.spillway.core.FrameBytes.ChannelPrefix;
import io.spillway.core.FrameBytes.Prefix;
import io.spillway.core.checksum.Crc32CodecProvider;
import io.spillway.core.checksum.Crc32cCodecProvider;
import io.spillway.core.checksum.Fold32CodecProvider;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * Writes and verifies <em>frames</em>, the bytes a spilled segment is stored as on any store. This page is the
 * format's reference.
 *
 * <p>All integers are little-endian and unsigned. Every frame starts with the magic {@code SPIL}
 * ({@code 53 50 49 4C}) and a version byte.
 *
 * <h2>Version 3 (Spillway's own, written by default)</h2>
 *
 * <table class="striped">
 * <caption>v3 frame: 26 + N + S + L bytes (S = 8 with the registered-size flag, else 0)</caption>
 * <thead><tr><th>offset</th><th>size</th><th>field</th><th>meaning</th></tr></thead>
 * <tbody>
 * <tr><td>0</td><td>4</td><td>magic</td><td>{@code "SPIL"}</td></tr>
 * <tr><td>4</td><td>1</td><td>version</td><td>3</td></tr>
 * <tr><td>5</td><td>1</td><td>flags</td><td>bit 0 ({@code 0x01}): registered size, see below; every other bit must
 *     be 0, and a frame with any of them set is rejected</td></tr>
 * <tr><td>6</td><td>1</td><td>codec id</td><td>checksum codec of both checksums
 *     ({@link io.spillway.api.spi.ChecksumCodec#id()}: 1 = {@code crc32}, 2 = {@code crc32c}, 3 = {@code fold32},
 *     64&ndash;255 plugins)</td></tr>
 * <tr><td>7</td><td>1</td><td>compression id</td><td>0 = none, the only one defined yet</td></tr>
 * <tr><td>8</td><td>2</td><td>N</td><td>length of the segment name in UTF-8 bytes, 1 to
 *     {@value io.spillway.api.SegmentNames#MAX_LENGTH}</td></tr>
 * <tr><td>10</td><td>8</td><td>L</td><td>payload length in bytes, at most {@value #MAX_PAYLOAD_LENGTH}</td></tr>
 * <tr><td>18</td><td>N</td><td>name</td><td>the segment name, well-formed UTF-8</td></tr>
 * <tr><td>18 + N</td><td>S</td><td>registered size</td><td>only with flag {@code 0x01} (S = 8, else S = 0): the
 *     segment's registered size when it was spilled, at most 2<sup>63</sup> &minus; 1</td></tr>
 * <tr><td>18 + N + S</td><td>4</td><td>header checksum</td><td>codec over bytes [0, 18 + N + S)</td></tr>
 * <tr><td>22 + N + S</td><td>L</td><td>payload</td><td>the segment's bytes</td></tr>
 * <tr><td>22 + N + S + L</td><td>4</td><td>payload checksum</td><td>codec over the payload</td></tr>
 * </tbody>
 * </table>
 *
 * <p>The header checksum protects the name and the lengths, so a reader verifies it before it trusts the payload
 * length for anything, and a store's listing can be recovered by reading headers alone
 * ({@link #header(String, SeekableByteChannel)}). The payload checksum trails the payload, so a writer can stream a
 * payload without knowing its checksum in advance.
 *
 * <p>The <b>registered size</b> (flag {@code 0x01}) is what the manager accounted the segment at, which may differ
 * from the payload's length; the manager writes it in persistent sessions only, so that the session's next owner
 * can account a recovered segment exactly. A frame without the flag is byte for byte what this build wrote before
 * the flag was defined.
 *
 * <h2>Versions 1 and 2 (RedDB's, read forever; v2 written on request)</h2>
 *
 * <table class="striped">
 * <caption>v1/v2 frame: 17 + L bytes</caption>
 * <thead><tr><th>offset</th><th>size</th><th>field</th><th>meaning</th></tr></thead>
 * <tbody>
 * <tr><td>0</td><td>4</td><td>magic</td><td>{@code "SPIL"}</td></tr>
 * <tr><td>4</td><td>1</td><td>version</td><td>1 or 2</td></tr>
 * <tr><td>5</td><td>4</td><td>checksum</td><td>over the payload: v1 the sum of its unsigned bytes modulo
 *     2<sup>32</sup> ({@code fold32}); v2 CRC-32 IEEE ({@code crc32})</td></tr>
 * <tr><td>9</td><td>8</td><td>L</td><td>payload length in bytes</td></tr>
 * <tr><td>17</td><td>L</td><td>payload</td><td>the segment's bytes</td></tr>
 * </tbody>
 * </table>
 *
 * <p>These frames carry no segment name and do not protect their header: a damaged length is caught only because
 * the frame then has missing or extra bytes. The v1 checksum misses any reordering of payload bytes (two swapped
 * bytes decode to the swapped payload); that weakness is v1's and is why {@code fold32} is never written.
 *
 * <h2>Decoding</h2>
 *
 * <p>A decoder never trusts a length field: it checks it against the bytes actually present before it allocates
 * anything of that size. Every failure is a {@link CorruptSegmentException} with its {@link Reason} &mdash; never
 * another exception type, and no bytes are handed back from a frame that failed a check:
 * {@link Reason#BAD_MAGIC} (also for a frame too short for the magic whose bytes already differ from it),
 * {@link Reason#UNSUPPORTED_VERSION}, {@link Reason#UNSUPPORTED_ENCODING} (unknown codec or compression id),
 * {@link Reason#TRUNCATED} (fewer bytes than a header or than declared), {@link Reason#TRAILING_BYTES},
 * {@link Reason#LENGTH_OVERFLOW} (a payload length that is negative as a signed 64-bit value or larger than
 * {@value #MAX_PAYLOAD_LENGTH}, a registered size negative as a signed 64-bit value),
 * {@link Reason#CHECKSUM_MISMATCH} (both values in hex in the message), {@link Reason#WRONG_SEGMENT} (a v3 frame
 * of another segment) and {@link Reason#MALFORMED_HEADER} (unknown flag bits, named in the message; an empty or
 * over-long name, a name that is not UTF-8).
 *
 * <h2>Use</h2>
 *
 * <pre>{@code
 * SpillFrames frames = SpillFrames.create(config);
 * URI where = store.write(segment, frames.encode(segment, payload));
 * try (SeekableByteChannel in = store.openRead(segment)) {
 *   byte[] back = frames.decode(segment, in);
 * }
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe. {@link #decode(byte[])} needs no instance.
 */
public final class SpillFrames {
  /** The largest payload a frame may declare: {@value}, the largest array a JVM reliably allocates. */
  public static final int MAX_PAYLOAD_LENGTH = Integer.MAX_VALUE - 8;

  private static final byte[] MAGIC = {'S', 'P', 'I', 'L'};
  private static final int LEGACY_HEADER_LENGTH = 17;
  private static final int V3_FIXED_LENGTH = 18;
  private static final int V3_OVERHEAD = 26;
  private static final int CHECKSUM_LENGTH = 4;
  /** v3 flag: an 8-byte registered size follows the name. */
  private static final int FLAG_REGISTERED_SIZE = 0x01;
  private static final int REGISTERED_SIZE_LENGTH = 8;
  /** Stands for "no registered size" inside this class. */
  private static final long NO_SIZE = -1;

  private static final ChecksumCodec CRC32 = new Crc32CodecProvider().create();
  private static final ChecksumCodec CRC32C = new Crc32cCodecProvider().create();
  private static final ChecksumCodec FOLD32 = new Fold32CodecProvider().create();

  /** Finds the codec of a v3 frame's codec id, or throws {@link Reason#UNSUPPORTED_ENCODING}. */
  @FunctionalInterface
  private interface CodecLookup {
    ChecksumCodec byId(int id, @Nullable String segment);
  }

  private final int version;
  private final ChecksumCodec codec;
  private final ChecksumCodecs codecs;

  private SpillFrames(int version, ChecksumCodec codec, ChecksumCodecs codecs) {
    this.version = version;
    this.codec = codec;
    this.codecs = codecs;
  }

  /**
   * An instance writing frames of {@link SpillConfig#frameVersion()} with the codec {@link SpillConfig#checksum()}
   * (v2 frames always use {@code crc32}, and the setting is then ignored), and reading every version with the codecs
   * on the thread's class path.
   *
   * @throws SpillConfigurationException if the codec is unknown, ambiguous or only fit for reading
   */
  public static SpillFrames create(SpillConfig config) {
    return create(config, ChecksumCodecs.load());
  }

  /**
   * As {@link #create(SpillConfig)}, with the codecs given.
   *
   * @throws SpillConfigurationException if the codec is unknown, ambiguous or only fit for reading
   */
  public static SpillFrames create(SpillConfig config, ChecksumCodecs codecs) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(codecs, "codecs");
    int version = config.frameVersion();
    switch (version) {
      case 2:
        return new SpillFrames(2, CRC32, codecs);
      case 3:
        return new SpillFrames(3, codecs.forWriting(config.checksum()), codecs);
      default:
        throw new SpillConfigurationException("Frame version " + version + " cannot be written; use 3, or 2 for RedDB");
    }
  }

  /** The frame version this instance writes: 2 or 3. */
  public int version() {
    return version;
  }

  /** The checksum codec this instance writes ({@code crc32} for v2). */
  public ChecksumCodec codec() {
    return codec;
  }

  /**
   * The frame of {@code payload} for {@code segment}, as buffers to write one after another (for
   * {@link io.spillway.api.spi.SpillStore#write}). The payload is wrapped, not copied: it must not change until the
   * buffers are consumed, or the frame will fail verification. Header and trailer are small buffers of their own.
   *
   * @throws io.spillway.api.InvalidSegmentNameException if {@code segment} is not a valid name
   */
  public ByteBuffer[] encode(String segment, byte[] payload) {
    SegmentNames.validate(segment);
    Objects.requireNonNull(payload, "payload");
    if (version == 2) {
      ByteBuffer header = ByteBuffer.allocate(LEGACY_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
      header.put(MAGIC).put((byte) 2).putInt(compute(CRC32, payload, 0, payload.length)).putLong(payload.length);
      return new ByteBuffer[] {header.flip(), ByteBuffer.wrap(payload).asReadOnlyBuffer()};
    }
    return encodeV3(segment, payload, NO_SIZE);
  }

  /**
   * As {@link #encode(String, byte[])}, for a v3 frame that also carries the segment's {@code registeredSize} (flag
   * {@code 0x01}), as the manager writes in persistent sessions.
   *
   * @throws io.spillway.api.InvalidSegmentNameException if {@code segment} is not a valid name
   * @throws IllegalArgumentException if {@code registeredSize} is negative
   * @throws IllegalStateException if this instance writes v2 frames, which cannot carry it
   */
  public ByteBuffer[] encode(String segment, byte[] payload, long registeredSize) {
    SegmentNames.validate(segment);
    Objects.requireNonNull(payload, "payload");
    requireSizeFits(registeredSize);
    return encodeV3(segment, payload, registeredSize);
  }

  private ByteBuffer[] encodeV3(String segment, byte[] payload, long registeredSize) {
    ByteBuffer body = ByteBuffer.wrap(payload).asReadOnlyBuffer();
    byte[] name = SegmentNames.toUtf8(segment);
    boolean sized = registeredSize != NO_SIZE;
    int covered = V3_FIXED_LENGTH + name.length + (sized ? REGISTERED_SIZE_LENGTH : 0);
    ByteBuffer header = ByteBuffer.allocate(covered + CHECKSUM_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    header.put(MAGIC).put((byte) 3).put((byte) (sized ? FLAG_REGISTERED_SIZE : 0)).put((byte) codec.id())
        .put((byte) 0).putShort((short) name.length).putLong(payload.length).put(name);
    if (sized) {
      header.putLong(registeredSize);
    }
    header.putInt(compute(codec, header.array(), 0, covered));
    ByteBuffer trailer = ByteBuffer.allocate(CHECKSUM_LENGTH).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(compute(codec, payload, 0, payload.length));
    return new ByteBuffer[] {header.flip(), body, trailer.flip()};
  }

  /**
   * The length of the frame {@link #encode} writes for a payload of {@code payloadLength} bytes.
   *
   * @throws io.spillway.api.InvalidSegmentNameException if {@code segment} is not a valid name
   * @throws IllegalArgumentException if {@code payloadLength} is negative or above {@link #MAX_PAYLOAD_LENGTH}
   */
  public long frameLength(String segment, long payloadLength) {
    SegmentNames.validate(segment);
    if (payloadLength < 0 || payloadLength > MAX_PAYLOAD_LENGTH) {
      throw new IllegalArgumentException("payloadLength must be in [0, " + MAX_PAYLOAD_LENGTH + "], was "
          + payloadLength);
    }
    if (version == 2) {
      return LEGACY_HEADER_LENGTH + payloadLength;
    }
    return V3_OVERHEAD + SegmentNames.toUtf8(segment).length + payloadLength;
  }

  /**
   * The length of the frame {@link #encode(String, byte[], long)} writes for a payload of {@code payloadLength}
   * bytes: 8 more than {@link #frameLength(String, long)}.
   *
   * @throws io.spillway.api.InvalidSegmentNameException if {@code segment} is not a valid name
   * @throws IllegalArgumentException if {@code payloadLength} is negative or above {@link #MAX_PAYLOAD_LENGTH}, or
   *     {@code registeredSize} is negative
   * @throws IllegalStateException if this instance writes v2 frames
   */
  public long frameLength(String segment, long payloadLength, long registeredSize) {
    long plain = frameLength(segment, payloadLength);
    requireSizeFits(registeredSize);
    return plain + REGISTERED_SIZE_LENGTH;
  }

  private void requireSizeFits(long registeredSize) {
    if (registeredSize < 0) {
      throw new IllegalArgumentException("registeredSize must not be negative, was " + registeredSize);
    }
    if (version == 2) {
      throw new IllegalStateException("A v2 frame cannot carry a registered size; write version 3");
    }
  }

  /**
   * Reads and verifies the header of the frame of {@code segment} in {@code channel}, without reading its payload.
   * The frame starts at the channel's position and ends at its {@code size()}. Every check {@link #decode(String,
   * SeekableByteChannel)} makes before it reads the payload is made: the magic, the version, the v3 header checksum,
   * flags, codec and compression ids, the name (which must be {@code segment}), the lengths, and the frame's total
   * length against the channel's size. The payload checksum is not checked: a header that passes says what the
   * frame holds, not that its payload is intact. Leaves the channel positioned just after the header; the caller
   * closes it.
   *
   * @throws CorruptSegmentException naming {@code segment}, if the header fails any of these checks
   * @throws IOException if the channel cannot be read
   */
  public FrameHeader header(String segment, SeekableByteChannel channel) throws IOException {
    Objects.requireNonNull(segment, "segment");
    Objects.requireNonNull(channel, "channel");
    ChannelPrefix prefix = new ChannelPrefix(channel, channel.position());
    Header header = parseHeader(prefix, segment, this::registered);
    checkTotal(header, prefix.frameLength(), segment);
    return new FrameHeader(header.version, Optional.ofNullable(header.name), header.payloadLength,
        header.registeredSize == NO_SIZE ? OptionalLong.empty() : OptionalLong.of(header.registeredSize));
  }

  /**
   * Verifies a frame of any version and returns its payload. Codecs are the built-in ones and any found by
   * {@link java.util.ServiceLoader} on the thread's class path. The frame's own segment name, if any, is not
   * checked against anything.
   *
   * @throws CorruptSegmentException if the frame fails any check (see the class description)
   */
  public static byte[] decode(byte[] frame) {
    Objects.requireNonNull(frame, "frame");
    return decodeArray(frame, null, SpillFrames::builtinOrLoaded);
  }

  /**
   * Verifies the frame of {@code segment} and returns its payload. A v3 frame must carry that name; v1 and v2 frames
   * carry none and are accepted as they are.
   *
   * @throws CorruptSegmentException naming {@code segment}, if the frame fails any check (see the class
   *     description), including {@link Reason#WRONG_SEGMENT}
   */
  public byte[] decode(String segment, byte[] frame) {
    Objects.requireNonNull(segment, "segment");
    Objects.requireNonNull(frame, "frame");
    return decodeArray(frame, segment, this::registered);
  }

  /**
   * Verifies the frame of {@code segment} read from {@code channel} and returns its payload. The frame starts at the
   * channel's position and ends at its {@code size()}. The header is read first; its declared length is checked
   * against the channel's size before the payload's array is allocated, and the payload is then read straight into
   * that array. The caller closes the channel.
   *
   * @throws CorruptSegmentException naming {@code segment}, if the frame fails any check (see the class
   *     description), including {@link Reason#WRONG_SEGMENT}
   * @throws IOException if the channel cannot be read
   */
  public byte[] decode(String segment, SeekableByteChannel channel) throws IOException {
    Objects.requireNonNull(segment, "segment");
    Objects.requireNonNull(channel, "channel");
    ChannelPrefix prefix = new ChannelPrefix(channel, channel.position());
    Header header = parseHeader(prefix, segment, this::registered);
    checkTotal(header, prefix.frameLength(), segment);
    byte[] payload = new byte[header.payloadLength];
    readFully(channel, ByteBuffer.wrap(payload), segment);
    int stored = header.storedLegacyChecksum;
    if (header.version == 3) {
      ByteBuffer trailer = ByteBuffer.allocate(CHECKSUM_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
      readFully(channel, trailer, segment);
      stored = trailer.getInt(0);
    }
    // The size was checked up front; a channel that still has bytes now grew while it was read.
    if (channel.read(ByteBuffer.allocate(1)) > 0) {
      throw new CorruptSegmentException(Reason.TRAILING_BYTES, segment,
          "the frame grew past its declared length while it was read");
    }
    verify(header.codec, payload, 0, payload.length, stored, "payload", segment);
    return payload;
  }

  private ChecksumCodec registered(int id, @Nullable String segment) {
    try {
      return codecs.byId(id);
    } catch (SpillConfigurationException e) {
      throw corrupt(Reason.UNSUPPORTED_ENCODING, segment, "checksum codec id " + id + " cannot be used here: "
          + e.getMessage(), e);
    }
  }

  private static ChecksumCodec builtinOrLoaded(int id, @Nullable String segment) {
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

  private static byte[] decodeArray(byte[] frame, @Nullable String segment, CodecLookup lookup) {
    Header header;
    try {
      header = parseHeader(new ArrayPrefix(frame), segment, lookup);
    } catch (IOException e) {
      throw new AssertionError("an array prefix does no I/O", e);
    }
    String subject = segment != null ? segment : header.name;
    checkTotal(header, frame.length, subject);
    int start = header.headerLength;
    int stored = header.version == 3 ? intAt(frame, start + header.payloadLength) : header.storedLegacyChecksum;
    verify(header.codec, frame, start, header.payloadLength, stored, "payload", subject);
    return Arrays.copyOfRange(frame, start, start + header.payloadLength);
  }

  /** What a verified header says. For v1/v2, only the framing has been checked; the checksum is still ahead. */
  private static final class Header {
    final int version;
    final @Nullable String name;
    final ChecksumCodec codec;
    final int headerLength;
    final int trailerLength;
    final int payloadLength;
    final int storedLegacyChecksum;
    /** The registered size, or {@link #NO_SIZE}. */
    final long registeredSize;

    Header(int version, @Nullable String name, ChecksumCodec codec, int headerLength, int trailerLength,
        int payloadLength, int storedLegacyChecksum, long registeredSize) {
      this.version = version;
      this.name = name;
      this.codec = codec;
      this.headerLength = headerLength;
      this.trailerLength = trailerLength;
      this.payloadLength = payloadLength;
      this.storedLegacyChecksum = storedLegacyChecksum;
      this.registeredSize = registeredSize;
    }
  }

  private static Header parseHeader(Prefix prefix, @Nullable String segment, CodecLookup lookup) throws IOException {
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
        return parseV3(prefix, segment, lookup);
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
        NO_SIZE);
  }

  private static Header parseV3(Prefix prefix, @Nullable String segment, CodecLookup lookup) throws IOException {
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
    int unknown = flags & ~FLAG_REGISTERED_SIZE;
    if (unknown != 0) {
      throw new CorruptSegmentException(Reason.MALFORMED_HEADER, segment, String.format(
          "flags 0x%02x have unknown bits 0x%02x set; this build defines only 0x01 (registered size)", flags,
          unknown));
    }
    int compression = b[7] & 0xFF;
    if (compression != 0) {
      throw new CorruptSegmentException(Reason.UNSUPPORTED_ENCODING, segment,
          "compression id " + compression + " is unknown here (only 0, no compression, is)");
    }
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
    return new Header(3, name, codec, headerLength, CHECKSUM_LENGTH, length, 0, registeredSize);
  }

  private static int checkLength(long declared, @Nullable String segment) {
    if (declared < 0 || declared > MAX_PAYLOAD_LENGTH) {
      throw new CorruptSegmentException(Reason.LENGTH_OVERFLOW, segment,
          "the declared payload length " + Long.toUnsignedString(declared) + " exceeds the limit of "
              + MAX_PAYLOAD_LENGTH + " bytes");
    }
    return (int) declared;
  }

  private static void checkTotal(Header header, long actual, @Nullable String segment) {
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





  @Override
  public String toString() {
    return "SpillFrames{version=" + version + ", codec=" + codec.name() + "}";
  }
}
