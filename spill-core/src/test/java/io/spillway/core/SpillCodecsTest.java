package io.spillway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.SpillCodec;
import io.spillway.api.SpillException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SpillCodecsTest {

  /** Above the JDK's threshold for bulk copies in buffer views, so that both of its paths are exercised. */
  private static final int LARGE = 4096;

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------------- byte[]

  @Test
  void bytes_encodeAndDecode_returnTheSameArrayWithoutCopying() {
    byte[] value = {1, 2, 3};
    assertThat(SpillCodecs.bytes().encode(value)).isSameAs(value).containsExactly(1, 2, 3);
    assertThat(SpillCodecs.bytes().decode(value)).isSameAs(value);
  }

  @Test
  void bytes_empty_roundTrips() {
    SpillCodec<byte[]> codec = SpillCodecs.bytes();
    assertThat(codec.decode(codec.encode(new byte[0]))).isEmpty();
  }

  @Test
  void bytes_sizeOf_isHeaderPlusLength() {
    assertThat(SpillCodecs.bytes().sizeOf(new byte[0])).isEqualTo(16);
    assertThat(SpillCodecs.bytes().sizeOf(new byte[1000])).isEqualTo(1016);
  }

  // ------------------------------------------------------------------------------------------------ ByteBuffer

  @Test
  void byteBuffer_encode_takesTheRemainingBytesAndLeavesPositionLimitAndMark() {
    ByteBuffer buffer = ByteBuffer.wrap(bytes(10, 11, 12, 13, 14, 15, 16));
    buffer.position(1).mark();
    buffer.position(2).limit(5);

    byte[] encoded = SpillCodecs.byteBuffer().encode(buffer);

    assertThat(encoded).containsExactly(12, 13, 14);
    assertThat(buffer.position()).isEqualTo(2);
    assertThat(buffer.limit()).isEqualTo(5);
    assertThat(buffer.reset().position()).as("mark kept").isEqualTo(1);
    // A fresh array: writing to it does not reach the buffer.
    encoded[0] = 99;
    assertThat(buffer.get(2)).isEqualTo((byte) 12);
  }

  @Test
  void byteBuffer_directAndReadOnlyBuffers_encodeTheirRemainingBytes() {
    ByteBuffer direct = ByteBuffer.allocateDirect(6);
    direct.put(bytes(1, 2, 3, 4, 5, 6)).flip().position(1);
    assertThat(SpillCodecs.byteBuffer().encode(direct)).containsExactly(2, 3, 4, 5, 6);
    assertThat(direct.position()).isEqualTo(1);

    ByteBuffer readOnly = ByteBuffer.wrap(bytes(7, 8, 9)).asReadOnlyBuffer();
    readOnly.position(2);
    assertThat(SpillCodecs.byteBuffer().encode(readOnly)).containsExactly(9);
    assertThat(readOnly.position()).isEqualTo(2);
  }

  @Test
  void byteBuffer_decode_wrapsTheBytesInAWritableHeapBuffer() {
    byte[] bytes = bytes(1, 2, 3);
    ByteBuffer decoded = SpillCodecs.byteBuffer().decode(bytes);

    assertThat(decoded.isDirect()).isFalse();
    assertThat(decoded.isReadOnly()).isFalse();
    assertThat(decoded.position()).isZero();
    assertThat(decoded.limit()).isEqualTo(3);
    assertThat(decoded.capacity()).isEqualTo(3);
    assertThat(decoded.order()).isEqualTo(ByteOrder.BIG_ENDIAN);
    assertThat(decoded.array()).as("no copy").isSameAs(bytes);
  }

  @Test
  void byteBuffer_roundTrip_isEqualInContent() {
    SpillCodec<ByteBuffer> codec = SpillCodecs.byteBuffer();
    ByteBuffer direct = ByteBuffer.allocateDirect(LARGE).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < LARGE; i++) {
      direct.put(i, (byte) (i * 31));
    }
    assertThat(codec.decode(codec.encode(direct))).isEqualTo(direct);
    assertThat(codec.decode(codec.encode(ByteBuffer.allocate(0))).remaining()).isZero();
  }

  @Test
  void byteBuffer_sizeOf_countsTheRemainingBytesPlusOverhead() {
    ByteBuffer buffer = ByteBuffer.allocate(100);
    buffer.position(40);
    assertThat(SpillCodecs.byteBuffer().sizeOf(buffer)).isEqualTo(64 + 60);
    assertThat(buffer.position()).isEqualTo(40);
  }

  // ---------------------------------------------------------------------------------------------------- String

  @ParameterizedTest
  @ValueSource(strings = {"", "a", "segment 17", "café", "日本語", "😀 grinning", "a\u0000b",
      "\uD83D\uDE00\uD83D\uDE00", "\uDBFF\uDFFF", "\uFEFFbom", "\u00FF\u0100"})
  void string_roundTrip_returnsAnEqualString(String value) {
    SpillCodec<String> codec = SpillCodecs.string();
    byte[] encoded = codec.encode(value);
    assertThat(encoded).isEqualTo(value.getBytes(StandardCharsets.UTF_8));
    assertThat(codec.decode(encoded)).isEqualTo(value);
  }

  @Test
  void string_encode_writesUtf8() {
    assertThat(SpillCodecs.string().encode("é😀")).containsExactly(bytes(0xC3, 0xA9, 0xF0, 0x9F, 0x98, 0x80));
  }

  @ParameterizedTest
  @ValueSource(strings = {"\uD800", "a\uDC00", "x\uD83Dy", "\uDE00\uD83D", "ok\uD83D"})
  void string_encodeUnpairedSurrogate_throwsSpillException(String value) {
    assertThatThrownBy(() -> SpillCodecs.string().encode(value))
        .isExactlyInstanceOf(SpillException.class)
        .hasMessageContaining("unpaired surrogate")
        .hasMessageContaining("as UTF-8");
  }

  @Test
  void string_encodeUnpairedSurrogate_namesTheIndex() {
    assertThatThrownBy(() -> SpillCodecs.string().encode("ab\uD83Dc"))
        .isInstanceOf(SpillException.class)
        .hasMessageContaining("U+D83D at index 2");
    assertThatThrownBy(() -> SpillCodecs.string().encode("\uDE00\uD83D"))
        .isInstanceOf(SpillException.class)
        .hasMessageContaining("U+DE00 at index 0");
  }

  static Stream<Arguments> malformedUtf8() {
    return Stream.of(
        Arguments.of("truncated two-byte sequence", bytes(0x61, 0xC3), 1),
        Arguments.of("byte never valid in UTF-8", bytes(0xFF), 0),
        Arguments.of("lone continuation byte", bytes(0x61, 0x62, 0x80), 2),
        Arguments.of("overlong encoding of NUL", bytes(0xC0, 0x80), 0),
        Arguments.of("encoded surrogate (CESU-8)", bytes(0xED, 0xA0, 0x80), 0),
        Arguments.of("code point above U+10FFFF", bytes(0xF4, 0x90, 0x80, 0x80), 0),
        Arguments.of("truncated four-byte sequence", bytes(0x7A, 0xF0, 0x9F, 0x98), 1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedUtf8")
  void string_decodeMalformedUtf8_throwsSpillExceptionNamingTheOffset(String what, byte[] bytes, int offset) {
    assertThatThrownBy(() -> SpillCodecs.string().decode(bytes))
        .isExactlyInstanceOf(SpillException.class)
        .hasMessageContaining("not well-formed UTF-8")
        .hasMessageContaining("at offset " + offset + " of " + bytes.length);
  }

  @Test
  void string_sizeOf_countsOneByteForLatin1CharsAndTwoOtherwise() {
    SpillCodec<String> codec = SpillCodecs.string();
    assertThat(codec.sizeOf("")).isEqualTo(40);
    assertThat(codec.sizeOf("abc")).isEqualTo(40 + 3);
    assertThat(codec.sizeOf("café\u00FF")).as("Latin-1").isEqualTo(40 + 5);
    assertThat(codec.sizeOf("ab\u0100")).as("one char above U+00FF makes every char two bytes").isEqualTo(40 + 6);
    assertThat(codec.sizeOf("😀")).as("a surrogate pair is two chars").isEqualTo(40 + 4);
  }

  // ------------------------------------------------------------------------------------------ primitive arrays

  @Test
  void intArray_encode_writesLittleEndian() {
    byte[] encoded = SpillCodecs.intArray().encode(new int[] {1, -1, 0x01020304, Integer.MIN_VALUE, 0});
    assertThat(encoded).containsExactly(bytes(
        0x01, 0x00, 0x00, 0x00,
        0xFF, 0xFF, 0xFF, 0xFF,
        0x04, 0x03, 0x02, 0x01,
        0x00, 0x00, 0x00, 0x80,
        0x00, 0x00, 0x00, 0x00));
  }

  @Test
  void longArray_encode_writesLittleEndian() {
    byte[] encoded = SpillCodecs.longArray().encode(new long[] {1L, Long.MIN_VALUE, 0x0102030405060708L, -2L});
    assertThat(encoded).containsExactly(bytes(
        0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80,
        0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,
        0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF));
  }

  @Test
  void doubleFloatShortCharArrays_encode_writeLittleEndian() {
    // 1.0 = 0x3FF0000000000000, 1.0f = 0x3F800000.
    assertThat(SpillCodecs.doubleArray().encode(new double[] {1.0}))
        .containsExactly(bytes(0, 0, 0, 0, 0, 0, 0xF0, 0x3F));
    assertThat(SpillCodecs.floatArray().encode(new float[] {1.0f})).containsExactly(bytes(0, 0, 0x80, 0x3F));
    assertThat(SpillCodecs.shortArray().encode(new short[] {0x0102, -1})).containsExactly(bytes(2, 1, 0xFF, 0xFF));
    assertThat(SpillCodecs.charArray().encode(new char[] {'A', '\uD83D'})).containsExactly(bytes(0x41, 0, 0x3D, 0xD8));
  }

  @Test
  void intArray_roundTrip_keepsExtremesSmallAndLarge() {
    SpillCodec<int[]> codec = SpillCodecs.intArray();
    int[] extremes = {Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE};
    assertThat(codec.decode(codec.encode(extremes))).containsExactly(extremes);
    int[] large = new int[LARGE];
    Arrays.setAll(large, i -> i * 0x9E3779B9);
    assertThat(codec.decode(codec.encode(large))).containsExactly(large);
    assertThat(codec.decode(codec.encode(new int[0]))).isEmpty();
  }

  @Test
  void longArray_roundTrip_keepsExtremesSmallAndLarge() {
    SpillCodec<long[]> codec = SpillCodecs.longArray();
    long[] extremes = {Long.MIN_VALUE, -1L, 0L, 1L, Long.MAX_VALUE};
    assertThat(codec.decode(codec.encode(extremes))).containsExactly(extremes);
    long[] large = new long[LARGE];
    Arrays.setAll(large, i -> i * 0x9E3779B97F4A7C15L);
    assertThat(codec.decode(codec.encode(large))).containsExactly(large);
    assertThat(codec.decode(codec.encode(new long[0]))).isEmpty();
  }

  private static final long[] DOUBLE_BITS = {
      0x7FF0000000000001L, // signalling NaN, smallest payload
      0x7FF8000000000000L, // the canonical quiet NaN
      0x7FF8DEADBEEFCAFEL, // quiet NaN with a payload
      0xFFF0000000000123L, // negative signalling NaN
      0xFFFFFFFFFFFFFFFFL, // negative quiet NaN, all payload bits set
      0x8000000000000000L, // -0.0
      0x7FF0000000000000L, // +infinity
      0xFFF0000000000000L, // -infinity
      0x0000000000000001L, // Double.MIN_VALUE
      0x7FEFFFFFFFFFFFFFL, // Double.MAX_VALUE
  };

  private static final int[] FLOAT_BITS = {
      0x7F800001, 0x7FC00000, 0x7FC0BEEF, 0xFF800123, 0xFFFFFFFF, 0x80000000, 0x7F800000, 0xFF800000, 1, 0x7F7FFFFF,
  };

  @Test
  void doubleArray_roundTrip_keepsNaNPayloadsBitExact() {
    SpillCodec<double[]> codec = SpillCodecs.doubleArray();
    for (int length : new int[] {DOUBLE_BITS.length, LARGE}) {
      long[] bits = new long[length];
      Arrays.setAll(bits, i -> DOUBLE_BITS[i % DOUBLE_BITS.length]);
      double[] value = Arrays.stream(bits).mapToDouble(Double::longBitsToDouble).toArray();
      byte[] encoded = codec.encode(value);

      long[] written = new long[length];
      ByteBuffer.wrap(encoded).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(written);
      assertThat(written).as("bits written, %d elements", length).containsExactly(bits);
      long[] back = Arrays.stream(codec.decode(encoded)).mapToLong(Double::doubleToRawLongBits).toArray();
      assertThat(back).as("bits read back, %d elements", length).containsExactly(bits);
    }
  }

  @Test
  void floatArray_roundTrip_keepsNaNPayloadsBitExact() {
    SpillCodec<float[]> codec = SpillCodecs.floatArray();
    for (int length : new int[] {FLOAT_BITS.length, LARGE}) {
      int[] bits = new int[length];
      Arrays.setAll(bits, i -> FLOAT_BITS[i % FLOAT_BITS.length]);
      float[] value = new float[length];
      for (int i = 0; i < length; i++) {
        value[i] = Float.intBitsToFloat(bits[i]);
      }
      byte[] encoded = codec.encode(value);

      int[] written = new int[length];
      ByteBuffer.wrap(encoded).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(written);
      assertThat(written).as("bits written, %d elements", length).containsExactly(bits);
      float[] decoded = codec.decode(encoded);
      int[] back = new int[length];
      for (int i = 0; i < length; i++) {
        back[i] = Float.floatToRawIntBits(decoded[i]);
      }
      assertThat(back).as("bits read back, %d elements", length).containsExactly(bits);
    }
  }

  @Test
  void shortAndCharArrays_roundTrip_keepExtremesAndLoneSurrogates() {
    short[] shorts = {Short.MIN_VALUE, -1, 0, 1, Short.MAX_VALUE};
    assertThat(SpillCodecs.shortArray().decode(SpillCodecs.shortArray().encode(shorts))).containsExactly(shorts);
    char[] chars = {'\u0000', 'a', '\uD800', '\uDFFF', '\uFFFF', '\uD83D', '\uDE00'};
    assertThat(SpillCodecs.charArray().decode(SpillCodecs.charArray().encode(chars))).containsExactly(chars);
    char[] large = new char[LARGE];
    for (int i = 0; i < LARGE; i++) {
      large[i] = (char) (i * 7919);
    }
    assertThat(SpillCodecs.charArray().decode(SpillCodecs.charArray().encode(large))).containsExactly(large);
    assertThat(SpillCodecs.shortArray().decode(new byte[0])).isEmpty();
    assertThat(SpillCodecs.charArray().decode(new byte[0])).isEmpty();
  }

  static Stream<Arguments> arrayCodecs() {
    return Stream.of(
        Arguments.of(SpillCodecs.intArray(), "int[]", 4),
        Arguments.of(SpillCodecs.longArray(), "long[]", 8),
        Arguments.of(SpillCodecs.doubleArray(), "double[]", 8),
        Arguments.of(SpillCodecs.floatArray(), "float[]", 4),
        Arguments.of(SpillCodecs.shortArray(), "short[]", 2),
        Arguments.of(SpillCodecs.charArray(), "char[]", 2));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("arrayCodecs")
  void arrayCodec_decodeLengthNotAMultipleOfTheElementSize_throwsSpillException(
      SpillCodec<?> codec, String type, int elementBytes) {
    for (int length : new int[] {1, elementBytes + 1, 3 * elementBytes - 1}) {
      assertThatThrownBy(() -> codec.decode(new byte[length]))
          .isExactlyInstanceOf(SpillException.class)
          .hasMessageContaining("Cannot decode a " + type + " from " + length + " bytes")
          .hasMessageContaining("not a multiple of " + elementBytes)
          .hasMessageContaining(codec.toString());
    }
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("arrayCodecs")
  <A> void arrayCodec_sizeOf_isHeaderPlusElementBytes(SpillCodec<A> codec, String type, int elementBytes) {
    A empty = codec.decode(new byte[0]);
    A hundred = codec.decode(new byte[100 * elementBytes]);
    assertThat(codec.sizeOf(empty)).isEqualTo(16);
    assertThat(codec.sizeOf(hundred)).isEqualTo(16 + 100L * elementBytes);
    assertThat(codec.sizeOf(hundred)).isEqualTo(16 + (long) codec.encode(hundred).length);
  }

  @Test
  void arrayCodecs_encodeAndDecode_shareNothingWithTheirInput() {
    int[] value = {1, 2, 3};
    byte[] encoded = SpillCodecs.intArray().encode(value);
    encoded[0] = 9;
    assertThat(value).as("encode does not alias nor modify its argument").containsExactly(1, 2, 3);

    byte[] bytes = SpillCodecs.longArray().encode(new long[] {5L});
    long[] decoded = SpillCodecs.longArray().decode(bytes);
    Arrays.fill(bytes, (byte) 0);
    assertThat(decoded).containsExactly(5L);
  }

  @Test
  void arrayCodecs_toString_namesTheFactory() {
    assertThat(SpillCodecs.intArray()).hasToString("SpillCodecs.intArray()");
    assertThat(SpillCodecs.charArray()).hasToString("SpillCodecs.charArray()");
    assertThat(SpillCodecs.string()).hasToString("SpillCodecs.string()");
  }

  // ------------------------------------------------------------------------------------------------ all codecs

  static Stream<Arguments> everyCodec() {
    return Stream.of(
        Arguments.of(SpillCodecs.bytes()),
        Arguments.of(SpillCodecs.byteBuffer()),
        Arguments.of(SpillCodecs.string()),
        Arguments.of(SpillCodecs.intArray()),
        Arguments.of(SpillCodecs.longArray()),
        Arguments.of(SpillCodecs.doubleArray()),
        Arguments.of(SpillCodecs.floatArray()),
        Arguments.of(SpillCodecs.shortArray()),
        Arguments.of(SpillCodecs.charArray()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyCodec")
  @SuppressWarnings({"unchecked", "rawtypes"})
  void everyCodec_null_throwsNullPointerException(SpillCodec codec) {
    assertThatThrownBy(() -> codec.encode(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> codec.decode(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> codec.sizeOf(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void factories_withoutArguments_returnSingletons() {
    assertThat(SpillCodecs.bytes()).isSameAs(SpillCodecs.bytes());
    assertThat(SpillCodecs.string()).isSameAs(SpillCodecs.string());
    assertThat(SpillCodecs.doubleArray()).isSameAs(SpillCodecs.doubleArray());
  }

  @Test
  void codecs_usedFromManyThreadsAtOnce_roundTripEveryValue() throws Exception {
    SpillCodec<String> string = SpillCodecs.string();
    SpillCodec<long[]> longs = SpillCodecs.longArray();
    int threads = 8;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        results.add(pool.submit(() -> {
          start.await();
          int checked = 0;
          for (int i = 0; i < 500; i++) {
            String text = "thread " + id + " 😀 " + i;
            assertThat(string.decode(string.encode(text))).isEqualTo(text);
            long[] values = {id, i, -i, Long.MIN_VALUE + id};
            assertThat(longs.decode(longs.encode(values))).containsExactly(values);
            checked++;
          }
          return checked;
        }));
      }
      start.countDown();
      for (Future<Integer> result : results) {
        assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(500);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
