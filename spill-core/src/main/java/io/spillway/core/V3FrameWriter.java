package io.spillway.core;

import static io.spillway.core.FrameBytes.compute;
import static io.spillway.core.FrameParser.CHECKSUM_LENGTH;
import static io.spillway.core.FrameParser.FLAG_REGISTERED_SIZE;
import static io.spillway.core.FrameParser.MAGIC;
import static io.spillway.core.FrameParser.NO_SIZE;
import static io.spillway.core.FrameParser.REGISTERED_SIZE_LENGTH;
import static io.spillway.core.FrameParser.V3_FIXED_LENGTH;

import io.spillway.api.SegmentNames;
import io.spillway.api.spi.ChecksumCodec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Lays out a v3 frame (see {@link SpillFrames}' format table): the payload compressed if its {@link FrameCompression}
 * says so, sealed if there is a {@link FrameEncryption}, behind a header and before a trailer that carry their
 * checksums. Arguments are checked by {@link SpillFrames}. Internal to the frame format; thread-safe.
 */
final class V3FrameWriter {
  private final ChecksumCodec codec;
  private final FrameCompression compression;
  private final @Nullable FrameEncryption encryption;
  /** Arrays for sealed regions, shared with the reader. */
  private final RegionPool regions;

  V3FrameWriter(ChecksumCodec codec, FrameCompression compression, @Nullable FrameEncryption encryption,
      RegionPool regions) {
    this.codec = codec;
    this.compression = compression;
    this.encryption = encryption;
    this.regions = regions;
  }

  /**
   * The frame of {@code payload} for a valid {@code segment}, with {@code registeredSize} unless it is
   * {@link FrameParser#NO_SIZE}.
   *
   * @param bytesFirst compress the whole payload with {@code auto}, whatever its sample or the cost said
   */
  EncodedFrame write(String segment, byte[] payload, long registeredSize, boolean bytesFirst) {
    FrameCompression.Compressed compressed = compression.compress(payload, bytesFirst);
    byte[] plain = compressed == null ? payload : compressed.body();
    int plainLength = compressed == null ? payload.length : compressed.length();
    FrameEncryption sealing = encryption;
    int stored = sealing == null ? plainLength : FrameEncryption.sealedLength(plainLength);
    byte[] name = SegmentNames.toUtf8(segment);
    boolean sized = registeredSize != NO_SIZE;
    int covered = V3_FIXED_LENGTH + name.length + (sized ? REGISTERED_SIZE_LENGTH : 0);
    int flags = (sized ? FLAG_REGISTERED_SIZE : 0) | (sealing != null ? FrameEncryption.FLAG : 0);
    ByteBuffer header = ByteBuffer.allocate(covered + CHECKSUM_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    header.put(MAGIC).put((byte) 3).put((byte) flags).put((byte) codec.id())
        .put((byte) (compressed == null ? 0 : compressed.codec().id())).putShort((short) name.length)
        .putLong(stored).put(name);
    if (sized) {
      header.putLong(registeredSize);
    }
    header.putInt(compute(codec, header.array(), 0, covered));
    long serial = SpillFrames.NOT_SEALED;
    byte[] region = plain;
    byte[] pooled = null;
    if (sealing != null) {
      pooled = regions.take(stored);
      serial = sealing.seal(Arrays.copyOf(header.array(), covered), plain, 0, plainLength, pooled);
      region = pooled;
    }
    ByteBuffer body = ByteBuffer.wrap(region, 0, stored).asReadOnlyBuffer();
    ByteBuffer trailer = ByteBuffer.allocate(CHECKSUM_LENGTH).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(compute(codec, region, 0, stored));
    return new EncodedFrame(new ByteBuffer[] {header.flip(), body, trailer.flip()}, serial, pooled,
        pooled == null ? null : regions);
  }
}
