package io.spillway.codec.jackson;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.spillway.api.SpillCodec;
import io.spillway.api.SpillException;
import java.io.IOException;
import java.util.Objects;

/**
 * {@link JacksonCodecs#json}: a value as JSON through Jackson. Holds an {@link ObjectReader} and an
 * {@link ObjectWriter}, which are immutable and thread-safe, so the codec is too. Internal, may change.
 *
 * @param <T> the type of the values
 */
final class JsonCodec<T> implements SpillCodec<T> {

  /** Created on first use only, so that a program that never asks for JSON never builds a mapper. */
  private static final class DefaultMapper {
    static final ObjectMapper INSTANCE = JsonMapper.builder().build();
  }

  private final String typeName;
  private final ObjectReader reader;
  private final ObjectWriter writer;

  private JsonCodec(ObjectMapper mapper, JavaType type) {
    this.typeName = type.toCanonical();
    // Jackson stops after the first value by default; a spilled value is the whole input, so anything after it
    // means the bytes are not what this codec wrote.
    this.reader = mapper.readerFor(type).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    this.writer = mapper.writerFor(type);
  }

  static ObjectMapper defaultMapper() {
    return DefaultMapper.INSTANCE;
  }

  static <T> JsonCodec<T> of(ObjectMapper mapper, Class<T> type) {
    return new JsonCodec<>(mapper, mapper.constructType(type));
  }

  static <T> JsonCodec<T> of(ObjectMapper mapper, TypeReference<T> type) {
    return new JsonCodec<>(mapper, mapper.getTypeFactory().constructType(type));
  }

  @Override
  public byte[] encode(T value) {
    Objects.requireNonNull(value, "value");
    try {
      return writer.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new SpillException("Cannot encode a " + typeName + " as JSON: " + e.getMessage(), e);
    }
  }

  @Override
  public T decode(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    T value;
    try {
      value = reader.readValue(bytes);
    } catch (IOException e) {
      throw new SpillException(
          "Cannot decode a " + typeName + " from " + bytes.length + " bytes of JSON: " + e.getMessage(), e);
    }
    if (value == null) {
      // encode refuses null, so a JSON null was written by something else.
      throw new SpillException("Cannot decode a " + typeName + " from " + bytes.length + " bytes of JSON: the JSON"
          + " is null, which this codec never writes");
    }
    return value;
  }

  @Override
  public String toString() {
    return "JacksonCodecs.json(" + typeName + ")";
  }
}
