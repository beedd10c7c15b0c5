package io.spillway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.CorruptSegmentException;
import io.spillway.api.CorruptSegmentException.Reason;
import io.spillway.api.SpillConfig;
import io.spillway.api.spi.CompressionCodec;
import io.spillway.api.spi.CompressionCodecProvider;
import io.spillway.testkit.CannotRunCodec;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compression codec that cannot run in this JVM, as a JNI codec whose native library the JVM refuses to load
 * (JDK 24+ with {@code --illegal-native-access=deny}): its class's initialisation fails, so every call throws a
 * {@link LinkageError}. Spilling must still work, stored uncompressed; reading one of its frames is
 * {@link Reason#UNSUPPORTED_ENCODING}, as for a codec not on the class path, never "corrupt".
 */
class CompressionCodecThatCannotRunTest {
  private static final int FILL_ID = 77;
  private static final byte[] PAYLOAD = filled(64 * 1024, (byte) 'x');

  @TempDir Path dir;

  @Test
  void encode_withACodecThatCannotRun_storesThePayloadUncompressed_andTriesTheCodecOnce() throws IOException {
    SpillFrames frames = frames("writer", CannotRunFillProvider.class);
    int callsBefore = CannotRunFillProvider.CODEC.calls();

    byte[] first = TestFrames.concat(frames.encode("a", PAYLOAD));
    byte[] second = TestFrames.concat(frames.encode("b", PAYLOAD));

    assertThat(first[7]).as("compression id of the first frame").isZero();
    assertThat(second[7]).as("compression id of the second frame").isZero();
    assertThat(frames.decode("a", first)).isEqualTo(PAYLOAD);
    assertThat(frames.decode("b", second)).isEqualTo(PAYLOAD);
    assertThat(CannotRunFillProvider.CODEC.calls() - callsBefore)
        .as("calls into the codec: it cannot work again in this JVM").isEqualTo(1);
  }

  @Test
  void decode_aFrameOfACodecThatCannotRunHere_isUnsupportedEncoding_notDecompressionFailed() throws IOException {
    byte[] frame = TestFrames.concat(frames("writer", FillProvider.class).encode("seg", PAYLOAD));
    assertThat(frame[7]).as("compression id: the working codec shrank the payload").isEqualTo((byte) FILL_ID);
    SpillFrames reader = frames("reader", CannotRunFillProvider.class);

    assertThatThrownBy(() -> reader.decode("seg", frame))
        .isInstanceOfSatisfying(CorruptSegmentException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_ENCODING);
          assertThat(e.segment()).isEqualTo("seg");
          assertThat(e.getCause()).isInstanceOf(LinkageError.class);
        })
        .hasMessageContaining("'fill' cannot run in this JVM")
        .hasMessageContaining("passed its checksum");
  }

  private SpillFrames frames(String name, Class<? extends CompressionCodecProvider> provider) throws IOException {
    Path root = dir.resolve(name);
    Path services = root.resolve("META-INF/services/" + CompressionCodecProvider.class.getName());
    Files.createDirectories(services.getParent());
    Files.writeString(services, provider.getName() + "\n", StandardCharsets.UTF_8);
    URLClassLoader loader = new URLClassLoader(new URL[] {root.toUri().toURL()}, getClass().getClassLoader());
    SpillConfig config = SpillConfig.builder().compression("fill").build();
    return SpillFrames.create(config, ChecksumCodecs.load(), CompressionCodecs.load(loader, config));
  }

  private static byte[] filled(int length, byte value) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, value);
    return bytes;
  }

  /** "fill": a payload of one repeated byte, stored as that byte. Works on nothing else; enough for these tests. */
  private static final class Fill implements CompressionCodec {
    @Override
    public String name() {
      return "fill";
    }

    @Override
    public int id() {
      return FILL_ID;
    }

    @Override
    public int maxCompressedLength(int length) {
      return 1;
    }

    @Override
    public int compress(byte[] src, int srcOffset, int srcLength, byte[] dest, int destOffset) {
      for (int i = 1; i < srcLength; i++) {
        if (src[srcOffset + i] != src[srcOffset]) {
          throw new IllegalArgumentException("fill compresses runs of one byte only");
        }
      }
      dest[destOffset] = src[srcOffset];
      return 1;
    }

    @Override
    public int decompress(byte[] src, int srcOffset, int srcLength, byte[] dest, int destOffset, int destLength) {
      Arrays.fill(dest, destOffset, destOffset + destLength, src[srcOffset]);
      return destLength;
    }

    @Override
    public long maxExpansion() {
      return Integer.MAX_VALUE;
    }
  }

  /** Provides "fill"; the subclasses choose which. */
  private abstract static class NamedFill implements CompressionCodecProvider {
    @Override
    public String name() {
      return "fill";
    }
  }

  public static final class FillProvider extends NamedFill {
    @Override
    public CompressionCodec create(SpillConfig config) {
      return new Fill();
    }
  }

  public static final class CannotRunFillProvider extends NamedFill {
    static final CannotRunCodec CODEC = new CannotRunCodec("fill", FILL_ID);

    @Override
    public CompressionCodec create(SpillConfig config) {
      return CODEC;
    }
  }
}
