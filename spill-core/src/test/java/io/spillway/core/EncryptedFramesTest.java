package io.spillway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.primitives.Bytes;
import io.spillway.api.CorruptSegmentException;
import io.spillway.api.CorruptSegmentException.Reason;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.core.TestFrames.ByteArrayChannel;
import io.spillway.core.internal.SharedLoop;
import io.spillway.core.keys.KeyFileKeyProvider;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AES-256-GCM frames (flag 0x02): round trips, and tampering, renaming, replay and a wrong key detected. */
class EncryptedFramesTest {
  private static final SpillConfig ENCRYPTED = SpillConfig.builder().encryption("aes-gcm").build();

  @TempDir
  Path temp;

  private static byte[] payload(int length, long seed) {
    byte[] bytes = new byte[length];
    new SplittableRandom(seed).nextBytes(bytes);
    return bytes;
  }

  private static byte[] frame(EncodedFrame encoded) {
    return TestFrames.concat(encoded.buffers());
  }

  private static Reason reasonOf(Runnable decode) {
    try {
      decode.run();
    } catch (CorruptSegmentException e) {
      return e.reason();
    }
    throw new AssertionError("decoded");
  }

  @Test
  void roundTrip_throughArrayAndChannel_andThePlaintextIsNowhereInTheFrame() throws IOException {
    SpillFrames frames = SpillFrames.create(ENCRYPTED);
    for (int length : new int[] {0, 1, 100, 70_000}) {
      byte[] payload = payload(length, length);
      EncodedFrame encoded = frames.encodeFrame("seg-" + length, payload, OptionalLong.empty());
      byte[] frame = frame(encoded);

      assertThat(frame[5] & 0x02).as("encrypted flag").isEqualTo(0x02);
      assertThat((long) frame.length).isEqualTo(frames.frameLength("seg-" + length, length));
      assertThat(frames.decode("seg-" + length, frame)).isEqualTo(payload);
      assertThat(frames.decode("seg-" + length, new ByteArrayChannel(frame, 4093), encoded.serial()))
          .isEqualTo(payload);
      if (length >= 16) {
        assertThat(Bytes.indexOf(frame, Arrays.copyOf(payload, 16))).as("plaintext in the frame").isNegative();
      }
    }
    assertThat(frames.encryption()).isEqualTo("aes-gcm");
  }

  @Test
  void chunkBoundaries_roundTrip_andTheRegionIsANonceAndATagPerChunk() {
    SpillFrames frames = SpillFrames.create(ENCRYPTED);
    int chunk = FrameEncryption.CHUNK;
    for (int length : new int[] {chunk - 1, chunk, chunk + 1, 2 * chunk, 3 * chunk + 7}) {
      byte[] payload = payload(length, length);
      byte[] frame = frame(frames.encodeFrame("c", payload, OptionalLong.empty()));
      int chunks = (length + chunk - 1) / chunk;

      assertThat(frame.length).as("%d bytes", length).isEqualTo(18 + 1 + 4 + 12 + length + 16 * chunks + 4);
      assertThat(frames.decode("c", frame)).isEqualTo(payload);
    }
  }

  @Test
  void chunksSwappedOrTheLastDropped_withChecksumsRedone_failAuthentication() {
    SpillFrames frames = SpillFrames.create(ENCRYPTED);
    int chunk = FrameEncryption.CHUNK;
    byte[] frame = frame(frames.encodeFrame("c", payload(2 * chunk, 12), OptionalLong.empty()));
    int headerLength = 18 + 1 + 4;
    int first = headerLength + 12;
    int sealed = chunk + 16;

    byte[] swapped = frame.clone();
    System.arraycopy(frame, first, swapped, first + sealed, sealed);
    System.arraycopy(frame, first + sealed, swapped, first, sealed);
    rechecksumPayload(swapped, headerLength);
    assertThat(reasonOf(() -> frames.decode("c", swapped))).isEqualTo(Reason.AUTHENTICATION_FAILED);

    byte[] dropped = java.util.Arrays.copyOf(frame, first + sealed + 4);
    ByteBuffer header = ByteBuffer.wrap(dropped).order(ByteOrder.LITTLE_ENDIAN);
    header.putLong(10, 12 + sealed);
    header.putInt(18 + 1, TestFrames.crc32c(dropped, 0, 18 + 1));
    rechecksumPayload(dropped, headerLength);
    assertThat(reasonOf(() -> frames.decode("c", dropped))).as("a first chunk passed off as the last")
        .isEqualTo(Reason.AUTHENTICATION_FAILED);
  }

  @Test
  void registeredSize_isCarriedAndAuthenticated() {
    SpillFrames frames = SpillFrames.create(ENCRYPTED);
    byte[] frame = frame(frames.encodeFrame("sized", payload(50, 1), OptionalLong.of(4096)));

    assertThat(frames.decode("sized", frame)).isEqualTo(payload(50, 1));
    assertThat(frame[5]).isEqualTo((byte) 0x03);
  }

  @Test
  void everyBitFlipAndTruncation_ofASmallEncryptedFrame_isCorruptSegmentExceptionOnly() {
    SpillFrames frames = SpillFrames.create(ENCRYPTED);
    byte[] frame = frame(frames.encodeFrame("s", payload(24, 2), OptionalLong.empty()));

    for (int bit = 0; bit < frame.length * 8; bit++) {
      byte[] flipped = frame.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      assertThatThrownBy(() -> frames.decode("s", flipped)).as("bit %d", bit)
          .isInstanceOf(CorruptSegmentException.class);
    }
    for (int length = 0; length < frame.length; length++) {
      byte[] cut = Arrays.copyOf(frame, length);
      assertThatThrownBy(() -> frames.decode("s", cut)).as("first %d bytes", length)
          .isInstanceOf(CorruptSegmentException.class);
    }
  }

  @Test
  void alteredCiphertextWithItsChecksumRedone_failsAuthentication() {
    SpillFrames frames = SpillFrames.create(ENCRYPTED);
    byte[] frame = frame(frames.encodeFrame("s", payload(64, 3), OptionalLong.empty()));
    int headerLength = 18 + 1 + 4;
    for (int at = headerLength; at < frame.length - 4; at++) {
      byte[] altered = frame.clone();
      altered[at] ^= 0x40;
      rechecksumPayload(altered, headerLength);
      assertThat(reasonOf(() -> frames.decode("s", altered))).as("byte %d", at)
          .isEqualTo(Reason.AUTHENTICATION_FAILED);
    }
  }

  @Test
  void aFrameMovedToAnotherName_withItsChecksumsRedone_failsAuthentication() {
    SpillFrames frames = SpillFrames.create(ENCRYPTED);
    byte[] frame = frame(frames.encodeFrame("alpha", payload(64, 4), OptionalLong.empty()));
    byte[] moved = frame.clone();
    System.arraycopy("omega".getBytes(StandardCharsets.UTF_8), 0, moved, 18, 5);
    int covered = 18 + 5;
    ByteBuffer.wrap(moved).order(ByteOrder.LITTLE_ENDIAN).putInt(covered, TestFrames.crc32c(moved, 0, covered));

    assertThat(reasonOf(() -> frames.decode("omega", moved))).isEqualTo(Reason.AUTHENTICATION_FAILED);
  }

  @Test
  void anOlderFramePutBack_isRefused_whenTheReaderKnowsTheLatestSerial() throws IOException {
    SpillFrames frames = SpillFrames.create(ENCRYPTED);
    EncodedFrame first = frames.encodeFrame("s", payload(64, 5), OptionalLong.empty());
    EncodedFrame second = frames.encodeFrame("s", payload(64, 6), OptionalLong.empty());

    assertThat(frames.decode("s", new ByteArrayChannel(frame(second), 64), second.serial()))
        .isEqualTo(payload(64, 6));
    CorruptSegmentException replayed = (CorruptSegmentException) org.assertj.core.api.Assertions.catchThrowable(
        () -> frames.decode("s", new ByteArrayChannel(frame(first), 64), second.serial()));
    assertThat(replayed.reason()).isEqualTo(Reason.AUTHENTICATION_FAILED);
    assertThat(replayed).hasMessageContaining("not the one last written");
  }

  @Test
  void anotherManagersKey_failsAuthentication_andAKeylessReaderRefusesTheFrame() {
    byte[] frame = frame(SpillFrames.create(ENCRYPTED).encodeFrame("s", payload(64, 7), OptionalLong.empty()));

    assertThat(reasonOf(() -> SpillFrames.create(ENCRYPTED).decode("s", frame)))
        .isEqualTo(Reason.AUTHENTICATION_FAILED);
    assertThat(reasonOf(() -> SpillFrames.decode(frame))).isEqualTo(Reason.UNSUPPORTED_ENCODING);
    assertThat(reasonOf(() -> SpillFrames.create(SpillConfig.defaults()).decode("s", frame)))
        .isEqualTo(Reason.UNSUPPORTED_ENCODING);
  }

  @Test
  void persistentSession_takesItsKeyFromTheProvider_soTheNextManagerReadsItsFrames() throws IOException {
    Path key = temp.resolve("spill.key");
    Files.write(key, payload(32, 8));
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    SpillConfig config = SpillConfig.builder().encryption("aes-gcm").persistentSession("jobs")
        .option("encryption.keyProvider", "key-file").option(KeyFileKeyProvider.KEY_FILE, key.toString()).build();
    byte[] frame = frame(SpillFrames.create(config).encodeFrame("s", payload(99, 9), OptionalLong.of(99)));

    assertThat(SpillFrames.create(config).decode("s", frame)).isEqualTo(payload(99, 9));
    Files.write(key, payload(32, 10));
    assertThat(reasonOf(() -> SpillFrames.create(config).decode("s", frame)))
        .as("after the key changed").isEqualTo(Reason.AUTHENTICATION_FAILED);
  }

  @Test
  void persistentSession_withoutOrWithAnUnknownKeyProvider_failsNamingTheOption() {
    SpillConfig.Builder base = SpillConfig.builder().encryption("aes-gcm").persistentSession("jobs");
    assertThatThrownBy(() -> SpillFrames.create(base.build())).isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining("encryption.keyProvider").hasMessageContaining("key-file");
    assertThatThrownBy(() -> SpillFrames.create(SpillConfig.builder().encryption("aes-gcm")
        .persistentSession("jobs").option("encryption.keyProvider", "vault").build()))
        .isInstanceOf(SpillConfigurationException.class).hasMessageContaining("vault").hasMessageContaining("env");
  }

  @Test
  void config_refusesUnknownEncryptionAndV2Frames() {
    assertThatThrownBy(() -> SpillConfig.builder().encryption("rot13")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("aes-gcm");
    assertThatThrownBy(() -> SpillConfig.builder().encryption("aes-gcm").frameVersion(2).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("version 3");
  }

  /** Recomputes the trailing payload checksum of a frame whose payload starts at {@code start}. */
  @Test
  void framesSealedAndOpenedOnSeveralThreads_roundTrip_andAnAlteredMiddleChunkFailsAuthentication()
      throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      FrameEncryption encryption = new FrameEncryption(FrameCipher.withRandomKey(), SharedLoop.on(pool, 3, 8, 4));
      byte[] header = {1, 2, 3, 4, 5};
      int chunk = FrameEncryption.CHUNK;
      for (int length : new int[] {40 * chunk, 40 * chunk - 3, 9 * chunk}) {
        byte[] plain = payload(length, length);
        byte[] region = new byte[FrameEncryption.sealedLength(length)];
        long serial = encryption.seal(header, plain, 0, length, region);

        assertThat(encryption.open("s", header, region, 0, region.length, serial)).isEqualTo(plain);
        byte[] altered = region.clone();
        altered[FrameCipher.NONCE_BYTES + 5 * (chunk + FrameCipher.TAG_BYTES) + 99] ^= 1;
        assertThat(reasonOf(() -> encryption.open("s", header, altered, 0, altered.length, serial)))
            .isEqualTo(Reason.AUTHENTICATION_FAILED);
      }
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static void rechecksumPayload(byte[] frame, int start) {
    int end = frame.length - 4;
    ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN).putInt(end, TestFrames.crc32c(frame, start, end - start));
  }
}
