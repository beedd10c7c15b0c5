package io.spillway.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.CorruptSegmentException.Reason;
import io.spillway.api.SpillConfig;
import io.spillway.core.SpillFramesPropertyTest.Mutation;
import io.spillway.core.SpillFramesPropertyTest.Outcome;
import io.spillway.core.TestFrames.ByteArrayChannel;
import java.util.List;
import java.util.OptionalLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The decoder's promise for encrypted frames, on arbitrary payloads, names and damage: exactly the payload that was
 * sealed, or {@link io.spillway.api.CorruptSegmentException} &mdash; never another exception, never other bytes;
 * and under another key, or against the serial of another frame, always {@link Reason#AUTHENTICATION_FAILED}.
 */
class EncryptedFramesPropertyTest {
  private static final SpillConfig ENCRYPTED = SpillConfig.builder().encryption("aes-gcm").build();
  /** One writer (one key) for every try: a cipher per try would spend the time making keys. */
  private static final SpillFrames WRITER = SpillFrames.create(ENCRYPTED);
  private static final SpillFrames OTHER_KEY = SpillFrames.create(ENCRYPTED);

  /** A frame as sealed, before any damage. */
  record Sealed(String segment, byte[] payload, boolean sized, EncodedFrame encoded) {
    byte[] frame() {
      return TestFrames.concat(encoded.buffers());
    }

    @Override
    public String toString() {
      return "'" + segment + "' " + payload.length + " bytes" + (sized ? ", sized" : "");
    }
  }

  @Provide
  Arbitrary<Sealed> sealed() {
    Arbitrary<String> names = Arbitraries.strings().withCharRange(' ', '~').withCharRange('\u00a0', '\u3000')
        .ofMinLength(1).ofMaxLength(24);
    Arbitrary<byte[]> payloads = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    return Combinators.combine(names, payloads, Arbitraries.of(true, false)).as((name, payload, sized) ->
        new Sealed(name, payload, sized, WRITER.encodeFrame(name, payload,
            sized ? OptionalLong.of(payload.length) : OptionalLong.empty())));
  }

  @Provide
  Arbitrary<List<Mutation>> mutations() {
    return new SpillFramesPropertyTest().mutations();
  }

  @Property(tries = 300)
  void decode_sealedFrame_returnsThePayload_onlyWithItsKeyAndSerial(@ForAll("sealed") Sealed s) throws Exception {
    byte[] frame = s.frame();

    assertThat(WRITER.decode(s.segment(), frame)).isEqualTo(s.payload());
    assertThat(WRITER.decode(s.segment(), new ByteArrayChannel(frame, 7), s.encoded().serial()))
        .isEqualTo(s.payload());
    assertThat(Outcome.of(() -> OTHER_KEY.decode(s.segment(), frame)).reason())
        .isEqualTo(Reason.AUTHENTICATION_FAILED);
    long newer = WRITER.encodeFrame(s.segment(), s.payload(), OptionalLong.empty()).serial();
    assertThat(Outcome.of(() -> WRITER.decode(s.segment(), new ByteArrayChannel(frame, 7), newer)).reason())
        .as("an older frame than the one last written").isEqualTo(Reason.AUTHENTICATION_FAILED);
  }

  @Property(tries = 1500)
  void decode_mutatedSealedFrame_returnsThePayloadOrThrowsCorrupt(
      @ForAll("sealed") Sealed s, @ForAll("mutations") List<Mutation> damage) {
    byte[] frame = s.frame();
    for (Mutation m : damage) {
      frame = m.apply(frame);
    }
    byte[] damaged = frame;

    Outcome fromArray = Outcome.of(() -> WRITER.decode(s.segment(), damaged));
    Outcome fromChannel = Outcome.of(() -> WRITER.decode(s.segment(), new ByteArrayChannel(damaged, 5),
        s.encoded().serial()));
    Outcome keyless = Outcome.of(() -> SpillFrames.decode(damaged));

    fromArray.assertPayloadOrCorrupt(s.payload());
    fromChannel.assertPayloadOrCorrupt(s.payload());
    keyless.assertPayloadOrCorrupt(s.payload());
    assertThat(keyless.payload()).as("no key, no bytes").isNull();
  }
}
