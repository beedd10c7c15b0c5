package io.spillway.compress;

import static io.spillway.compress.Frames.compressionId;
import static io.spillway.compress.Frames.concat;
import static io.spillway.compress.Frames.json;
import static io.spillway.compress.Frames.random;
import static io.spillway.compress.Frames.writer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.CorruptSegmentException;
import io.spillway.api.CorruptSegmentException.Reason;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.api.spi.ByteArrayReadChannel;
import io.spillway.core.CompressionCodecs;
import io.spillway.core.EncodedFrame;
import io.spillway.core.SpillFrames;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Compressed v3 frames through the frame API: round trips, the choice of {@code auto}, configuration errors. */
class CompressedFramesTest {

  @ParameterizedTest
  @ValueSource(strings = {"none", "lz4", "zstd", "auto"})
  void encodeDecode_everyCompression_roundTripsThroughArrayChannelAndStaticDecode(String compression)
      throws IOException {
    SpillFrames frames = writer(compression);
    for (byte[] payload : new byte[][] {new byte[0], new byte[] {7}, json(100, 1), json(5000, 2),
        json(1 << 20, 3), random(70_000, 4), new byte[4 << 20]}) {
      byte[] frame = concat(frames.encode("seg", payload));

      assertThat(frames.decode("seg", frame)).isEqualTo(payload);
      assertThat(frames.decode("seg", new ByteArrayReadChannel(frame))).isEqualTo(payload);
      assertThat(SpillFrames.decode(frame)).isEqualTo(payload);
      assertThat(concat(frames.encode("seg", payload, 99))).satisfies(
          sized -> assertThat(frames.decode("seg", new ByteArrayReadChannel(sized))).isEqualTo(payload));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"lz4", "zstd", "auto"})
  void encode_compressiblePayload_storesCompressedUnderTheCodecsId(String compression) {
    byte[] payload = json(1 << 20, 5);
    byte[] frame = concat(writer(compression).encode("seg", payload));

    int expectedId = compression.equals("zstd") ? ZstdCodecProvider.ID : Lz4CodecProvider.ID;
    assertThat(compressionId(frame)).isEqualTo(expectedId);
    assertThat(frame.length).isLessThan(payload.length / 2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"lz4", "zstd", "auto"})
  void encode_randomPayload_storesItUncompressedByteForByteAsNone(String compression) {
    byte[] payload = random(256 * 1024, 6);
    byte[] none = concat(writer("none").encode("seg", payload));

    assertThat(concat(writer(compression).encode("seg", payload))).isEqualTo(none);
    assertThat(compressionId(none)).isZero();
  }

  @Test
  void encode_auto_leavesShortPayloadsAndPayloadsWithAnIncompressibleSampleUncompressed() {
    SpillFrames auto = writer("auto");
    byte[] shortText = json(4095, 7);
    // Compressible in the whole, but every sampled slice (start, thirds, end) is random: the sample decides.
    byte[] mostlyRandom = random(1 << 20, 8);
    byte[] zeros = new byte[1 << 20];
    for (int i = 0; i < 4; i++) {
      int from = (int) ((long) (mostlyRandom.length - 4096) * i / 3);
      System.arraycopy(mostlyRandom, from, zeros, from, 4096);
    }

    assertThat(compressionId(concat(auto.encode("s", shortText)))).isZero();
    assertThat(compressionId(concat(writer("lz4").encode("s", shortText)))).isEqualTo(Lz4CodecProvider.ID);
    assertThat(compressionId(concat(auto.encode("s", zeros)))).isZero();
    assertThat(compressionId(concat(writer("lz4").encode("s", zeros)))).isEqualTo(Lz4CodecProvider.ID);
  }

  @Test
  void encode_auto_compressesOnlyWhileTheStoreIsSlowerThanCompressing() {
    SpillFrames auto = writer("auto");
    byte[] text = json(1 << 20, 11);
    assertThat(compressionId(concat(auto.encode("s", text)))).as("nothing measured yet")
        .isEqualTo(Lz4CodecProvider.ID);

    for (int i = 0; i < 40; i++) {
      auto.storeWriteTook(1 << 20, 1 << 20, 1); // a store that takes a MiB in a nanosecond: no compression can pay
    }
    assertThat(compressionId(concat(auto.encode("s", text)))).as("a store far faster than LZ4").isZero();

    for (int i = 0; i < 40; i++) {
      auto.storeWriteTook(1 << 20, 1 << 20, 1_000_000_000L); // a MiB a second
    }
    assertThat(compressionId(concat(auto.encode("s", text)))).as("a slow store").isEqualTo(Lz4CodecProvider.ID);
    SpillFrames lz4 = writer("lz4");
    lz4.storeWriteTook(1 << 20, 1 << 20, 1);
    assertThat(compressionId(concat(lz4.encode("s", text)))).as("a codec named compresses whatever the store")
        .isEqualTo(Lz4CodecProvider.ID);
  }

  @Test
  void encode_auto_compressesForAStoreFastToWriteButSlowToReadBack() {
    SpillFrames auto = writer("auto");
    byte[] text = json(1 << 20, 11);
    for (int i = 0; i < 40; i++) {
      auto.storeWriteTook(1 << 20, 1 << 20, 1); // writes cost nothing: alone they would never make compressing pay
    }
    assertThat(compressionId(concat(auto.encode("s", text)))).as("reads taken to cost what writes do").isZero();

    for (int i = 0; i < 40; i++) {
      auto.reloadTook(1 << 20, 1 << 20, 1_000_000_000L); // but reading a MiB back takes a second
    }
    assertThat(compressionId(concat(auto.encode("s", text)))).as("the reload it is written for")
        .isEqualTo(Lz4CodecProvider.ID);

    for (int i = 0; i < 40; i++) {
      auto.reloadTook(1 << 20, 1 << 20, 1); // reads as fast as writes again
    }
    assertThat(compressionId(concat(auto.encode("s", text)))).isZero();
  }

  @Test
  void encode_compressed_frameLengthStaysAnUpperBound() {
    SpillFrames zstd = writer("zstd");
    byte[] payload = json(300_000, 9);
    assertThat((long) concat(zstd.encode("seg", payload)).length)
        .isLessThan(zstd.frameLength("seg", payload.length));
  }

  @Test
  void decode_unknownCompressionId_isUnsupportedEncoding() {
    byte[] frame = concat(writer("lz4").encode("seg", json(10_000, 10)));
    // Id 9 names nothing; the header checksum is recomputed so that only the id is wrong.
    frame[7] = 9;
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(frame, 0, 18 + 3);
    java.nio.ByteBuffer.wrap(frame, 21, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue());

    assertThatThrownBy(() -> SpillFrames.decode(frame))
        .isInstanceOfSatisfying(CorruptSegmentException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_ENCODING))
        .hasMessageContaining("compression id 9");
  }

  @Test
  void decode_compressedFrameWithoutTheCodecOnTheClassPath_isUnsupportedEncoding() {
    byte[] frame = concat(writer("zstd").encode("seg", json(10_000, 11)));
    SpillFrames blind = SpillFrames.create(SpillConfig.builder().compression("none").build(),
        io.spillway.core.ChecksumCodecs.load(), CompressionCodecs.load(new ClassLoader(null) {},
            SpillConfig.defaults()));

    assertThatThrownBy(() -> blind.decode("seg", frame))
        .isInstanceOfSatisfying(CorruptSegmentException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_ENCODING))
        .hasMessageContaining("compression id 2");
  }

  @Test
  void create_unknownCompression_failsListingTheAvailableOnes() {
    assertThatThrownBy(() -> writer("brotli"))
        .isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining("'brotli'")
        .hasMessageContaining("none, auto, lz4, zstd");
  }

  @Test
  void create_autoWithoutLz4_storesEverythingUncompressed() {
    SpillFrames auto = SpillFrames.create(SpillConfig.builder().compression("auto").build(),
        io.spillway.core.ChecksumCodecs.load(),
        CompressionCodecs.load(new ClassLoader(null) {}, SpillConfig.defaults()));
    byte[] payload = json(1 << 20, 12);

    assertThat(compressionId(concat(auto.encode("s", payload)))).isZero();
    assertThat(auto.compression()).isEqualTo("auto");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "23", "-1", "fast", ""})
  void create_zstdLevelOutOfRangeOrMalformed_failsNamingTheOption(String level) {
    SpillConfig config = SpillConfig.builder().compression("zstd").option("zstd.level", level).build();

    assertThatThrownBy(() -> SpillFrames.create(config))
        .isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining("zstd.level")
        .hasMessageContaining("1")
        .hasMessageContaining("22");
  }

  @Test
  void create_zstdLevels_higherLevelIsNoLargerAndBothReadBack() {
    byte[] payload = json(1 << 20, 13);
    byte[] fast = concat(SpillFrames.create(SpillConfig.builder().compression("zstd").option("zstd.level", "1")
        .build()).encode("s", payload));
    byte[] small = concat(SpillFrames.create(SpillConfig.builder().compression("zstd").option("zstd.level", "19")
        .build()).encode("s", payload));

    assertThat(small.length).isLessThan(fast.length);
    assertThat(SpillFrames.decode(fast)).isEqualTo(payload);
    assertThat(SpillFrames.decode(small)).isEqualTo(payload);
  }

  @Test
  void defaults_compressionIsNone() {
    assertThat(SpillConfig.defaults().compression()).isEqualTo("none");
    assertThat(SpillFrames.create(SpillConfig.defaults()).compression()).isEqualTo("none");
  }

  @Test
  void build_compressionWithFrameVersion2_isRefusedButTheDefaultWritesPlainV2() {
    assertThatThrownBy(() -> SpillConfig.builder().frameVersion(2).compression("lz4").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("frame version 3");
    SpillFrames v2 = SpillFrames.create(SpillConfig.builder().frameVersion(2).build());
    byte[] payload = json(100_000, 14);
    byte[] frame = concat(v2.encode("s", payload));

    assertThat(frame[4]).isEqualTo((byte) 2);
    assertThat(frame.length).isEqualTo(17 + payload.length);
    assertThat(v2.compression()).isEqualTo("none");
  }

  @Test
  void header_compressedFrame_reportsTheStoredLength() throws IOException {
    SpillFrames lz4 = writer("lz4");
    byte[] payload = json(200_000, 15);
    byte[] frame = concat(lz4.encode("seg", payload, payload.length));

    var header = lz4.header("seg", new ByteArrayReadChannel(frame));
    assertThat(header.payloadLength()).isEqualTo(frame.length - 26 - 3 - 8);
    assertThat(header.registeredSize()).hasValue(payload.length);
    assertThat(Arrays.equals(lz4.decode("seg", frame), payload)).isTrue();
  }

  @Test
  void encodeFrameSmallest_compressesWhatAutosSampleDeclines_andIsNullForOtherSettings() {
    byte[] sly = Frames.sampledSlicesRandom(1 << 20, 5);
    SpillFrames auto = writer("auto");

    byte[] first = concat(auto.encodeFrame("s", sly, OptionalLong.empty()).buffers());
    EncodedFrame smallest = auto.encodeFrameSmallest("s", sly, OptionalLong.empty());

    assertThat(compressionId(first)).as("the sample sees random bytes").isZero();
    assertThat(smallest).isNotNull();
    byte[] small = concat(smallest.buffers());
    assertThat(compressionId(small)).isEqualTo(Lz4CodecProvider.ID);
    assertThat(small.length).isLessThan(sly.length / 10);
    assertThat(auto.decode("s", small)).isEqualTo(sly);
    // Random bytes cannot be made smaller: the frame stays as it is, uncompressed.
    byte[] noise = random(1 << 16, 6);
    assertThat(compressionId(concat(Objects.requireNonNull(auto.encodeFrameSmallest("n", noise,
        OptionalLong.empty())).buffers()))).isZero();
    for (String other : new String[] {"none", "lz4", "zstd"}) {
      assertThat(writer(other).encodeFrameSmallest("s", sly, OptionalLong.empty())).as(other).isNull();
    }
  }
}
