package io.spillway.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.CorruptSegmentException;
import io.spillway.api.SpillConfig;
import io.spillway.core.TestFrames.ByteArrayChannel;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * The decoder's promise, checked on arbitrary input: it hands back exactly the payload that was framed, or throws
 * {@link CorruptSegmentException} &mdash; never another exception, never other bytes.
 */
class SpillFramesPropertyTest {

  /** A frame as written, before any damage. */
  record Written(int version, String codec, String segment, byte[] payload) {
    SpillFrames frames() {
      return SpillFrames.create(SpillConfig.builder().frameVersion(version).checksum(codec).build());
    }

    byte[] frame() {
      return TestFrames.concat(frames().encode(segment, payload));
    }

    @Override
    public String toString() {
      return "v" + version + " " + codec + " '" + segment + "' " + payload.length + " bytes";
    }
  }

  enum Kind { FLIP_BIT, SET_BYTE, INSERT, DELETE, SWAP, TRUNCATE, APPEND }

  /** One damage; positions are taken modulo the frame's length so that every one applies. */
  record Mutation(Kind kind, int position, int other, byte value) {
    byte[] apply(byte[] frame) {
      int n = frame.length;
      int at = n == 0 ? 0 : Math.floorMod(position, n);
      switch (kind) {
        case FLIP_BIT: {
          if (n == 0) {
            return frame;
          }
          byte[] out = frame.clone();
          out[at] ^= (byte) (1 << Math.floorMod(other, 8));
          return out;
        }
        case SET_BYTE: {
          if (n == 0) {
            return frame;
          }
          byte[] out = frame.clone();
          out[at] = value;
          return out;
        }
        case INSERT: {
          byte[] out = new byte[n + 1];
          System.arraycopy(frame, 0, out, 0, at);
          out[at] = value;
          System.arraycopy(frame, at, out, at + 1, n - at);
          return out;
        }
        case DELETE: {
          if (n == 0) {
            return frame;
          }
          byte[] out = new byte[n - 1];
          System.arraycopy(frame, 0, out, 0, at);
          System.arraycopy(frame, at + 1, out, at, n - at - 1);
          return out;
        }
        case SWAP: {
          if (n == 0) {
            return frame;
          }
          byte[] out = frame.clone();
          int to = Math.floorMod(other, n);
          byte t = out[at];
          out[at] = out[to];
          out[to] = t;
          return out;
        }
        case TRUNCATE:
          return Arrays.copyOf(frame, at);
        case APPEND: {
          byte[] out = Arrays.copyOf(frame, n + 1 + Math.floorMod(other, 4));
          Arrays.fill(out, n, out.length, value);
          return out;
        }
        default:
          throw new AssertionError(kind);
      }
    }
  }

  @Provide
  Arbitrary<Written> written() {
    Arbitrary<Integer> versions = Arbitraries.of(2, 3);
    Arbitrary<String> codecs = Arbitraries.of("crc32", "crc32c");
    Arbitrary<String> names = Arbitraries.strings()
        .withCharRange(' ', '~')
        .withCharRange('\u00a0', '\u3000')
        .ofMinLength(1)
        .ofMaxLength(24);
    Arbitrary<byte[]> payloads = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    return Combinators.combine(versions, codecs, names, payloads).as(Written::new);
  }

  @Provide
  Arbitrary<List<Mutation>> mutations() {
    Arbitrary<Mutation> one = Combinators.combine(
            Arbitraries.of(Kind.class),
            Arbitraries.integers().between(0, 1 << 16),
            Arbitraries.integers().between(0, 1 << 16),
            Arbitraries.bytes())
        .as(Mutation::new);
    return one.list().ofMinSize(1).ofMaxSize(4);
  }

  /** Bytes that pass the magic and name a known version, so that they reach the deeper checks. */
  @Provide
  Arbitrary<byte[]> framedNoise() {
    Arbitrary<byte[]> rest = Arbitraries.bytes().array(byte[].class).ofMaxSize(80);
    return Combinators.combine(Arbitraries.of(1, 2, 3), rest).as((version, tail) -> {
      byte[] out = new byte[5 + tail.length];
      out[0] = 'S';
      out[1] = 'P';
      out[2] = 'I';
      out[3] = 'L';
      out[4] = (byte) (int) version;
      System.arraycopy(tail, 0, out, 5, tail.length);
      return out;
    });
  }

  @Property(tries = 500)
  void decode_encodedFrame_returnsThePayload(@ForAll("written") Written w) throws IOException {
    byte[] frame = w.frame();
    assertThat((long) frame.length).isEqualTo(w.frames().frameLength(w.segment(), w.payload().length));
    assertThat(SpillFrames.decode(frame)).isEqualTo(w.payload());
    assertThat(w.frames().decode(w.segment(), frame)).isEqualTo(w.payload());
    assertThat(w.frames().decode(w.segment(), new ByteArrayChannel(frame, 7))).isEqualTo(w.payload());
  }

  @Property(tries = 1500)
  void decode_mutatedFrame_returnsTheOriginalPayloadOrThrowsCorrupt(
      @ForAll("written") Written w, @ForAll("mutations") List<Mutation> damage) throws IOException {
    byte[] frame = w.frame();
    for (Mutation m : damage) {
      frame = m.apply(frame);
    }
    SpillFrames frames = w.frames();
    byte[] damaged = frame;

    Outcome fromArray = Outcome.of(() -> frames.decode(w.segment(), damaged));
    Outcome anonymous = Outcome.of(() -> SpillFrames.decode(damaged));
    Outcome fromChannel = Outcome.of(() -> frames.decode(w.segment(), new ByteArrayChannel(damaged, 5)));

    for (Outcome outcome : List.of(fromArray, anonymous, fromChannel)) {
      outcome.assertPayloadOrCorrupt(w.payload());
    }
    assertThat(fromChannel.reason()).as("channel and array decoding agree").isEqualTo(fromArray.reason());
  }

  @Property(tries = 1000)
  void decode_arbitraryBytes_throwsOnlyCorrupt(@ForAll @Size(max = 64) byte[] bytes) {
    Outcome.of(() -> SpillFrames.decode(bytes)).assertCorruptOrAnyPayload();
  }

  @Property(tries = 2000)
  void decode_noiseAfterTheMagic_throwsOnlyCorrupt(@ForAll("framedNoise") byte[] bytes) {
    Outcome.of(() -> SpillFrames.decode(bytes)).assertCorruptOrAnyPayload();
    Outcome.of(() -> SpillFrames.create(SpillConfig.defaults()).decode("s", new ByteArrayChannel(bytes, 3)))
        .assertCorruptOrAnyPayload();
  }

  @FunctionalInterface
  interface Decode {
    byte[] run() throws IOException;
  }

  /** What a decode did: returned bytes, threw {@link CorruptSegmentException}, or threw anything else. */
  record Outcome(byte @Nullable [] payload, @Nullable Throwable thrown) {
    static Outcome of(Decode decode) {
      try {
        return new Outcome(decode.run(), null);
      } catch (Throwable t) { // everything, OutOfMemoryError and friends included, is evidence here
        return new Outcome(null, t);
      }
    }

    CorruptSegmentException.@Nullable Reason reason() {
      return thrown instanceof CorruptSegmentException ? ((CorruptSegmentException) thrown).reason() : null;
    }

    void assertPayloadOrCorrupt(byte[] original) {
      if (thrown == null) {
        assertThat(payload).as("bytes handed back from a damaged frame").isEqualTo(original);
      } else {
        assertThat(thrown).as("only CorruptSegmentException may escape").isInstanceOf(CorruptSegmentException.class);
      }
    }

    void assertCorruptOrAnyPayload() {
      if (thrown != null) {
        assertThat(thrown).as("only CorruptSegmentException may escape").isInstanceOf(CorruptSegmentException.class);
      } else {
        Objects.requireNonNull(payload);
      }
    }
  }
}
