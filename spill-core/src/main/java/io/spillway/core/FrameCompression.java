package io.spillway.core;

import static io.spillway.core.FrameBytes.corrupt;
import static io.spillway.core.FrameBytes.intAt;

import io.spillway.api.CorruptSegmentException;
import io.spillway.api.CorruptSegmentException.Reason;
import io.spillway.api.SpillConfigurationException;
import io.spillway.api.spi.CompressionCodec;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compression step of v3 frames: which codec, if any, a payload is stored with ({@link #compress}), and the
 * checked expansion of a stored payload whose checksum has been verified ({@link #expand}). The rules are stated in
 * {@link SpillFrames}' class description. Thread-safe.
 */
final class FrameCompression {
  /** Bytes of the expanded length in front of the compressed bytes of a compressed payload. */
  static final int LENGTH_PREFIX = 4;
  /** {@code auto} stores payloads shorter than this, {@value} bytes, as they are. */
  static final int AUTO_MIN_LENGTH = 4096;
  /** {@code auto} samples this many slices of a payload, spread evenly from its start to its end: {@value}. */
  static final int SAMPLE_SLICES = 4;
  /** Length of one sample slice, {@value} bytes. */
  static final int SAMPLE_SLICE = 4096;
  /** {@code auto} compresses a payload only if its sample compresses to at most this fraction: {@value}. */
  static final double SAMPLE_THRESHOLD = 0.8;
  /** The codec {@code auto} uses: {@value}, the fastest. */
  static final String AUTO_CODEC = "lz4";

  private static final Logger LOG = LoggerFactory.getLogger(FrameCompression.class);
  /** The usual causes of a codec's {@link LinkageError}, for the messages that report one. */
  private static final String WHY_A_CODEC_CANNOT_RUN = "its native library did not load, say: native access refused"
      + " on JDK 24+ (--enable-native-access), or a java.io.tmpdir it cannot be unpacked into and loaded from";

  /** A payload as stored: {@code body[0, length)} is the 4-byte expanded length, then the compressed bytes. */
  record Compressed(CompressionCodec codec, byte[] body, int length) {}

  private final String setting;
  private final boolean auto;
  /** The codec new payloads are tried with: null for {@code none}, and for {@code auto} without {@code lz4}. */
  private final @Nullable CompressionCodec writer;
  /** For {@code auto}: what compressing and storing have cost so far. */
  private final CompressionCost cost = new CompressionCost();
  /**
   * Set when {@link #writer} threw a {@link LinkageError} (its native library cannot load in this JVM, say): it
   * cannot work again in this JVM, so it is not tried again, and the warning is logged once.
   */
  private final AtomicBoolean writerCannotRun = new AtomicBoolean();

  private FrameCompression(String setting, boolean auto, @Nullable CompressionCodec writer) {
    this.setting = setting;
    this.auto = auto;
    this.writer = writer;
  }

  /** Tells {@code auto} that writing a frame of {@code storedBytes} for {@code payloadBytes} took {@code nanos}. */
  void stored(long storedBytes, long payloadBytes, long nanos) {
    if (auto) {
      cost.stored(storedBytes, payloadBytes, nanos);
    }
  }

  /** Tells {@code auto} that expanding a verified payload to {@code bytes} took {@code nanos}. */
  void expanded(long bytes, long nanos) {
    if (auto) {
      cost.expanded(bytes, nanos);
    }
  }

  /**
   * Tells {@code auto} that reloading a frame of {@code storedBytes}, decoded to {@code payloadBytes}, took
   * {@code nanos}.
   */
  void reloaded(long storedBytes, long payloadBytes, long nanos) {
    if (auto) {
      cost.reloaded(storedBytes, payloadBytes, nanos);
    }
  }

  /**
   * The step for {@link io.spillway.api.SpillConfig#compression()} {@code setting}.
   *
   * @throws SpillConfigurationException if {@code setting} names no codec in {@code codecs}
   */
  static FrameCompression of(String setting, CompressionCodecs codecs) {
    switch (setting) {
      case CompressionCodecs.NONE:
        return new FrameCompression(setting, false, null);
      case CompressionCodecs.AUTO:
        if (!codecs.has(AUTO_CODEC)) {
          LOG.debug("Compression 'auto' stores payloads uncompressed: no '{}' codec on the class path (add "
              + "io.spillway:spill-compress)", AUTO_CODEC);
          return new FrameCompression(setting, true, null);
        }
        return new FrameCompression(setting, true, codecs.byName(AUTO_CODEC));
      default:
        return new FrameCompression(setting, false, codecs.byName(setting));
    }
  }

  /** The setting this step was made for: {@code none}, {@code auto} or a codec's name. */
  String setting() {
    return setting;
  }

  /**
   * The stored form of {@code payload}, or null to store it as it is (compression id 0): always for {@code none};
   * for {@code auto} unless the payload passes the sample test; and whenever compressing fails or does not make the
   * stored payload (length prefix included) shorter than the payload. A codec that cannot run in this JVM (a
   * {@link LinkageError}) is logged once and not tried again.
   *
   * @param bytesFirst for {@code auto}: skip the sample test and compress the whole payload, whatever the time (for a
   *     frame that must fit under a store quota)
   */
  @Nullable Compressed compress(byte[] payload, boolean bytesFirst) {
    CompressionCodec codec = writer;
    int n = payload.length;
    if (codec == null || n <= LENGTH_PREFIX || writerCannotRun.get()) {
      return null;
    }
    try {
      if (auto && !bytesFirst && !samplePays(codec, payload, cost)) {
        return null;
      }
      byte[] body = new byte[LENGTH_PREFIX + codec.maxCompressedLength(n)];
      long start = System.nanoTime();
      int written = codec.compress(payload, 0, n, body, LENGTH_PREFIX);
      cost.compressed(n, System.nanoTime() - start);
      int length = LENGTH_PREFIX + written;
      if (written < 0 || length >= n) {
        return null;
      }
      body[0] = (byte) n;
      body[1] = (byte) (n >>> 8);
      body[2] = (byte) (n >>> 16);
      body[3] = (byte) (n >>> 24);
      return new Compressed(codec, body, length);
    } catch (RuntimeException e) {
      LOG.warn("Compression codec '{}' failed on a payload of {} bytes; stored uncompressed: {}", codec.name(), n,
          e.toString(), e);
      return null;
    } catch (LinkageError e) {
      if (writerCannotRun.compareAndSet(false, true)) {
        LOG.warn("Compression codec '{}' cannot run in this JVM ({}); new payloads are stored uncompressed: {}",
            codec.name(), WHY_A_CODEC_CANNOT_RUN, e.toString(), e);
      }
      return null;
    }
  }

  /**
   * {@code auto}'s test: a payload of at least {@value #AUTO_MIN_LENGTH} bytes whose sample &mdash;
   * {@value #SAMPLE_SLICES} slices of {@value #SAMPLE_SLICE} bytes spread evenly over it, or all of it when it is no
   * longer than those together &mdash; compresses to at most {@value #SAMPLE_THRESHOLD} of its length, and by
   * {@code cost}'s rule at that share ({@link CompressionCost}). The sample's own time is one of {@code cost}'s
   * measurements.
   */
  static boolean samplePays(CompressionCodec codec, byte[] payload, CompressionCost cost) {
    int n = payload.length;
    if (n < AUTO_MIN_LENGTH) {
      return false;
    }
    int slice = Math.min(SAMPLE_SLICE, n);
    int slices = n <= SAMPLE_SLICES * SAMPLE_SLICE ? 1 : SAMPLE_SLICES;
    if (slices == 1) {
      slice = n;
    }
    long sampled = 0;
    long compressed = 0;
    long start = System.nanoTime();
    try {
      byte[] scratch = new byte[codec.maxCompressedLength(slice)];
      for (int i = 0; i < slices; i++) {
        int from = slices == 1 ? 0 : (int) ((long) (n - slice) * i / (slices - 1));
        compressed += codec.compress(payload, from, slice, scratch, 0);
        sampled += slice;
      }
    } catch (RuntimeException e) {
      return false;
    }
    cost.compressed(sampled, System.nanoTime() - start);
    double ratio = (double) compressed / sampled;
    return ratio <= SAMPLE_THRESHOLD && cost.pays(ratio);
  }

  /**
   * The payload a verified compressed body {@code src[offset, offset + length)} stands for. The declared expanded
   * length is checked before anything is allocated: against {@link SpillFrames#MAX_PAYLOAD_LENGTH}, against the
   * codec's {@link CompressionCodec#maxExpansion()} times the compressed length, and against
   * {@link CompressionCodec#contentLength} where the codec's format says it; the codec must then write exactly that
   * many bytes.
   *
   * @throws CorruptSegmentException {@link Reason#LENGTH_OVERFLOW} for a declared length out of those bounds,
   *     {@link Reason#DECOMPRESSION_FAILED} if the codec fails or writes another number of bytes,
   *     {@link Reason#UNSUPPORTED_ENCODING} if the codec cannot run in this JVM (a {@link LinkageError}: its native
   *     library does not load, say), which says nothing against the frame
   */
  static byte[] expand(CompressionCodec codec, byte[] src, int offset, int length, @Nullable String segment) {
    long declared = intAt(src, offset) & 0xFFFF_FFFFL;
    int compressedLength = length - LENGTH_PREFIX;
    if (declared > SpillFrames.MAX_PAYLOAD_LENGTH) {
      throw new CorruptSegmentException(Reason.LENGTH_OVERFLOW, segment, "the compressed payload declares "
          + declared + " bytes expanded, above the limit of " + SpillFrames.MAX_PAYLOAD_LENGTH);
    }
    long bound = Math.min(SpillFrames.MAX_PAYLOAD_LENGTH, (long) compressedLength * codec.maxExpansion());
    if (declared > bound) {
      throw new CorruptSegmentException(Reason.LENGTH_OVERFLOW, segment, "the compressed payload declares "
          + declared + " bytes expanded from " + compressedLength + " '" + codec.name() + "' bytes, more than its"
          + " largest expansion (" + codec.maxExpansion() + "x) allows");
    }
    long own;
    try {
      own = codec.contentLength(src, offset + LENGTH_PREFIX, compressedLength);
    } catch (RuntimeException e) {
      throw corrupt(Reason.DECOMPRESSION_FAILED, segment, "codec '" + codec.name() + "' cannot read its header: " + e,
          e);
    } catch (LinkageError e) {
      throw cannotRun(codec, segment, e);
    }
    if (own >= 0 && own != declared) {
      throw new CorruptSegmentException(Reason.DECOMPRESSION_FAILED, segment, "the compressed payload declares "
          + declared + " bytes expanded, but its '" + codec.name() + "' data says " + own);
    }
    byte[] out = new byte[(int) declared];
    int written;
    try {
      written = codec.decompress(src, offset + LENGTH_PREFIX, compressedLength, out, 0, out.length);
    } catch (RuntimeException e) {
      throw corrupt(Reason.DECOMPRESSION_FAILED, segment, "codec '" + codec.name() + "' failed to expand "
          + compressedLength + " bytes to the declared " + declared + ": " + e, e);
    } catch (LinkageError e) {
      throw cannotRun(codec, segment, e);
    }
    if (written != declared) {
      throw new CorruptSegmentException(Reason.DECOMPRESSION_FAILED, segment, "codec '" + codec.name()
          + "' expanded " + compressedLength + " bytes to " + written + ", not the declared " + declared);
    }
    return out;
  }

  /** The frame passed its checksum, but the codec it names cannot run here: as for a codec not on the class path. */
  private static CorruptSegmentException cannotRun(CompressionCodec codec, @Nullable String segment, LinkageError e) {
    return corrupt(Reason.UNSUPPORTED_ENCODING, segment, "compression codec '" + codec.name() + "' cannot run in this"
        + " JVM (" + WHY_A_CODEC_CANNOT_RUN + "); the frame passed its checksum and was not expanded: " + e, e);
  }

  @Override
  public String toString() {
    return setting;
  }
}
