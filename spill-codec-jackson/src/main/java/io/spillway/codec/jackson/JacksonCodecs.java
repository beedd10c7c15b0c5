package io.spillway.codec.jackson;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.api.SpillCodec;
import io.spillway.api.SpillException;
import java.util.Objects;

/**
 * {@link SpillCodec}s that write user objects as JSON through Jackson, for managed values of any type Jackson can
 * map.
 *
 * <pre>{@code
 * record Host(String name, int port) {}
 * SpillCodec<Host> hosts = JacksonCodecs.json(Host.class);
 * SpillCodec<List<Host>> lists = JacksonCodecs.json(new ObjectMapper(), new TypeReference<List<Host>>() {});
 * SegmentHandle<Host> primary = manager.put("primary", new Host("db-1", 5432), hosts);
 * }</pre>
 *
 * <h2>Thread safety</h2>
 * Every codec returned here is thread-safe: it holds Jackson's immutable reader and writer, so one instance may
 * encode and decode from many threads at once.
 *
 * <h2>Sizes</h2>
 * The codecs keep {@link SpillCodec#sizeOf}'s default, the length of the encoding.
 *
 * <h2>Errors</h2>
 * {@code encode}, {@code decode} and {@code sizeOf} throw {@link NullPointerException} for a null argument. A value
 * Jackson cannot write, and bytes that are not one JSON value of the type (invalid JSON, malformed UTF-8, trailing
 * content, a JSON {@code null}), raise {@link SpillException} with Jackson's exception as the cause; the manager adds
 * the segment's name when it reports one.
 */
public final class JacksonCodecs {

  private JacksonCodecs() {}

  /**
   * A user object as JSON, with a plain {@code ObjectMapper} private to Spillway (records, beans and the types
   * Jackson supports out of the box; no modules), built on first use. Decoding rejects trailing content and a JSON
   * {@code null}.
   *
   * @see #json(ObjectMapper, Class)
   */
  public static <T> SpillCodec<T> json(Class<T> type) {
    Objects.requireNonNull(type, "type");
    return JsonCodec.of(JsonCodec.defaultMapper(), type);
  }

  /**
   * A user object as JSON, written and read with {@code mapper}. The mapper's configuration is taken when this
   * method is called: configure it (modules, features) before, and do not rely on changes made afterwards.
   * Decoding rejects trailing content and a JSON {@code null}.
   */
  public static <T> SpillCodec<T> json(ObjectMapper mapper, Class<T> type) {
    Objects.requireNonNull(mapper, "mapper");
    Objects.requireNonNull(type, "type");
    return JsonCodec.of(mapper, type);
  }

  /**
   * A user object of a generic type as JSON, for example {@code new TypeReference<List<Host>>() {}}, written and
   * read with {@code mapper}, whose configuration is taken when this method is called. Decoding rejects trailing
   * content and a JSON {@code null}.
   */
  public static <T> SpillCodec<T> json(ObjectMapper mapper, TypeReference<T> type) {
    Objects.requireNonNull(mapper, "mapper");
    Objects.requireNonNull(type, "type");
    return JsonCodec.of(mapper, type);
  }
}
