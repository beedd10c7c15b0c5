package io.spillway.api;

/**
 * Turns values of type {@code T} into bytes and back, so that the manager can spill values it owns and reload them
 * transparently. Built-in codecs for {@code byte[]}, {@code ByteBuffer}, {@code String} and primitive arrays are in
 * {@code io.spillway.core.SpillCodecs}; a Jackson codec for user objects is in
 * {@code io.spillway.codec.jackson.JacksonCodecs} (spill-codec-jackson).
 *
 * <p>Contract: {@code decode(encode(v))} is equal to {@code v} in content; codecs are stateless and thread-safe;
 * {@code encode} does not modify its argument. A codec may throw {@link SpillException} (or any runtime exception)
 * for a value it cannot handle; the manager then keeps the value resident and reports the failure.
 *
 * @param <T> the type of the values
 */
public interface SpillCodec<T> {

  /** The bytes that represent {@code value}. The manager owns the array afterwards. */
  byte[] encode(T value);

  /** The value {@code bytes} represent; {@code bytes} were produced by {@link #encode} of an equal codec. */
  T decode(byte[] bytes);

  /**
   * The bytes {@code value} occupies in memory, used to account for it when no weigher is given. The default is
   * the length of its encoding, which costs an encode; codecs that know better (an array's length) override it.
   */
  default long sizeOf(T value) {
    return encode(value).length;
  }
}
