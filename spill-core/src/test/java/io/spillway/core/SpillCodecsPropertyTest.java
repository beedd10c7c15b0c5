package io.spillway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.SpillCodec;
import io.spillway.api.SpillException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * The codecs' contract on arbitrary values: {@code decode(encode(x))} equals {@code x} (floating point bit for
 * bit), and arbitrary bytes either decode to a value that encodes back to those very bytes or raise
 * {@link SpillException}.
 */
class SpillCodecsPropertyTest {

  /** Doubles of every bit pattern, NaNs with any payload, signs and subnormals included. */
  @Provide
  Arbitrary<double[]> anyBitsDoubles() {
    return Arbitraries.longs().array(long[].class).ofMaxSize(300)
        .map(bits -> Arrays.stream(bits).mapToDouble(Double::longBitsToDouble).toArray());
  }

  /** Well-formed Unicode text: any code point but the surrogates, so supplementary characters appear as pairs. */
  @Provide
  Arbitrary<String> unicode() {
    Arbitrary<Integer> codePoints = Arbitraries.oneOf(
        Arbitraries.integers().between(0, 0x7F),
        Arbitraries.integers().between(0x80, 0xD7FF),
        Arbitraries.integers().between(0xE000, 0x10FFFF));
    return codePoints.list().ofMaxSize(60).map(SpillCodecsPropertyTest::fromCodePoints);
  }

  private static String fromCodePoints(List<Integer> codePoints) {
    StringBuilder text = new StringBuilder();
    codePoints.forEach(text::appendCodePoint);
    return text.toString();
  }

  @Property
  void intArray_decodeEncode_returnsTheArray(@ForAll @Size(max = 300) int[] value) {
    SpillCodec<int[]> codec = SpillCodecs.intArray();
    byte[] encoded = codec.encode(value);
    assertThat(encoded).hasSize(4 * value.length);
    assertThat(codec.decode(encoded)).containsExactly(value);
  }

  @Property
  void longArray_decodeEncode_returnsTheArray(@ForAll @Size(max = 300) long[] value) {
    SpillCodec<long[]> codec = SpillCodecs.longArray();
    byte[] encoded = codec.encode(value);
    assertThat(encoded).hasSize(8 * value.length);
    assertThat(codec.decode(encoded)).containsExactly(value);
  }

  @Property
  void doubleArray_decodeEncode_returnsTheArrayBitForBit(@ForAll("anyBitsDoubles") double[] value) {
    SpillCodec<double[]> codec = SpillCodecs.doubleArray();
    double[] back = codec.decode(codec.encode(value));
    assertThat(Arrays.stream(back).mapToLong(Double::doubleToRawLongBits).toArray())
        .containsExactly(Arrays.stream(value).mapToLong(Double::doubleToRawLongBits).toArray());
  }

  @Property
  void doubleArray_ordinaryValues_roundTrip(@ForAll @Size(max = 300) double[] value) {
    SpillCodec<double[]> codec = SpillCodecs.doubleArray();
    assertThat(codec.decode(codec.encode(value))).containsExactly(value);
  }

  @Property
  void string_wellFormedUnicode_roundTrips(@ForAll("unicode") String value) {
    SpillCodec<String> codec = SpillCodecs.string();
    byte[] encoded = codec.encode(value);
    assertThat(encoded).isEqualTo(value.getBytes(StandardCharsets.UTF_8));
    assertThat(codec.decode(encoded)).isEqualTo(value);
  }

  @Property
  void string_anyChars_roundTripsOrRefusesAnUnpairedSurrogate(@ForAll @Size(max = 40) String value) {
    SpillCodec<String> codec = SpillCodecs.string();
    // The JDK's lenient round trip is lossless exactly when the string is well-formed UTF-16.
    boolean wellFormed = value.equals(new String(value.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    if (wellFormed) {
      assertThat(codec.decode(codec.encode(value))).isEqualTo(value);
    } else {
      assertThatThrownBy(() -> codec.encode(value)).isInstanceOf(SpillException.class);
    }
  }

  @Property(tries = 2000)
  void string_anyBytes_decodeExactlyOrThrow(@ForAll @Size(max = 24) byte[] bytes) {
    SpillCodec<String> codec = SpillCodecs.string();
    // Lenient decoding replaces malformed input with U+FFFD, whose encoding differs from what it replaced.
    boolean wellFormed = Arrays.equals(new String(bytes, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8),
        bytes);
    if (wellFormed) {
      assertThat(codec.encode(codec.decode(bytes))).isEqualTo(bytes);
    } else {
      assertThatThrownBy(() -> codec.decode(bytes)).isInstanceOf(SpillException.class);
    }
  }

  @Property
  void primitiveArrays_anyBytes_decodeExactlyOrThrow(@ForAll @Size(max = 40) byte[] bytes) {
    assertBijective(SpillCodecs.intArray(), 4, bytes);
    assertBijective(SpillCodecs.longArray(), 8, bytes);
    assertBijective(SpillCodecs.doubleArray(), 8, bytes);
    assertBijective(SpillCodecs.floatArray(), 4, bytes);
    assertBijective(SpillCodecs.shortArray(), 2, bytes);
    assertBijective(SpillCodecs.charArray(), 2, bytes);
  }

  private static <A> void assertBijective(SpillCodec<A> codec, int elementBytes, byte[] bytes) {
    if (bytes.length % elementBytes == 0) {
      assertThat(codec.encode(codec.decode(bytes))).as("%s", codec).isEqualTo(bytes);
    } else {
      assertThatThrownBy(() -> codec.decode(bytes)).as("%s", codec).isInstanceOf(SpillException.class);
    }
  }
}
