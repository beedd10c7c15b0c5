/**
 * A {@link io.spillway.api.SpillCodec} for Jackson-mapped objects: {@code JacksonCodecs.json(...)}.
 *
 * <p>On the module path, Jackson reads and writes a type reflectively, so the module that declares a value type
 * opens its package to {@code com.fasterxml.jackson.databind} (as for any use of Jackson).
 */
module io.spillway.codec.jackson {
  requires transitive io.spillway.api;
  requires transitive com.fasterxml.jackson.databind;

  exports io.spillway.codec.jackson;
}
