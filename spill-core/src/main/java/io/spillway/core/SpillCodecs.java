package io.spillway.core;

import io.spillway.api.SpillCodec;
import io.spillway.api.SpillException;
import java.nio.ByteBuffer;

/**
 * Built-in {@link SpillCodec}s: raw bytes, byte buffers, UTF-8 strings and little-endian primitive arrays. User
 * objects as JSON are in {@code io.spillway.codec.jackson.JacksonCodecs} (artifact {@code spill-codec-jackson}).
 *
 * <pre>{@code
 * SpillCodec<long[]> ids = SpillCodecs.longArray();
 * byte[] bytes = ids.encode(hostIds);              // 8 bytes per element, little-endian
 * long[] back = ids.decode(bytes);                 // equal in content to hostIds
 * long accounted = ids.sizeOf(hostIds);            // 16 + 8 * hostIds.length
 * }</pre>
 *
 * <h2>Thread safety</h2>
 * Every codec returned here is stateless and thread-safe: one instance may encode and decode from many threads at
 * once. The codecs that take no argument are singletons.
 *
 * <h2>Aliasing</h2>
 * Codecs copy by default; two exceptions avoid a copy of what may be the largest values a process holds:
 * <ul>
 *   <li>{@link #bytes()} returns the value itself from {@code encode} and the array it was given from
 *       {@code decode}. The manager only reads the bytes handed to it, and the value is meant to be dropped once
 *       spilled; a caller that keeps using the value must not modify it until the spill returns.</li>
 *   <li>{@link #byteBuffer()} decodes into a buffer that wraps the array given to {@code decode}.</li>
 * </ul>
 * Every other codec returns a fresh array from {@code encode} and shares nothing with its input from
 * {@code decode}. No codec modifies its argument, or a buffer's position, limit or mark.
 *
 * <h2>Sizes</h2>
 * {@link SpillCodec#sizeOf} estimates the heap footprint of a value on a 64-bit JVM with compressed pointers,
 * without alignment padding: arrays count {@value #ARRAY_HEADER} header bytes plus their elements; see each factory
 * for the rest.
 *
 * <h2>Errors</h2>
 * {@code encode}, {@code decode} and {@code sizeOf} throw {@link NullPointerException} for a null argument. A value
 * that cannot be encoded, and bytes that cannot be decoded (a length that no value of the type has, malformed
 * UTF-8), raise {@link SpillException} with a message that says what was wrong; the manager adds the
 * segment's name when it reports one.
 */
public final class SpillCodecs {

  /** Bytes counted for an array's header (mark word, compressed class pointer, length). */
  public static final int ARRAY_HEADER = 16;

  /**
   * Bytes counted for a {@link String} besides its characters: the string object (24) and its array's header (16).
   */
  public static final int STRING_OVERHEAD = 40;

  /**
   * Bytes counted for a {@link ByteBuffer} besides its remaining bytes: the buffer object (48) and an array header
   * (16).
   */
  public static final int BUFFER_OVERHEAD = 64;

  private SpillCodecs() {}

  /**
   * Raw bytes, unchanged: the encoding is the array itself and decoding returns the array it is given, with no copy
   * either way (see Aliasing in the class description). {@code sizeOf} is {@value #ARRAY_HEADER} + length.
   */
  public static SpillCodec<byte[]> bytes() {
    return ByteArrayCodec.INSTANCE;
  }

  /**
   * The remaining bytes of a buffer, heap or direct, read without moving its position. Decoding wraps the bytes in
   * a writable heap buffer (no copy) with position 0, limit and capacity the length, and big-endian order: the
   * original's byte order, capacity and the bytes outside its remaining range are not kept. {@code sizeOf} is
   * {@value #BUFFER_OVERHEAD} + {@code remaining()}, so a buffer that views a larger array is counted by its view.
   */
  public static SpillCodec<ByteBuffer> byteBuffer() {
    return ByteBufferCodec.INSTANCE;
  }

  /**
   * A string as UTF-8. Strings with an unpaired surrogate cannot be written as UTF-8 and fail to encode with
   * {@link SpillException}, as do bytes that are not well-formed UTF-8 when decoded &mdash; never a replacement
   * character. {@code sizeOf} is {@value #STRING_OVERHEAD} + one byte per char if every char is at most
   * {@code U+00FF} (a compact Latin-1 string), else two bytes per char.
   */
  public static SpillCodec<String> string() {
    return StringCodec.INSTANCE;
  }

  /**
   * An {@code int[]} as 4 little-endian bytes per element. {@code sizeOf} is {@value #ARRAY_HEADER} + 4 per element.
   */
  public static SpillCodec<int[]> intArray() {
    return PrimitiveArrayCodec.INT;
  }

  /**
   * A {@code long[]} as 8 little-endian bytes per element. {@code sizeOf} is {@value #ARRAY_HEADER} + 8 per element.
   */
  public static SpillCodec<long[]> longArray() {
    return PrimitiveArrayCodec.LONG;
  }

  /**
   * A {@code double[]} as the 8 little-endian bytes of each element's raw bits, so that every NaN keeps its exact
   * bits. {@code sizeOf} is {@value #ARRAY_HEADER} + 8 per element.
   */
  public static SpillCodec<double[]> doubleArray() {
    return PrimitiveArrayCodec.DOUBLE;
  }

  /**
   * A {@code float[]} as the 4 little-endian bytes of each element's raw bits, so that every NaN keeps its exact
   * bits. {@code sizeOf} is {@value #ARRAY_HEADER} + 4 per element.
   */
  public static SpillCodec<float[]> floatArray() {
    return PrimitiveArrayCodec.FLOAT;
  }

  /**
   * A {@code short[]} as 2 little-endian bytes per element. {@code sizeOf} is {@value #ARRAY_HEADER} + 2 per element.
   */
  public static SpillCodec<short[]> shortArray() {
    return PrimitiveArrayCodec.SHORT;
  }

  /**
   * A {@code char[]} as 2 little-endian bytes per char (UTF-16LE code units, unpaired surrogates included).
   * {@code sizeOf} is {@value #ARRAY_HEADER} + 2 per element.
   */
  public static SpillCodec<char[]> charArray() {
    return PrimitiveArrayCodec.CHAR;
  }
}
