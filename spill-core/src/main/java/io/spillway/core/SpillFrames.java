package io.spillway.core;

import io.spillway.api.CorruptSegmentException;
import io.spillway.api.CorruptSegmentException.Reason;
import io.spillway.api.SegmentNames;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.api.spi.ChecksumCodec;
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
import java.util.zip.Checksum;
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
 * <caption>v3 frame: 26 + N + L bytes</caption>
 * <thead><tr><th>offset</th><th>size</th><th>field</th><th>meaning</th></tr></thead>
 * <tbody>
 * <tr><td>0</td><td>4</td><td>magic</td><td>{@code "SPIL"}</td></tr>
 * <tr><td>4</td><td>1</td><td>version</td><td>3</td></tr>
 * <tr><td>5</td><td>1</td><td>flags</td><td>0; no flag is defined yet, any other value is rejected</td></tr>
 * <tr><td>6</td><td>1</td><td>codec id</td><td>checksum codec of both checksums
 *     ({@link io.spillway.api.spi.ChecksumCodec#id()}: 1 = {@code crc32}, 2 = {@code crc32c}, 3 = {@code fold32},
 *     64&ndash;255 plugins)</td></tr>
 * <tr><td>7</td><td>1</td><td>compression id</td><td>0 = none, the only one defined yet</td></tr>
 * <tr><td>8</td><td>2</td><td>N</td><td>length of the segment name in UTF-8 bytes, 1 to
 *     {@value io.spillway.api.SegmentNames#MAX_LENGTH}</td></tr>
 * <tr><td>10</td><td>8</td><td>L</td><td>payload length in bytes, at most {@value #MAX_PAYLOAD_LENGTH}</td></tr>
 * <tr><td>18</td><td>N</td><td>name</td><td>the segment name, well-formed UTF-8</td></tr>
 * <tr><td>18 + N</td><td>4</td><td>header checksum</td><td>codec over bytes [0, 18 + N)</td></tr>
 * <tr><td>22 + N</td><td>L</td><td>payload</td><td>the segment's bytes</td></tr>
 * <tr><td>22 + N + L</td><td>4</td><td>payload checksum</td><td>codec over the payload</td></tr>
 * </tbody>
 * </table>
 *
 * <p>The header checksum protects the name and the lengths, so a reader verifies it before it trusts the payload
 * length for anything, and a store's listing can be recovered by reading headers alone. The payload checksum
 * trails the payload, so a writer can stream a payload without knowing its checksum in advance.
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
 * {@link Reason#LENGTH_OVERFLOW} (a length that is negative as a signed 64-bit value or larger than
 * {@value #MAX_PAYLOAD_LENGTH}), {@link Reason#CHECKSUM_MISMATCH} (both values in hex in the message),
 * {@link Reason#WRONG_SEGMENT} (a v3 frame of another segment) and {@link Reason#MALFORMED_HEADER} (flags set, an
 * empty or over-long name, a name that is not UTF-8).
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
    ByteBuffer body = ByteBuffer.wrap(payload).asReadOnlyBuffer();
    if (version == 2) {
      ByteBuffer header = ByteBuffer.allocate(LEGACY_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
      header.put(MAGIC).put((byte) 2).putInt(compute(CRC32, payload, 0, payload.length)).putLong(payload.length);
      return new ByteBuffer[] {header.flip(), body};
    }
    byte[] name = SegmentNames.toUtf8(segment);
    ByteBuffer header = ByteBuffer.allocate(V3_FIXED_LENGTH + name.length + CHECKSUM_LENGTH)
        .order(ByteOrder.LITTLE_ENDIAN);
    header.put(MAGIC).put((byte) 3).put((byte) 0).put((byte) codec.id()).put((byte) 0)
        .putShort((short) name.length).putLong(payload.length).put(name);
    header.putInt(compute(codec, header.array(), 0, V3_FIXED_LENGTH + name.length));
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

    Header(int version, @Nullable String name, ChecksumCodec codec, int headerLength, int trailerLength,
        int payloadLength, int storedLegacyChecksum) {
      this.version = version;
      this.name = name;
      this.codec = codec;
      this.headerLength = headerLength;
      this.trailerLength = trailerLength;
      this.payloadLength = payloadLength;
      this.storedLegacyChecksum = storedLegacyChecksum;
    }
  }

  /** The start of a frame, made available a few bytes at a time so that nothing is read past the header. */
  private interface Prefix {
    /** Makes up to the first {@code n} bytes available in {@link #bytes()}; returns how many are (fewer at the end). */
    int fill(int n) throws IOException;

    /** Holds the bytes made available, from offset 0; may be a new array after each {@link #fill}. */
    byte[] bytes();
  }

  private static final class ArrayPrefix implements Prefix {
    private final byte[] frame;

    ArrayPrefix(byte[] frame) {
      this.frame = frame;
    }

    @Override
    public int fill(int n) {
      return Math.min(n, frame.length);
    }

    @Override
    public byte[] bytes() {
      return frame;
    }
  }

  private static final class ChannelPrefix implements Prefix {
    private final SeekableByteChannel channel;
    private final long start;
    private byte[] bytes = new byte[64];
    private int have;

    ChannelPrefix(SeekableByteChannel channel, long start) {
      this.channel = channel;
      this.start = start;
    }

    @Override
    public int fill(int n) throws IOException {
      if (n > bytes.length) {
        bytes = Arrays.copyOf(bytes, n);
      }
      while (have < n) {
        int read = channel.read(ByteBuffer.wrap(bytes, have, n - have));
        if (read < 0) {
          break;
        }
        have += read;
      }
      return Math.min(have, n);
    }

    @Override
    public byte[] bytes() {
      return bytes;
    }

    long frameLength() throws IOException {
      return channel.size() - start;
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
    return new Header(version, null, version == 1 ? FOLD32 : CRC32, LEGACY_HEADER_LENGTH, 0, length, stored);
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
    int covered = V3_FIXED_LENGTH + nameLength;
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
    int flags = b[5] & 0xFF;
    if (flags != 0) {
      throw new CorruptSegmentException(Reason.MALFORMED_HEADER, segment,
          String.format("flags 0x%02x are set; this build defines no flags", flags));
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
    return new Header(3, name, codec, headerLength, CHECKSUM_LENGTH, length, 0);
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

  private static void verify(ChecksumCodec codec, byte[] bytes, int offset, int length, int stored, String what,
      @Nullable String segment) {
    int computed;
    try {
      computed = compute(codec, bytes, offset, length);
    } catch (RuntimeException e) {
      throw corrupt(Reason.UNSUPPORTED_ENCODING, segment,
          "checksum codec '" + codec.name() + "' failed: " + e, e);
    }
    if (computed != stored) {
      throw new CorruptSegmentException(Reason.CHECKSUM_MISMATCH, segment,
          String.format("%s checksum mismatch (%s): stored 0x%08x, computed 0x%08x", what, codec.name(), stored,
              computed));
    }
  }

  private static int compute(ChecksumCodec codec, byte[] bytes, int offset, int length) {
    Checksum checksum = codec.newChecksum();
    checksum.update(bytes, offset, length);
    return (int) checksum.getValue();
  }

  private static void readFully(SeekableByteChannel channel, ByteBuffer into, String segment) throws IOException {
    while (into.hasRemaining()) {
      if (channel.read(into) < 0) {
        throw new CorruptSegmentException(Reason.TRUNCATED, segment,
            "the frame shrank while it was read: " + into.remaining() + " bytes are missing");
      }
    }
  }

  private static int intAt(byte[] b, int at) {
    return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
  }

  private static long longAt(byte[] b, int at) {
    return (intAt(b, at) & 0xFFFF_FFFFL) | (long) intAt(b, at + 4) << 32;
  }

  private static CorruptSegmentException corrupt(Reason reason, @Nullable String segment, String detail,
      Throwable cause) {
    CorruptSegmentException e = new CorruptSegmentException(reason, segment, detail);
    e.initCause(cause);
    return e;
  }

  private static String hex(byte[] b, int length) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < length; i++) {
      out.append(i == 0 ? "" : " ").append(String.format("%02x", b[i] & 0xFF));
    }
    return length == 0 ? "(nothing)" : out.toString();
  }

  private static String printable(String name) {
    StringBuilder out = new StringBuilder();
    name.codePoints().limit(80).forEach(cp -> {
      if (Character.isISOControl(cp)) {
        out.append(String.format("\\u%04x", cp));
      } else {
        out.appendCodePoint(cp);
      }
    });
    return name.codePointCount(0, name.length()) > 80 ? out + "..." : out.toString();
  }

  @Override
  public String toString() {
    return "SpillFrames{version=" + version + ", codec=" + codec.name() + "}";
  }
}
