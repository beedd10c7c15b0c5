package io.spillway.core;

import static io.spillway.core.TestFrames.DIGITS;
import static io.spillway.core.TestFrames.concat;
import static io.spillway.core.TestFrames.hex;
import static io.spillway.core.TestFrames.legacy;
import static io.spillway.core.TestFrames.v3;
import static io.spillway.core.TestFrames.v3Sized;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.spillway.api.CorruptSegmentException;
import io.spillway.api.CorruptSegmentException.Reason;
import io.spillway.api.SpillConfig;
import io.spillway.core.TestFrames.ByteArrayChannel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The v3 registered-size flag (0x01) and {@link SpillFrames#header}, the header read recovery relies on. */
class SpillFramesRegisteredSizeTest {
  /** Segment "seg/é", payload "123456789", registered size 1000, CRC-32C; checksums computed outside Java. */
  private static final String GOLDEN_SIZED =
      "5350494c 03 01 02 00 0600 0900000000000000 7365672fc3a9 e803000000000000 55ccba8d 313233343536373839 839206e3";
  private static final String SEGMENT = "seg/é";
  private static final byte[] NAME = SEGMENT.getBytes(StandardCharsets.UTF_8);
  /** Where the registered size starts in a frame of {@link #SEGMENT}. */
  private static final int SIZE_AT = 18 + NAME.length;

  private final SpillFrames frames = SpillFrames.create(SpillConfig.builder().build());

  private static CorruptSegmentException corrupt(ThrowingCallable call) {
    CorruptSegmentException e = catchThrowableOfType(CorruptSegmentException.class, call);
    assertThat(e).as("a CorruptSegmentException").isNotNull();
    return e;
  }

  private FrameHeader header(String segment, byte[] frame) throws IOException {
    return frames.header(segment, new ByteArrayChannel(frame, 3));
  }

  private CorruptSegmentException headerFailure(byte[] frame) {
    return corrupt(() -> header(SEGMENT, frame));
  }

  @Test
  void encode_withRegisteredSize_writesTheDocumentedLayout() {
    assertThat(concat(frames.encode(SEGMENT, DIGITS, 1000))).isEqualTo(hex(GOLDEN_SIZED));
    assertThat(concat(frames.encode(SEGMENT, DIGITS, 1000)))
        .isEqualTo(v3Sized(0x01, NAME, DIGITS.length, 1000, DIGITS));
  }

  @Test
  void encode_withoutRegisteredSize_isUnchanged() {
    assertThat(concat(frames.encode(SEGMENT, DIGITS))).isEqualTo(v3(SEGMENT, DIGITS));
  }

  @Test
  void frameLength_withRegisteredSize_isTheEncodedLength() {
    byte[] payload = new byte[777];
    assertThat(frames.frameLength(SEGMENT, payload.length, 5))
        .isEqualTo(concat(frames.encode(SEGMENT, payload, 5)).length)
        .isEqualTo(frames.frameLength(SEGMENT, payload.length) + 8);
  }

  @Test
  void encode_negativeRegisteredSize_isRefused() {
    assertThatThrownBy(() -> frames.encode(SEGMENT, DIGITS, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> frames.frameLength(SEGMENT, 9, -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void encode_registeredSizeInV2_isRefused() {
    SpillFrames v2 = SpillFrames.create(SpillConfig.builder().frameVersion(2).build());
    assertThatThrownBy(() -> v2.encode("s", DIGITS, 9)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("v2");
    assertThatThrownBy(() -> v2.frameLength("s", 9, 9)).isInstanceOf(IllegalStateException.class);
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 9, 1L << 40, Long.MAX_VALUE})
  void decode_sizedFrame_returnsThePayload(long registeredSize) throws Exception {
    byte[] frame = concat(frames.encode(SEGMENT, DIGITS, registeredSize));
    assertThat(SpillFrames.decode(frame)).isEqualTo(DIGITS);
    assertThat(frames.decode(SEGMENT, frame)).isEqualTo(DIGITS);
    assertThat(frames.decode(SEGMENT, new ByteArrayChannel(frame, 5))).isEqualTo(DIGITS);
    assertThat(header(SEGMENT, frame).registeredSize()).hasValue(registeredSize);
  }

  @Test
  void header_sizedFrame_saysWhatTheHeaderHoldsWithoutReadingThePayload() throws Exception {
    byte[] payload = new byte[100_000];
    byte[] frame = concat(frames.encode(SEGMENT, payload, 123_456));
    ByteArrayChannel channel = new ByteArrayChannel(frame, 7);

    FrameHeader header = frames.header(SEGMENT, channel);

    assertThat(header).isEqualTo(new FrameHeader(3, Optional.of(SEGMENT), 100_000, OptionalLong.of(123_456)));
    int headerLength = 30 + NAME.length;
    assertThat(channel.bytesRead()).as("nothing read past the header").isEqualTo(headerLength);
    assertThat(channel.position()).isEqualTo(headerLength);
  }

  @Test
  void header_plainAndLegacyFrames_haveNoRegisteredSize() throws Exception {
    assertThat(header(SEGMENT, v3(SEGMENT, DIGITS)))
        .isEqualTo(new FrameHeader(3, Optional.of(SEGMENT), 9, OptionalLong.empty()));
    assertThat(header("any", legacy(2, 0, 9, DIGITS)))
        .isEqualTo(new FrameHeader(2, Optional.empty(), 9, OptionalLong.empty()));
  }

  @Test
  void header_startsAtTheChannelPosition() throws Exception {
    byte[] frame = concat(frames.encode(SEGMENT, DIGITS, 42));
    byte[] prefixed = new byte[frame.length + 3];
    System.arraycopy(frame, 0, prefixed, 3, frame.length);
    ByteArrayChannel channel = new ByteArrayChannel(prefixed, 64);
    channel.position(3);
    assertThat(frames.header(SEGMENT, channel).registeredSize()).hasValue(42);
  }

  @Test
  void header_flagSetButFrameEndsInsideTheSize_isTruncated() {
    byte[] frame = hex(GOLDEN_SIZED);
    for (int length = 0; length < SIZE_AT + 8 + 4; length++) {
      byte[] cut = Arrays.copyOf(frame, length);
      assertThat(headerFailure(cut).reason()).as("first %d bytes", length).isEqualTo(Reason.TRUNCATED);
      assertThat(corrupt(() -> SpillFrames.decode(cut)).reason()).isEqualTo(Reason.TRUNCATED);
    }
  }

  @Test
  void decode_everyTruncationOfASizedFrame_isTruncated() {
    byte[] frame = hex(GOLDEN_SIZED);
    for (int length = 0; length < frame.length; length++) {
      byte[] cut = Arrays.copyOf(frame, length);
      assertThat(corrupt(() -> SpillFrames.decode(cut)).reason()).as("first %d bytes", length)
          .isEqualTo(Reason.TRUNCATED);
    }
  }

  @Test
  void header_payloadMissingOrExtra_isCheckedAgainstTheChannelSize() {
    byte[] frame = hex(GOLDEN_SIZED);
    assertThat(headerFailure(Arrays.copyOf(frame, frame.length - 1)).reason()).isEqualTo(Reason.TRUNCATED);
    assertThat(headerFailure(Arrays.copyOf(frame, frame.length + 1)).reason()).isEqualTo(Reason.TRAILING_BYTES);
  }

  @Test
  void header_sizeByteFlipped_isAHeaderChecksumMismatch() {
    for (int i = SIZE_AT; i < SIZE_AT + 8; i++) {
      byte[] frame = hex(GOLDEN_SIZED);
      frame[i] ^= 0x01;
      CorruptSegmentException e = headerFailure(frame);
      assertThat(e.reason()).as("byte %d", i).isEqualTo(Reason.CHECKSUM_MISMATCH);
      assertThat(e.getMessage()).contains("header").contains("stored 0x8dbacc55");
      assertThat(corrupt(() -> SpillFrames.decode(frame)).reason()).isEqualTo(Reason.CHECKSUM_MISMATCH);
    }
  }

  @Test
  void header_flagBitFlipped_failsTheChecksum() {
    byte[] sizedWithoutFlag = hex(GOLDEN_SIZED);
    sizedWithoutFlag[5] = 0;
    assertThat(headerFailure(sizedWithoutFlag).reason()).isEqualTo(Reason.CHECKSUM_MISMATCH);
    byte[] plainWithFlag = v3(SEGMENT, DIGITS);
    plainWithFlag[5] = 1;
    assertThat(headerFailure(plainWithFlag).reason()).isEqualTo(Reason.CHECKSUM_MISMATCH);
  }

  @ParameterizedTest
  @ValueSource(ints = {0x05, 0x81, 0xFF})
  void header_unknownBitsBesideTheSizeFlag_isMalformedHeaderNamingThem(int flags) {
    byte[] frame = v3Sized(flags, NAME, 9, 1000, DIGITS);
    CorruptSegmentException e = headerFailure(frame);
    assertThat(e.reason()).isEqualTo(Reason.MALFORMED_HEADER);
    assertThat(e.getMessage()).contains(String.format("unknown bits 0x%02x", flags & ~3));
    assertThat(corrupt(() -> SpillFrames.decode(frame)).reason()).isEqualTo(Reason.MALFORMED_HEADER);
  }

  @Test
  void header_unknownBitWithoutTheSizeFlag_isMalformedHeader() {
    CorruptSegmentException e = headerFailure(TestFrames.v3(0x40, 2, 0, NAME, 9, DIGITS));
    assertThat(e.reason()).isEqualTo(Reason.MALFORMED_HEADER);
    assertThat(e.getMessage()).contains("unknown bits 0x40");
  }

  @Test
  void header_registeredSizeNegativeAsSigned_isLengthOverflow() {
    byte[] frame = v3Sized(0x01, NAME, 9, -1, DIGITS);
    CorruptSegmentException e = headerFailure(frame);
    assertThat(e.reason()).isEqualTo(Reason.LENGTH_OVERFLOW);
    assertThat(e.getMessage()).contains("registered size 18446744073709551615");
  }

  @Test
  void header_frameOfAnotherSegment_isWrongSegment() {
    CorruptSegmentException e = corrupt(() -> header("other", hex(GOLDEN_SIZED)));
    assertThat(e.reason()).isEqualTo(Reason.WRONG_SEGMENT);
    assertThat(e.segment()).isEqualTo("other");
  }

  @Test
  void header_payloadDamage_isNotItsConcern() throws Exception {
    byte[] frame = hex(GOLDEN_SIZED);
    frame[frame.length - 6] ^= 0x10;
    assertThat(header(SEGMENT, frame).registeredSize()).hasValue(1000);
    assertThat(corrupt(() -> frames.decode(SEGMENT, frame)).reason()).isEqualTo(Reason.CHECKSUM_MISMATCH);
  }

  @Test
  void header_otherRejectPaths_matchTheFullDecode() {
    byte[] badMagic = hex(GOLDEN_SIZED);
    badMagic[0] = 'X';
    assertThat(headerFailure(badMagic).reason()).isEqualTo(Reason.BAD_MAGIC);
    byte[] badVersion = hex(GOLDEN_SIZED);
    badVersion[4] = 9;
    assertThat(headerFailure(badVersion).reason()).isEqualTo(Reason.UNSUPPORTED_VERSION);
    assertThat(headerFailure(TestFrames.v3(0, 2, 1, NAME, 9, DIGITS)).reason())
        .isEqualTo(Reason.UNSUPPORTED_ENCODING);
    assertThat(headerFailure(TestFrames.v3(0, 2, 0, NAME, -1, DIGITS)).reason()).isEqualTo(Reason.LENGTH_OVERFLOW);
  }

  @Test
  void decode_everySingleBitFlipOfASizedFrame_isDetected() {
    byte[] frame = hex(GOLDEN_SIZED);
    for (int i = 0; i < frame.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] damaged = frame.clone();
        damaged[i] ^= (byte) (1 << bit);
        assertThatThrownBy(() -> SpillFrames.decode(damaged)).as("bit %d of byte %d", bit, i)
            .isInstanceOf(CorruptSegmentException.class);
      }
    }
  }
}
