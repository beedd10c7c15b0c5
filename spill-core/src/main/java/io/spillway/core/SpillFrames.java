package io.spillway.core;

import static io.spillway.core.FrameBytes.compute;
import static io.spillway.core.FrameBytes.corrupt;
import static io.spillway.core.FrameBytes.intAt;
import static io.spillway.core.FrameBytes.readFully;
import static io.spillway.core.FrameBytes.verify;
import static io.spillway.core.FrameParser.CHECKSUM_LENGTH;
import static io.spillway.core.FrameParser.LEGACY_HEADER_LENGTH;
import static io.spillway.core.FrameParser.MAGIC;
import static io.spillway.core.FrameParser.NO_SIZE;
import static io.spillway.core.FrameParser.REGISTERED_SIZE_LENGTH;
import static io.spillway.core.FrameParser.V3_OVERHEAD;
import static io.spillway.core.FrameParser.checkTotal;
import static io.spillway.core.FrameParser.parseHeader;

import io.spillway.api.CorruptSegmentException;
import io.spillway.api.CorruptSegmentException.Reason;
import io.spillway.api.SegmentNames;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.api.spi.ChecksumCodec;
import io.spillway.api.spi.CompressionCodec;
import io.spillway.core.FrameBytes.ArrayPrefix;
import io.spillway.core.FrameBytes.ChannelPrefix;
import io.spillway.core.FrameParser.CodecLookup;
import io.spillway.core.FrameParser.CompressionLookup;
import io.spillway.core.FrameParser.Header;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
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
 * <tr><td>5</td><td>1</td><td>flags</td><td>bit 0 ({@code 0x01}): registered size, see below; bit 1
 *     ({@code 0x02}): encrypted, see below; every other bit must be 0, and a frame with any of them set is
 *     rejected</td></tr>
 * <tr><td>6</td><td>1</td><td>codec id</td><td>checksum codec of both checksums
 *     ({@link io.spillway.api.spi.ChecksumCodec#id()}: 1 = {@code crc32}, 2 = {@code crc32c}, 3 = {@code fold32},
 *     64&ndash;255 plugins)</td></tr>
 * <tr><td>7</td><td>1</td><td>compression id</td><td>0 = stored as it is; otherwise the
 *     {@link io.spillway.api.spi.CompressionCodec#id()} of the payload's compression (1 = {@code lz4}, 2 =
 *     {@code zstd}, 64&ndash;255 plugins), see below</td></tr>
 * <tr><td>8</td><td>2</td><td>N</td><td>length of the segment name in UTF-8 bytes, 1 to
 *     {@value io.spillway.api.SegmentNames#MAX_LENGTH}</td></tr>
 * <tr><td>10</td><td>8</td><td>L</td><td>stored payload length in bytes, at most {@value #MAX_PAYLOAD_LENGTH}</td></tr>
 * <tr><td>18</td><td>N</td><td>name</td><td>the segment name, well-formed UTF-8</td></tr>
 * <tr><td>18 + N</td><td>S</td><td>registered size</td><td>only with flag {@code 0x01} (S = 8, else S = 0): the
 *     segment's registered size when it was spilled, at most 2<sup>63</sup> &minus; 1</td></tr>
 * <tr><td>18 + N + S</td><td>4</td><td>header checksum</td><td>codec over bytes [0, 18 + N + S)</td></tr>
 * <tr><td>22 + N + S</td><td>L</td><td>payload</td><td>the segment's bytes; compressed (id &ne; 0): a u32 expanded
 *     length U, then L &minus; 4 compressed bytes</td></tr>
 * <tr><td>22 + N + S + L</td><td>4</td><td>payload checksum</td><td>codec over the L stored bytes</td></tr>
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
 * <p><b>Compression</b> ({@link SpillConfig#compression()}): a compressed payload region holds the expanded length
 * U (u32, at most {@value #MAX_PAYLOAD_LENGTH}) and then the codec's bytes; the payload checksum covers both, as
 * stored, and is verified <em>before</em> the codec sees a byte. U is then checked before the payload's array is
 * allocated: at most the codec's {@link io.spillway.api.spi.CompressionCodec#maxExpansion()} times L &minus; 4
 * (255 for {@code lz4}, 32768 for {@code zstd}), equal to the length the codec's own format records where it records
 * one ({@code zstd}'s frame content size), and the codec must write exactly U bytes ({@link Reason#LENGTH_OVERFLOW}
 * and {@link Reason#DECOMPRESSION_FAILED} otherwise). A frame whose compression id no codec here has is
 * {@link Reason#UNSUPPORTED_ENCODING}. A payload is stored compressed only if that makes the stored region shorter
 * than the payload, so {@link #frameLength(String, long)} stays an upper bound; an uncompressed frame (id 0) is byte
 * for byte what this build wrote before compression was defined, and is read without a copy.
 *
 * <p>Which payloads are compressed: with {@code none} (the default), none; with a codec's name, every payload of more
 * than 4 bytes the codec shrinks; with {@code auto}, a payload of at least 4 KiB whose <em>sample</em> &mdash; 4 slices
 * of 4 KiB at its start, its end and evenly between (all of it, up to 16 KiB) &mdash; LZ4 compresses to at most 0.8 of
 * its length, for which compressing pays by the cost measured so far ({@code CompressionCost}: the store's time to
 * write and reload the bytes saved against LZ4's time to compress and expand), and which LZ4 then shrinks as a
 * whole; {@code auto} without an {@code lz4} codec on the class path (spill-compress) stores everything
 * uncompressed. The sample costs one LZ4 pass over at most 16 KiB per payload, so incompressible data is written at
 * nearly full speed. Every compression on the class path is read, whatever this instance writes.
 *
 * <p><b>Encryption</b> ({@link SpillConfig#encryption()} {@code aes-gcm}, flag {@code 0x02}): the stored region is
 * a 12-byte nonce, then what the region would otherwise hold (compressed or not) sealed with AES-256-GCM in chunks of
 * 64 KiB, each its ciphertext and a 16-byte tag (see {@code FrameEncryption}); L and the payload checksum are those
 * of the stored region. Each chunk's associated data are the header bytes [0, 18 + N + S), its index and whether it
 * is the last, so the name, the lengths, the flags, the ids and the order of the chunks are authenticated. After
 * the checksum, a reader with the key opens the region ({@link Reason#AUTHENTICATION_FAILED} if it does not
 * authenticate, or if it is not the frame of the serial the reader expects: {@link EncodedFrame#serial()}); a reader
 * without one refuses it ({@link Reason#UNSUPPORTED_ENCODING}). The key and the nonces are {@code FrameCipher}'s.
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
 * {@link Reason#DECOMPRESSION_FAILED} (a verified compressed payload that does not expand to its declared length),
 * {@link Reason#AUTHENTICATION_FAILED} (an encrypted frame that does not authenticate, or is not the one expected),
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


  private final int version;
  private final ChecksumCodec codec;
  private final ChecksumCodecs codecs;
  private final FrameCompression compression;
  private final CompressionCodecs compressions;
  private final @Nullable FrameEncryption encryption;
  /** Arrays for sealed regions, when encrypting: the writer's and the reader's. */
  private final RegionPool regions = new RegionPool();
  private final V3FrameWriter writer;

  private SpillFrames(int version, ChecksumCodec codec, ChecksumCodecs codecs, FrameCompression compression,
      CompressionCodecs compressions, @Nullable FrameEncryption encryption) {
    this.version = version;
    this.codec = codec;
    this.codecs = codecs;
    this.compression = compression;
    this.compressions = compressions;
    this.encryption = encryption;
    this.writer = new V3FrameWriter(codec, compression, encryption, regions);
  }

  /**
   * The serial of a frame that is not encrypted ({@link EncodedFrame#serial()}), and what a reader passes when it
   * expects no frame in particular.
   */
  public static final long NOT_SEALED = FrameEncryption.ANY_SERIAL;

  /**
   * An instance writing frames of {@link SpillConfig#frameVersion()} with the codec {@link SpillConfig#checksum()}
   * and the compression {@link SpillConfig#compression()} (v2 frames always use {@code crc32} and no compression,
   * and the settings are then ignored), and reading every version with the checksum and compression codecs on the
   * thread's class path.
   *
   * @throws SpillConfigurationException if the checksum codec is unknown, ambiguous or only fit for reading, or the
   *     compression is unknown or ambiguous (the message lists those found), or a codec's own option is malformed
   */
  public static SpillFrames create(SpillConfig config) {
    return create(config, ChecksumCodecs.load());
  }

  /**
   * As {@link #create(SpillConfig)}, with the checksum codecs given.
   *
   * @throws SpillConfigurationException as {@link #create(SpillConfig)}
   */
  public static SpillFrames create(SpillConfig config, ChecksumCodecs codecs) {
    Objects.requireNonNull(config, "config");
    return create(config, codecs, CompressionCodecs.load(config));
  }

  /**
   * As {@link #create(SpillConfig)}, with the checksum and compression codecs given.
   *
   * @throws SpillConfigurationException as {@link #create(SpillConfig)}
   */
  public static SpillFrames create(SpillConfig config, ChecksumCodecs codecs, CompressionCodecs compressions) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(codecs, "codecs");
    Objects.requireNonNull(compressions, "compressions");
    int version = config.frameVersion();
    switch (version) {
      case 2:
        return new SpillFrames(2, FrameParser.CRC32, codecs, FrameCompression.of(CompressionCodecs.NONE, compressions),
            compressions, null);
      case 3:
        return new SpillFrames(3, codecs.forWriting(config.checksum()), codecs,
            FrameCompression.of(config.compression(), compressions), compressions, FrameEncryption.of(config));
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

  /** The compression this instance writes: {@code none} (always for v2), {@code auto} or a codec's name. */
  public String compression() {
    return compression.setting();
  }

  /**
   * Tells this instance that writing a frame of {@code storedBytes} to the store, for a payload of
   * {@code payloadBytes}, took {@code nanos}: what compression {@code auto} weighs its cost against (see
   * {@code CompressionCost}). The manager calls it after each write.
   */
  public void storeWriteTook(long storedBytes, long payloadBytes, long nanos) {
    compression.stored(storedBytes, payloadBytes, nanos);
  }

  /**
   * Tells this instance that reloading a frame of {@code storedBytes} from the store, verified and decoded to
   * {@code payloadBytes}, took {@code nanos}: with {@link #storeWriteTook}, what compression {@code auto} weighs its
   * cost against. The manager calls it after each reload.
   */
  public void reloadTook(long storedBytes, long payloadBytes, long nanos) {
    compression.reloaded(storedBytes, payloadBytes, nanos);
  }

  /** The encryption this instance writes and reads: {@code none} or {@code aes-gcm}. */
  public String encryption() {
    return encryption == null ? "none" : encryption.toString();
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
      header.put(MAGIC).put((byte) 2).putInt(compute(FrameParser.CRC32, payload, 0, payload.length))
          .putLong(payload.length);
      return new ByteBuffer[] {header.flip(), ByteBuffer.wrap(payload).asReadOnlyBuffer()};
    }
    return writer.write(segment, payload, NO_SIZE, false).buffers();
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
    return writer.write(segment, payload, registeredSize, false).buffers();
  }

  /**
   * As {@link #encode(String, byte[])}, or with a registered size as {@link #encode(String, byte[], long)}, also
   * returning the frame's serial when this instance encrypts: the reader that passes it to
   * {@link #decode(String, SeekableByteChannel, long)} accepts that frame only.
   *
   * @throws io.spillway.api.InvalidSegmentNameException if {@code segment} is not a valid name
   * @throws IllegalArgumentException if {@code registeredSize} is negative
   * @throws IllegalStateException if it is present and this instance writes v2 frames
   */
  public EncodedFrame encodeFrame(String segment, byte[] payload, OptionalLong registeredSize) {
    if (version == 2 && registeredSize.isEmpty()) {
      return new EncodedFrame(encode(segment, payload), NOT_SEALED, null, null);
    }
    return encodeChecked(segment, payload, registeredSize, false);
  }

  /**
   * As {@link #encodeFrame}, smallest first: with compression {@code auto}, the whole payload is compressed, whatever
   * its sample said or the time measured so far (it is stored compressed if that makes it shorter). For a frame that
   * did not fit under a store quota as {@code auto} first wrote it.
   *
   * @return the frame, or null unless this instance writes v3 frames with {@code auto} (then {@link #encodeFrame}'s
   *     frame is already the smallest it makes)
   * @throws io.spillway.api.InvalidSegmentNameException if {@code segment} is not a valid name
   * @throws IllegalArgumentException if {@code registeredSize} is negative
   */
  public @Nullable EncodedFrame encodeFrameSmallest(String segment, byte[] payload, OptionalLong registeredSize) {
    boolean auto = version == 3 && compression.setting().equals(CompressionCodecs.AUTO);
    return auto ? encodeChecked(segment, payload, registeredSize, true) : null;
  }

  private EncodedFrame encodeChecked(String segment, byte[] payload, OptionalLong registeredSize,
      boolean bytesFirst) {
    registeredSize.ifPresent(this::requireSizeFits);
    SegmentNames.validate(segment);
    Objects.requireNonNull(payload, "payload");
    return writer.write(segment, payload, registeredSize.orElse(NO_SIZE), bytesFirst);
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
    long plain = V3_OVERHEAD + SegmentNames.toUtf8(segment).length + payloadLength;
    return encryption == null ? plain : plain + FrameEncryption.sealedLength((int) payloadLength) - payloadLength;
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
    Header header = parseHeader(prefix, segment, this::registered, this::compressionById);
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
    return decodeArray(frame, null, FrameParser::builtinOrLoaded, SpillFrames::loadedCompression, null);
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
    return decodeArray(frame, segment, this::registered, this::compressionById, encryption);
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
    return decode(segment, channel, NOT_SEALED);
  }

  /**
   * As {@link #decode(String, SeekableByteChannel)}, accepting an encrypted frame only if it is the one of serial
   * {@code expectedSerial} ({@link EncodedFrame#serial()}), unless that is {@link #NOT_SEALED}: so that an older frame
   * of the segment put back in place of the newer fails with {@link Reason#AUTHENTICATION_FAILED}.
   *
   * @throws CorruptSegmentException naming {@code segment}, as {@link #decode(String, SeekableByteChannel)}
   * @throws IOException if the channel cannot be read
   */
  public byte[] decode(String segment, SeekableByteChannel channel, long expectedSerial) throws IOException {
    Objects.requireNonNull(segment, "segment");
    Objects.requireNonNull(channel, "channel");
    ChannelPrefix prefix = new ChannelPrefix(channel, channel.position());
    Header header = parseHeader(prefix, segment, this::registered, this::compressionById);
    checkTotal(header, prefix.frameLength(), segment);
    boolean sealed = header.sealedWith != null;
    // A sealed region never leaves this method (its plaintext does), so its array comes from the pool.
    byte[] payload = sealed ? regions.take(header.payloadLength) : new byte[header.payloadLength];
    try {
      return readAndVerify(channel, header, payload, segment, expectedSerial);
    } finally {
      if (sealed) {
        regions.give(payload);
      }
    }
  }

  private byte[] readAndVerify(SeekableByteChannel channel, Header header, byte[] payload, String segment,
      long expectedSerial) throws IOException {
    readFully(channel, ByteBuffer.wrap(payload, 0, header.payloadLength), segment);
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
    verify(header.codec, payload, 0, header.payloadLength, stored, "payload", segment);
    // Only now, verified, do the bytes reach the cipher and then a decompressor; a plain payload is handed back as
    // read, uncopied.
    return unseal(encryption, compression, header, payload, 0, header.payloadLength, segment, expectedSerial);
  }

  /**
   * The payload of the verified region at {@code start}: opened with {@code encryption} if sealed (refused without
   * one), then expanded if compressed, the expansion timed for {@code timing} if not null.
   */
  private static byte[] unseal(@Nullable FrameEncryption encryption, @Nullable FrameCompression timing, Header header,
      byte[] region, int start, int length, @Nullable String segment, long expectedSerial) {
    byte[] plain = region;
    int from = start;
    int plainLength = length;
    byte[] sealedWith = header.sealedWith;
    if (sealedWith != null) {
      FrameEncryption opening = encryption;
      if (opening == null) {
        throw new CorruptSegmentException(Reason.UNSUPPORTED_ENCODING, segment, "the frame is encrypted (aes-gcm),"
            + " and this reader holds no key: only the manager that wrote it, or the next owner of its persistent"
            + " session, can read it");
      }
      plain = opening.open(segment, sealedWith, region, start, length, expectedSerial);
      from = 0;
      plainLength = plain.length;
    }
    CompressionCodec compressed = header.compression;
    if (compressed != null) {
      long expandStart = System.nanoTime();
      byte[] expanded = FrameCompression.expand(compressed, plain, from, plainLength, segment);
      if (timing != null) {
        timing.expanded(expanded.length, System.nanoTime() - expandStart);
      }
      return expanded;
    }
    return plain == region && (from != 0 || plainLength != region.length)
        ? Arrays.copyOfRange(region, from, from + plainLength) : plain;
  }

  private CompressionCodec compressionById(int id, @Nullable String segment) {
    return compressionIn(compressions, id, segment);
  }

  private static CompressionCodec loadedCompression(int id, @Nullable String segment) {
    return compressionIn(CompressionCodecs.load(SpillConfig.defaults()), id, segment);
  }

  private static CompressionCodec compressionIn(CompressionCodecs in, int id, @Nullable String segment) {
    try {
      return in.byId(id);
    } catch (SpillConfigurationException e) {
      throw corrupt(Reason.UNSUPPORTED_ENCODING, segment, "compression id " + id + " cannot be used here: "
          + e.getMessage(), e);
    }
  }

  private ChecksumCodec registered(int id, @Nullable String segment) {
    try {
      return codecs.byId(id);
    } catch (SpillConfigurationException e) {
      throw corrupt(Reason.UNSUPPORTED_ENCODING, segment, "checksum codec id " + id + " cannot be used here: "
          + e.getMessage(), e);
    }
  }

  private static byte[] decodeArray(byte[] frame, @Nullable String segment, CodecLookup lookup,
      CompressionLookup compressions, @Nullable FrameEncryption encryption) {
    Header header;
    try {
      header = parseHeader(new ArrayPrefix(frame), segment, lookup, compressions);
    } catch (IOException e) {
      throw new AssertionError("an array prefix does no I/O", e);
    }
    String subject = segment != null ? segment : header.name;
    checkTotal(header, frame.length, subject);
    int start = header.headerLength;
    int stored = header.version == 3 ? intAt(frame, start + header.payloadLength) : header.storedLegacyChecksum;
    verify(header.codec, frame, start, header.payloadLength, stored, "payload", subject);
    return unseal(encryption, null, header, frame, start, header.payloadLength, subject, NOT_SEALED);
  }

  @Override
  public String toString() {
    return "SpillFrames{version=" + version + ", codec=" + codec.name() + ", compression=" + compression
        + ", encryption=" + encryption() + "}";
  }
}
