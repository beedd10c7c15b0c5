package io.spillway.store.file;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.SegmentNames;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileNamesTest {

  @Test
  void forKey_plainCharacters_keptAndOthersEscapedLowercaseHex() {
    assertThat(FileNames.forKey("abc-09_z").dataFile()).isEqualTo("k-abc-09_z.spill");
    assertThat(FileNames.forKey("Key").dataFile()).isEqualTo("k-%4bey.spill");
    assertThat(FileNames.forKey("../x").dataFile()).isEqualTo("k-%2e%2e%2fx.spill");
    assertThat(FileNames.forKey("\u00e9").dataFile()).isEqualTo("k-%c3%a9.spill");
    assertThat(FileNames.forKey("a").sidecarFile()).isNull();
  }

  @Test
  void forKey_escapedLongerThanLimit_usesHashAndSidecar() {
    String atLimit = "a".repeat(FileNames.MAX_ESCAPED);
    String overLimit = "a".repeat(FileNames.MAX_ESCAPED + 1);
    String escapedOver = "A".repeat(FileNames.MAX_ESCAPED / 3 + 1);

    assertThat(FileNames.forKey(atLimit).dataFile()).isEqualTo("k-" + atLimit + ".spill");
    FileNames.Mapping hashed = FileNames.forKey(overLimit);
    String hash = FileNames.sha256Hex(overLimit.getBytes(UTF_8));
    assertThat(hashed.dataFile()).isEqualTo("h-" + hash + ".spill");
    assertThat(hashed.sidecarFile()).isEqualTo("h-" + hash + ".key");
    assertThat(FileNames.forKey(escapedOver).sidecarFile()).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "Key", "../x", "/etc/passwd", "a\\b", "..", ".", "CON", "nul\u0000byte", "line\nbreak",
      "emoji \uD83D\uDE80", "%41", "k-x.spill", "-", "_"})
  void keyOfPlain_ofForKey_returnsKey(String key) {
    String file = FileNames.forKey(key).dataFile();

    assertThat(FileNames.keyOfPlain(file)).isEqualTo(key);
  }

  @Test
  void forKey_randomValidKeys_roundTripWithSafeDistinctNames() {
    SplittableRandom random = new SplittableRandom(7);
    Set<String> keys = new HashSet<>();
    Set<String> folded = new HashSet<>();
    for (int i = 0; i < 5_000; i++) {
      String key = randomKey(random);
      if (!keys.add(key)) {
        continue;
      }
      FileNames.Mapping mapping = FileNames.forKey(key);
      String file = mapping.dataFile();
      assertThat(file).matches("[a-z0-9_%-]+\\.spill");
      assertThat(file.getBytes(UTF_8).length).isLessThanOrEqualTo(255);
      assertThat(folded.add(file.toLowerCase(Locale.ROOT)))
          .as("file name of %s unique even ignoring case", key).isTrue();
      if (mapping.sidecarFile() == null) {
        assertThat(FileNames.keyOfPlain(file)).isEqualTo(key);
      } else {
        assertThat(FileNames.isHashedDataFile(file)).isTrue();
        assertThat(FileNames.sidecarOf(file)).isEqualTo(mapping.sidecarFile());
        assertThat(FileNames.keyOfSidecar(mapping.sidecarFile(), key.getBytes(UTF_8))).isEqualTo(key);
      }
    }
  }

  @Test
  void forKey_keysDifferingOnlyByCase_mapToNamesDifferingBeyondCase() {
    Set<String> folded = new HashSet<>();
    for (String key : new String[] {"key", "Key", "KEY", "kEy", "\u00e4", "\u00c4"}) {
      folded.add(FileNames.forKey(key).dataFile().toLowerCase(Locale.ROOT));
    }

    assertThat(folded).hasSize(6);
  }

  @ParameterizedTest
  @ValueSource(strings = {"k-.spill", "k-%61.spill", "k-%4B.spill", "k-A.spill", "k-a.b.spill", "k-%4.spill",
      "k-%zz.spill", "k-%c3.spill", "x-a.spill", "k-a.key", "session.lock", "tmp-1.part"})
  void keyOfPlain_nameNeverProduced_returnsNull(String file) {
    assertThat(FileNames.keyOfPlain(file)).isNull();
  }

  @Test
  void keyOfSidecar_contentNotMatchingHash_returnsNull() {
    String key = "a".repeat(300);
    String sidecar = FileNames.forKey(key).sidecarFile();

    assertThat(FileNames.keyOfSidecar(sidecar, (key + "b").getBytes(UTF_8))).isNull();
    assertThat(FileNames.keyOfSidecar("h-1234.key", key.getBytes(UTF_8))).isNull();
  }

  @Test
  void describe_controlCharacters_spelledOut() {
    assertThat(FileNames.describe("a\nb\u0000")).isEqualTo("'a\\u000ab\\u0000'");
  }

  private static String randomKey(SplittableRandom random) {
    int length = 1 + random.nextInt(random.nextBoolean() ? 8 : 400);
    StringBuilder key = new StringBuilder();
    while (key.length() < length) {
      int cp = switch (random.nextInt(4)) {
        case 0 -> random.nextInt(0x20, 0x7f);
        case 1 -> random.nextInt(0, 0x20);
        case 2 -> random.nextInt(0x80, 0xd800);
        default -> random.nextInt(0x10000, 0x110000);
      };
      key.appendCodePoint(cp);
    }
    String candidate = key.toString();
    while (candidate.getBytes(UTF_8).length > SegmentNames.MAX_LENGTH) {
      candidate = candidate.substring(0, candidate.offsetByCodePoints(0, candidate.codePointCount(0,
          candidate.length()) / 2));
    }
    return SegmentNames.validate(candidate);
  }
}
