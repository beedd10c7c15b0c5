package io.spillway.codec.jackson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.spillway.api.SpillCodec;
import io.spillway.api.SpillException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

class JacksonCodecsTest {

  record Host(String name, int port, List<String> tags) {}

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  @Test
  void json_record_roundTrips() {
    SpillCodec<Host> codec = JacksonCodecs.json(Host.class);
    Host host = new Host("db-1", 5432, List.of("primary", "eu-west", "ünïcödé 😀"));

    byte[] encoded = codec.encode(host);

    assertThat(new String(encoded, StandardCharsets.UTF_8)).contains("\"name\":\"db-1\"").contains("\"port\":5432");
    assertThat(codec.decode(encoded)).isEqualTo(host);
  }

  @Test
  void json_genericListThroughTypeReference_decodesElementsOfTheRightType() {
    SpillCodec<List<Host>> codec = JacksonCodecs.json(new ObjectMapper(), new TypeReference<List<Host>>() {});
    List<Host> hosts = List.of(new Host("a", 1, List.of()), new Host("b", 2, List.of("x")));

    List<Host> back = codec.decode(codec.encode(hosts));

    assertThat(back).isEqualTo(hosts);
    assertThat(back).allSatisfy(h -> assertThat(h).isInstanceOf(Host.class));
    assertThat(codec.decode(codec.encode(List.of()))).isEmpty();
    assertThat(codec.toString()).contains("java.util.List<").contains("Host>");
  }

  @Test
  void json_givenMapper_isUsedToWriteAndRead() {
    ObjectMapper mapper =
        JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.UPPER_CAMEL_CASE).build();
    SpillCodec<Host> codec = JacksonCodecs.json(mapper, Host.class);
    Host host = new Host("c", 3, List.of());

    byte[] encoded = codec.encode(host);

    assertThat(new String(encoded, StandardCharsets.UTF_8)).contains("\"Name\":\"c\"");
    assertThat(codec.decode(encoded)).isEqualTo(host);
    assertThatThrownBy(() -> JacksonCodecs.json(Host.class).decode(encoded)).isInstanceOf(SpillException.class);
  }

  @Test
  void json_sizeOf_isTheEncodedLength() {
    SpillCodec<Map<String, Integer>> codec = JacksonCodecs.json(new ObjectMapper(), new TypeReference<>() {});
    assertThat(codec.sizeOf(Map.of("a", 1))).isEqualTo("{\"a\":1}".length());
  }

  static Stream<Arguments> invalidJson() {
    return Stream.of(
        Arguments.of("not JSON", "hello"),
        Arguments.of("empty", ""),
        Arguments.of("truncated", "{\"name\":\"a\",\"port\":"),
        Arguments.of("trailing content", "{\"name\":\"a\",\"port\":1,\"tags\":[]} {}"),
        Arguments.of("wrong shape", "[1,2,3]"),
        Arguments.of("wrong field type", "{\"name\":\"a\",\"port\":\"eighty\",\"tags\":[]}"),
        Arguments.of("unknown field", "{\"name\":\"a\",\"port\":1,\"tags\":[],\"extra\":true}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidJson")
  void json_decodeInvalidJson_throwsSpillExceptionWithTheJacksonCause(String what, String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> JacksonCodecs.json(Host.class).decode(bytes))
        .isExactlyInstanceOf(SpillException.class)
        .hasMessageContaining("Cannot decode a " + Host.class.getName() + " from " + bytes.length + " bytes of JSON")
        .hasCauseInstanceOf(JsonProcessingException.class);
  }

  @Test
  void json_decodeInvalidUtf8_throwsSpillException() {
    byte[] bytes = bytes('"', 0xC3, '"');
    assertThatThrownBy(() -> JacksonCodecs.json(String.class).decode(bytes))
        .isExactlyInstanceOf(SpillException.class)
        .hasCauseInstanceOf(JsonProcessingException.class);
  }

  @Test
  void json_decodeNull_throwsSpillException() {
    assertThatThrownBy(() -> JacksonCodecs.json(Host.class).decode("null".getBytes(StandardCharsets.UTF_8)))
        .isExactlyInstanceOf(SpillException.class)
        .hasMessageContaining("the JSON is null");
  }

  @Test
  void json_encodeUnserializableValue_throwsSpillException() {
    // An object with no properties: Jackson refuses it by default (FAIL_ON_EMPTY_BEANS).
    assertThatThrownBy(() -> JacksonCodecs.json(Object.class).encode(new Object()))
        .isExactlyInstanceOf(SpillException.class)
        .hasMessageContaining("Cannot encode a java.lang.Object as JSON")
        .hasCauseInstanceOf(JsonProcessingException.class);
  }

  static Stream<Arguments> everyCodec() {
    return Stream.of(
        Arguments.of(JacksonCodecs.json(Host.class)),
        Arguments.of(JacksonCodecs.json(new ObjectMapper(), Host.class)),
        Arguments.of(JacksonCodecs.json(new ObjectMapper(), new TypeReference<List<Host>>() {})));
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
  void factories_nullArguments_throwNullPointerException() {
    ObjectMapper mapper = new ObjectMapper();
    assertThatThrownBy(() -> JacksonCodecs.json(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> JacksonCodecs.json(null, Host.class)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> JacksonCodecs.json(mapper, (Class<Host>) null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> JacksonCodecs.json(mapper, (TypeReference<Host>) null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void toString_namesTheFactoryAndTheType() {
    assertThat(JacksonCodecs.json(Host.class)).hasToString("JacksonCodecs.json(" + Host.class.getName() + ")");
  }

  @Test
  void codec_usedFromManyThreadsAtOnce_roundTripsEveryValue() throws Exception {
    SpillCodec<Host> json = JacksonCodecs.json(Host.class);
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
            Host host = new Host("h" + id + "-" + i, i, List.of("t" + id));
            assertThat(json.decode(json.encode(host))).isEqualTo(host);
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
