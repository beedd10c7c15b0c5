package io.spillway.compress;

import static io.spillway.compress.Frames.concat;
import static io.spillway.compress.Frames.json;
import static io.spillway.compress.Frames.payloadStart;
import static io.spillway.compress.Frames.withExpandedLength;
import static io.spillway.compress.Frames.withPayloadChecksum;
import static io.spillway.compress.Frames.writer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.CorruptSegmentException;
import io.spillway.api.CorruptSegmentException.Reason;
import io.spillway.api.spi.ByteArrayReadChannel;
import io.spillway.core.SpillFrames;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The decoder's promise for compressed frames: exactly the payload that was framed, or a
 * {@link CorruptSegmentException} &mdash; never another exception, never other bytes, and never an allocation for a
 * declared length its compressed bytes cannot stand for.
 */
class CompressedFramesFuzzTest {

  /** A short payload that both codecs shrink: a 7-byte cycle. */
  private static byte[] pattern(int length) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) ('a' + i % 7);
    }
    return bytes;
  }

  /** Decodes through both paths; either the payload or CorruptSegmentException, and both paths agree. */
  private static void decodesToPayloadOrCorrupt(SpillFrames frames, byte[] frame, byte[] payload) {
    Object fromArray = outcome(() -> frames.decode("seg", frame));
    Object fromChannel = outcome(() -> frames.decode("seg", new ByteArrayReadChannel(frame)));
    for (Object outcome : new Object[] {fromArray, fromChannel}) {
      if (outcome instanceof byte[]) {
        assertThat((byte[]) outcome).as("bytes handed back").isEqualTo(payload);
      } else {
        assertThat(outcome).isInstanceOf(CorruptSegmentException.class);
      }
    }
  }

  private interface Decode {
    byte[] run() throws Exception;
  }

  private static Object outcome(Decode decode) {
    try {
      return decode.run();
    } catch (CorruptSegmentException e) {
      return e;
    } catch (Throwable t) {
      throw new AssertionError("decoding threw " + t + ", not CorruptSegmentException", t);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"lz4", "zstd"})
  void decode_everyBitFlipOfSmallCompressedFrames_isCorruptSegmentException(String compression) {
    SpillFrames frames = writer(compression);
    for (int length : new int[] {48, 100, 300}) {
      byte[] payload = pattern(length);
      byte[] frame = concat(frames.encode("seg", payload));
      assertThat(Frames.compressionId(frame)).as("compressed at %d bytes", length).isNotZero();
      for (int bit = 0; bit < frame.length * 8; bit++) {
        byte[] flipped = frame.clone();
        flipped[bit / 8] ^= (byte) (1 << (bit % 8));
        int at = bit;
        assertThatThrownBy(() -> frames.decode("seg", flipped)).as("bit %d", at)
            .isInstanceOf(CorruptSegmentException.class);
        assertThatThrownBy(() -> frames.decode("seg", new ByteArrayReadChannel(flipped))).as("bit %d", at)
            .isInstanceOf(CorruptSegmentException.class);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"lz4", "zstd"})
  void decode_everyTruncationOfSmallCompressedFrames_isCorruptSegmentException(String compression) {
    SpillFrames frames = writer(compression);
    for (int length : new int[] {48, 100, 300}) {
      byte[] frame = concat(frames.encode("seg", pattern(length)));
      assertThat(Frames.compressionId(frame)).isNotZero();
      for (int keep = 0; keep < frame.length; keep++) {
        byte[] cut = Arrays.copyOf(frame, keep);
        int at = keep;
        assertThatThrownBy(() -> frames.decode("seg", cut)).as("first %d bytes", at)
            .isInstanceOf(CorruptSegmentException.class);
        assertThatThrownBy(() -> frames.decode("seg", new ByteArrayReadChannel(cut))).as("first %d bytes", at)
            .isInstanceOf(CorruptSegmentException.class);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"lz4", "zstd"})
  void decode_hugeDeclaredLengths_refusedBeforeAllocatingAnything(String compression) {
    SpillFrames frames = writer(compression);
    byte[] frame = concat(frames.encode("seg", json(2000, 1)));
    // 4 GiB - 1 and 2 GiB exceed any array; 1 GiB from a few hundred compressed bytes exceeds the codec's expansion
    // bound. Allocating any of them would fail with OutOfMemoryError in this test's heap or take seconds.
    for (long declared : new long[] {0xFFFF_FFFFL, 1L << 31, 1L << 30, SpillFrames.MAX_PAYLOAD_LENGTH}) {
      byte[] lying = withExpandedLength(frame, declared);
      assertThatThrownBy(() -> frames.decode("seg", lying))
          .isInstanceOfSatisfying(CorruptSegmentException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.LENGTH_OVERFLOW));
      assertThatThrownBy(() -> frames.decode("seg", new ByteArrayReadChannel(lying)))
          .isInstanceOfSatisfying(CorruptSegmentException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.LENGTH_OVERFLOW));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"lz4", "zstd"})
  void decode_declaredLengthSlightlyOff_isDecompressionFailed(String compression) {
    SpillFrames frames = writer(compression);
    byte[] payload = json(2000, 2);
    byte[] frame = concat(frames.encode("seg", payload));
    for (long declared : new long[] {0, 1, payload.length - 1, payload.length + 1, payload.length * 2L}) {
      byte[] lying = withExpandedLength(frame, declared);
      assertThatThrownBy(() -> frames.decode("seg", lying)).as("declared %d", declared)
          .isInstanceOfSatisfying(CorruptSegmentException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.DECOMPRESSION_FAILED));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"lz4", "zstd"})
  void decode_compressedBytesForgedWithAValidChecksum_onlyCorruptOrBytesOfTheDeclaredLength(String compression) {
    // A writer that forges the checksum gets altered bytes past verification, and they may well stand for another
    // payload (no decoder can tell): what must hold is that the codec and the exact-length check either reject them
    // with CorruptSegmentException or hand back exactly the declared number of bytes, never another exception.
    SpillFrames frames = writer(compression);
    byte[] payload = pattern(300);
    byte[] frame = concat(frames.encode("seg", payload));
    assertThat(Frames.compressionId(frame)).isNotZero();
    int from = payloadStart(frame) + 4;
    int rejected = 0;
    for (int bit = from * 8; bit < (frame.length - 4) * 8; bit++) {
      byte[] forged = frame.clone();
      forged[bit / 8] ^= (byte) (1 << (bit % 8));
      byte[] signed = withPayloadChecksum(forged);
      for (Object outcome : new Object[] {outcome(() -> frames.decode("seg", signed)),
          outcome(() -> frames.decode("seg", new ByteArrayReadChannel(signed)))}) {
        if (outcome instanceof byte[]) {
          assertThat((byte[]) outcome).hasSize(payload.length);
        } else {
          rejected++;
        }
      }
    }
    assertThat(rejected).as("forgeries the codec or the length check caught").isPositive();
  }

  @Provide
  Arbitrary<String> codecs() {
    return Arbitraries.of("lz4", "zstd");
  }

  @Property(tries = 300)
  void decode_forgedLength_onlyPayloadOrCorrupt(@ForAll("codecs") String compression,
      @ForAll @IntRange(min = 1000, max = 5000) int length, @ForAll long seed,
      @ForAll @LongRange(min = 0, max = 0xFFFF_FFFFL) long declared) {
    SpillFrames frames = writer(compression);
    byte[] payload = json(length, seed);
    byte[] frame = concat(frames.encode("seg", payload));
    // A plain payload with a forged checksum is simply other bytes: only compressed frames are in question here.
    Assume.that(Frames.compressionId(frame) != 0);
    // Half the tries declare a length near the true one, where the codec itself must notice.
    long near = Math.max(0, payload.length + Math.floorMod(declared, 9) - 4);
    long claim = (declared & 1) == 0 ? declared : near;
    decodesToPayloadOrCorrupt(frames, withExpandedLength(frame, claim), payload);
  }

  @Property(tries = 300)
  void decode_arbitraryDamage_onlyPayloadOrCorrupt(@ForAll("codecs") String compression,
      @ForAll @IntRange(min = 5, max = 3000) int length, @ForAll long seed, @ForAll int at, @ForAll byte value,
      @ForAll @IntRange(min = 0, max = 64) int cut) {
    SpillFrames frames = writer(compression);
    byte[] payload = json(length, seed);
    byte[] frame = concat(frames.encode("seg", payload));
    byte[] damaged = Arrays.copyOf(frame, Math.max(0, frame.length - cut));
    if (damaged.length > 0) {
      damaged[Math.floorMod(at, damaged.length)] = value;
    }
    decodesToPayloadOrCorrupt(frames, damaged, payload);
  }
}
