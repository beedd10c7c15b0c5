package io.spillway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.api.spi.ChecksumCodec;
import io.spillway.core.TestCodecProviders.Adler32Provider;
import io.spillway.core.TestCodecProviders.FailingConstructorProvider;
import io.spillway.core.TestCodecProviders.FailingCreateProvider;
import io.spillway.core.TestCodecProviders.PriorityCrc32Provider;
import io.spillway.core.TestCodecProviders.SameIdProvider;
import io.spillway.core.TestCodecProviders.ShadowedIdProvider;
import io.spillway.core.TestCodecProviders.TwinAProvider;
import io.spillway.core.TestCodecProviders.TwinBProvider;
import io.spillway.core.TestCodecProviders.WideIdProvider;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class ChecksumCodecsTest {
  @TempDir Path dir;

  private final Logger logger = (Logger) LoggerFactory.getLogger(ChecksumCodecs.class);
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();

  @BeforeEach
  void captureLog() {
    log.start();
    logger.addAppender(log);
  }

  @AfterEach
  void releaseLog() {
    logger.detachAppender(log);
  }

  private List<String> warnings() {
    return log.list.stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  @Test
  void load_findsTheBuiltInCodecs() {
    ChecksumCodecs codecs = ChecksumCodecs.load();
    assertThat(codecs.names()).containsExactly("crc32", "crc32c", "fold32");
    assertThat(codecs.codecs()).extracting(ChecksumCodec::id).containsExactly(1, 2, 3);
    assertThat(warnings()).isEmpty();
  }

  @Test
  void byName_andById_returnTheSameCodec() {
    ChecksumCodecs codecs = ChecksumCodecs.load();
    assertThat(codecs.byName("crc32").id()).isEqualTo(1);
    assertThat(codecs.byName("crc32c").id()).isEqualTo(2);
    assertThat(codecs.byName("fold32").id()).isEqualTo(3);
    assertThat(codecs.byId(1).name()).isEqualTo("crc32");
    assertThat(codecs.byId(2).name()).isEqualTo("crc32c");
    assertThat(codecs.byId(3).name()).isEqualTo("fold32");
  }

  @Test
  void byName_unknownName_listsTheNamesFound() {
    assertThatThrownBy(() -> ChecksumCodecs.load().byName("xxhash"))
        .isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining("'xxhash'")
        .hasMessageContaining("found: crc32, crc32c, fold32");
  }

  @Test
  void byId_unknownId_listsTheIdsFound() {
    assertThatThrownBy(() -> ChecksumCodecs.load().byId(99))
        .isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining("id 99")
        .hasMessageContaining("crc32 = 1, crc32c = 2, fold32 = 3");
  }

  @Test
  void forWriting_fold32_isRefused() {
    ChecksumCodecs codecs = ChecksumCodecs.load();
    assertThat(codecs.byName("fold32").writable()).isFalse();
    assertThatThrownBy(() -> codecs.forWriting("fold32"))
        .isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining("'fold32'")
        .hasMessageContaining("crc32, crc32c");
    assertThat(codecs.forWriting("crc32c").name()).isEqualTo("crc32c");
  }

  @Test
  void load_pluginOnClassPath_isFoundByNameAndId() throws Exception {
    try (URLClassLoader loader = TestCodecProviders.loaderWith(dir, Adler32Provider.class)) {
      ChecksumCodecs codecs = ChecksumCodecs.load(loader);
      assertThat(codecs.names()).containsExactly("adler32", "crc32", "crc32c", "fold32");
      assertThat(codecs.byId(64).name()).isEqualTo("adler32");
      assertThat(codecs.forWriting("adler32").id()).isEqualTo(64);
    }
  }

  @Test
  void load_usesTheContextClassLoader() throws Exception {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    try (URLClassLoader loader = TestCodecProviders.loaderWith(dir, Adler32Provider.class)) {
      thread.setContextClassLoader(loader);
      assertThat(ChecksumCodecs.load().names()).contains("adler32");
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  @Test
  void load_brokenPlugins_areWarnedAboutAndSkipped() throws Exception {
    try (URLClassLoader loader = TestCodecProviders.loaderWith(dir,
        "io.spillway.core.NoSuchCodecProvider",
        FailingConstructorProvider.class.getName(),
        FailingCreateProvider.class.getName(),
        WideIdProvider.class.getName(),
        Adler32Provider.class.getName())) {
      ChecksumCodecs codecs = ChecksumCodecs.load(loader);

      assertThat(codecs.names()).containsExactly("adler32", "crc32", "crc32c", "fold32");
      assertThat(codecs.forWriting("crc32c").id()).isEqualTo(2);
      assertThat(warnings()).hasSize(4);
      assertThat(String.join("\n", warnings()))
          .contains("NoSuchCodecProvider")
          .contains("FailingConstructorProvider")
          .contains("create failed on purpose")
          .contains("codec id 300 is outside 0-255");
    }
  }

  @Test
  void byName_brokenPluginAskedFor_fails() throws Exception {
    try (URLClassLoader loader = TestCodecProviders.loaderWith(dir, FailingCreateProvider.class)) {
      ChecksumCodecs codecs = ChecksumCodecs.load(loader);
      assertThatThrownBy(() -> codecs.byName("broken"))
          .isInstanceOf(SpillConfigurationException.class)
          .hasMessageContaining("'broken'")
          .hasMessageContaining(FailingCreateProvider.class.getName())
          .hasRootCauseMessage("create failed on purpose");
      SpillConfig config = SpillConfig.builder().checksum("broken").build();
      assertThatThrownBy(() -> SpillFrames.create(config, codecs)).isInstanceOf(SpillConfigurationException.class);
    }
  }

  @Test
  void byName_unknownWhilePluginsFailedToLoad_mentionsTheFailures() throws Exception {
    try (URLClassLoader loader = TestCodecProviders.loaderWith(dir, "io.spillway.core.NoSuchCodecProvider")) {
      ChecksumCodecs codecs = ChecksumCodecs.load(loader);
      assertThatThrownBy(() -> codecs.byName("xxhash"))
          .isInstanceOf(SpillConfigurationException.class)
          .hasMessageContaining("found: crc32, crc32c, fold32")
          .hasMessageContaining("NoSuchCodecProvider")
          .hasCauseInstanceOf(ServiceConfigurationError.class);
    }
  }

  @Test
  void byName_duplicateNameOfHigherPriority_wins() throws Exception {
    try (URLClassLoader loader = TestCodecProviders.loaderWith(dir, PriorityCrc32Provider.class)) {
      ChecksumCodecs codecs = ChecksumCodecs.load(loader);
      assertThat(codecs.byName("crc32")).isSameAs(PriorityCrc32Provider.CODEC);
      assertThat(codecs.byId(1)).isSameAs(PriorityCrc32Provider.CODEC);
    }
  }

  @Test
  void byName_codecWhoseIdIsTakenByHigherPriority_isSetAside() throws Exception {
    try (URLClassLoader loader = TestCodecProviders.loaderWith(dir, ShadowedIdProvider.class)) {
      ChecksumCodecs codecs = ChecksumCodecs.load(loader);
      assertThat(codecs.byId(2).name()).isEqualTo("crc32c");
      assertThat(codecs.names()).doesNotContain("shadow");
      assertThatThrownBy(() -> codecs.byName("shadow"))
          .isInstanceOf(SpillConfigurationException.class)
          .hasMessageContaining(ShadowedIdProvider.class.getName())
          .hasMessageContaining("'crc32c'");
    }
  }

  @Test
  void byName_tieOnName_namesBothClasses() throws Exception {
    try (URLClassLoader loader = TestCodecProviders.loaderWith(dir, TwinAProvider.class, TwinBProvider.class)) {
      ChecksumCodecs codecs = ChecksumCodecs.load(loader);
      assertThatThrownBy(() -> codecs.byName("twin"))
          .isInstanceOf(SpillConfigurationException.class)
          .hasMessageContaining(TwinAProvider.class.getName())
          .hasMessageContaining(TwinBProvider.class.getName());
      // The built-ins are untouched by the quarrel.
      assertThat(codecs.byName("crc32c").id()).isEqualTo(2);
    }
  }

  @Test
  void byId_tieOnId_namesBothClasses() throws Exception {
    try (URLClassLoader loader = TestCodecProviders.loaderWith(dir, TwinAProvider.class, SameIdProvider.class)) {
      ChecksumCodecs codecs = ChecksumCodecs.load(loader);
      assertThatThrownBy(() -> codecs.byId(70))
          .isInstanceOf(SpillConfigurationException.class)
          .hasMessageContaining(TwinAProvider.class.getName())
          .hasMessageContaining(SameIdProvider.class.getName());
    }
  }

  @Test
  void create_unknownOrReadOnlyCodec_fails() {
    assertThatThrownBy(() -> SpillFrames.create(SpillConfig.builder().checksum("md5").build()))
        .isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining("found: crc32, crc32c, fold32");
    assertThatThrownBy(() -> SpillFrames.create(SpillConfig.builder().checksum("fold32").build()))
        .isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining("fold32");
  }

  @Test
  void create_defaults_writeV3WithCrc32c() {
    SpillFrames frames = SpillFrames.create(SpillConfig.defaults());
    assertThat(frames.version()).isEqualTo(3);
    assertThat(frames.codec().name()).isEqualTo("crc32c");
    byte[] frame = TestFrames.concat(frames.encode("s", TestFrames.DIGITS));
    assertThat(frame[4]).isEqualTo((byte) 3);
    assertThat(frame[6]).isEqualTo((byte) 2);
  }

  @Test
  void create_frameVersion2_writesWhatRedDbReads() {
    // RedDB's reader: "SPIL", version 2, CRC-32 IEEE of the payload (u32 LE), payload length (u64 LE), payload.
    SpillFrames frames = SpillFrames.create(SpillConfig.builder().frameVersion(2).build());
    assertThat(frames.version()).isEqualTo(2);
    assertThat(frames.codec().name()).isEqualTo("crc32");

    byte[] frame = TestFrames.concat(frames.encode("hosts", TestFrames.DIGITS));

    ByteBuffer b = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(new String(frame, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("SPIL");
    assertThat(b.get(4)).isEqualTo((byte) 2);
    assertThat(b.getInt(5)).isEqualTo(0xCBF43926);
    assertThat(b.getLong(9)).isEqualTo(9L);
    assertThat(frame).hasSize(17 + 9);
    assertThat(Arrays.copyOfRange(frame, 17, frame.length)).isEqualTo(TestFrames.DIGITS);
  }

  @Test
  void create_frameVersion2_ignoresTheV3CodecSetting() {
    SpillConfig config = SpillConfig.builder().frameVersion(2).checksum("crc32c").build();
    byte[] payload = {1, 2, 3};
    byte[] frame = TestFrames.concat(SpillFrames.create(config).encode("x", payload));
    CRC32 expected = new CRC32();
    expected.update(payload);
    assertThat(ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN).getInt(5)).isEqualTo((int) expected.getValue());
  }
}
