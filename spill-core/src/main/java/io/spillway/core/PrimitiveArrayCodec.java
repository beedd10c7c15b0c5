package io.spillway.core;

import io.spillway.api.SpillCodec;
import io.spillway.api.SpillException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * The primitive array codecs of {@link SpillCodecs}: elements as little-endian bytes, converted in bulk through
 * {@link ByteBuffer} views (a plain memory copy on little-endian hardware, a vectorised swap elsewhere) rather than
 * element by element. Internal, may change.
 *
 * @param <A> the array type
 */
abstract class PrimitiveArrayCodec<A> implements SpillCodec<A> {

  static final PrimitiveArrayCodec<int[]> INT = new PrimitiveArrayCodec<>("int", Integer.BYTES, "intArray") {
    @Override
    int length(int[] array) {
      return array.length;
    }

    @Override
    void write(ByteBuffer out, int[] array) {
      out.asIntBuffer().put(array);
    }

    @Override
    int[] read(ByteBuffer in, int length) {
      int[] array = new int[length];
      in.asIntBuffer().get(array);
      return array;
    }
  };

  static final PrimitiveArrayCodec<long[]> LONG = new PrimitiveArrayCodec<>("long", Long.BYTES, "longArray") {
    @Override
    int length(long[] array) {
      return array.length;
    }

    @Override
    void write(ByteBuffer out, long[] array) {
      out.asLongBuffer().put(array);
    }

    @Override
    long[] read(ByteBuffer in, int length) {
      long[] array = new long[length];
      in.asLongBuffer().get(array);
      return array;
    }
  };

  // Float and double views move raw bits (floatToRawIntBits, never floatToIntBits), so NaN payloads survive.
  static final PrimitiveArrayCodec<double[]> DOUBLE =
      new PrimitiveArrayCodec<>("double", Double.BYTES, "doubleArray") {
        @Override
        int length(double[] array) {
          return array.length;
        }

        @Override
        void write(ByteBuffer out, double[] array) {
          out.asDoubleBuffer().put(array);
        }

        @Override
        double[] read(ByteBuffer in, int length) {
          double[] array = new double[length];
          in.asDoubleBuffer().get(array);
          return array;
        }
      };

  static final PrimitiveArrayCodec<float[]> FLOAT = new PrimitiveArrayCodec<>("float", Float.BYTES, "floatArray") {
    @Override
    int length(float[] array) {
      return array.length;
    }

    @Override
    void write(ByteBuffer out, float[] array) {
      out.asFloatBuffer().put(array);
    }

    @Override
    float[] read(ByteBuffer in, int length) {
      float[] array = new float[length];
      in.asFloatBuffer().get(array);
      return array;
    }
  };

  static final PrimitiveArrayCodec<short[]> SHORT = new PrimitiveArrayCodec<>("short", Short.BYTES, "shortArray") {
    @Override
    int length(short[] array) {
      return array.length;
    }

    @Override
    void write(ByteBuffer out, short[] array) {
      out.asShortBuffer().put(array);
    }

    @Override
    short[] read(ByteBuffer in, int length) {
      short[] array = new short[length];
      in.asShortBuffer().get(array);
      return array;
    }
  };

  static final PrimitiveArrayCodec<char[]> CHAR = new PrimitiveArrayCodec<>("char", Character.BYTES, "charArray") {
    @Override
    int length(char[] array) {
      return array.length;
    }

    @Override
    void write(ByteBuffer out, char[] array) {
      out.asCharBuffer().put(array);
    }

    @Override
    char[] read(ByteBuffer in, int length) {
      char[] array = new char[length];
      in.asCharBuffer().get(array);
      return array;
    }
  };

  private final String element;
  private final int elementBytes;
  private final String factory;

  private PrimitiveArrayCodec(String element, int elementBytes, String factory) {
    this.element = element;
    this.elementBytes = elementBytes;
    this.factory = factory;
  }

  abstract int length(A array);

  /** Writes all of {@code array} at the start of {@code out}, which is little-endian and exactly large enough. */
  abstract void write(ByteBuffer out, A array);

  /** Reads {@code length} elements from {@code in}, which is little-endian and holds exactly that many. */
  abstract A read(ByteBuffer in, int length);

  @Override
  public final byte[] encode(A value) {
    Objects.requireNonNull(value, "value");
    long size = (long) length(value) * elementBytes;
    if (size > Integer.MAX_VALUE) {
      throw new SpillException("Cannot encode a " + element + "[] of " + length(value) + " elements: its " + size
          + " bytes do not fit in one byte array. Split it into smaller segments.");
    }
    byte[] out = new byte[(int) size];
    write(ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN), value);
    return out;
  }

  @Override
  public final A decode(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length % elementBytes != 0) {
      throw new SpillException("Cannot decode a " + element + "[] from " + bytes.length + " bytes: the length is not"
          + " a multiple of " + elementBytes + ". Were they written by another codec than SpillCodecs." + factory
          + "()?");
    }
    return read(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN), bytes.length / elementBytes);
  }

  @Override
  public final long sizeOf(A value) {
    Objects.requireNonNull(value, "value");
    return SpillCodecs.ARRAY_HEADER + (long) length(value) * elementBytes;
  }

  @Override
  public final String toString() {
    return "SpillCodecs." + factory + "()";
  }
}
