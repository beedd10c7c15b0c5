package io.spillway.store.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The object key layout: escaping segment names and reading them back from a persistent session's listing. */
class S3KeysTest {

  @Test
  void unescape_ofEveryEscapedKey_isThatKey() {
    SplittableRandom random = new SplittableRandom(17);
    String alphabet = "aZz09-_./\\%. \u0000\u0001\u007féü€\uD83D\uDE00";
    int checked = 0;
    for (int i = 0; i < 5_000; i++) {
      StringBuilder key = new StringBuilder();
      int length = 1 + random.nextInt(40);
      while (key.length() < length) {
        int at = random.nextInt(alphabet.length() - 1);
        char c = alphabet.charAt(at);
        key.append(Character.isHighSurrogate(c) ? alphabet.substring(at, at + 2) : Character.isLowSurrogate(c)
            ? "x" : String.valueOf(c));
      }
      String escaped = S3Keys.escape(key.toString());
      if (escaped.startsWith("k-")) {
        assertThat(S3Keys.unescape(escaped)).as("escape of %s", key).isEqualTo(key.toString());
        checked++;
      } else {
        assertThat(S3Keys.unescape(escaped)).as("a hashed key's name is not in its object key").isNull();
      }
    }
    assertThat(checked).isGreaterThan(4_000);
  }

  @Test
  void unescape_ofWhatEscapeNeverWrites_isNull() {
    assertThat(S3Keys.unescape("k-abc")).isEqualTo("abc");
    assertThat(S3Keys.unescape("k-%2f")).isEqualTo("/");
    // Each of these would list as a key whose object is not where escape() puts it, or as no valid key at all.
    assertThat(S3Keys.unescape("k-%2F")).as("upper-case hex").isNull();
    assertThat(S3Keys.unescape("k-%61")).as("an escaped safe byte").isNull();
    assertThat(S3Keys.unescape("k-A")).as("an upper-case letter").isNull();
    assertThat(S3Keys.unescape("k-a.b")).as("a dot").isNull();
    assertThat(S3Keys.unescape("k-%e")).as("a cut escape").isNull();
    assertThat(S3Keys.unescape("k-%ff")).as("not UTF-8").isNull();
    assertThat(S3Keys.unescape("k-")).as("the empty key").isNull();
    assertThat(S3Keys.unescape("k-" + "a".repeat(250))).as("longer than escape() leaves unhashed").isNull();
    assertThat(S3Keys.unescape("x-abc")).isNull();
  }

  @Test
  void persistentFolder_isNeverASessionFolder() {
    String folder = S3Keys.persistentFolder("spill", "my.Session_1");
    assertThat(folder).isEqualTo("spill/persistent-my.Session_1/");
    assertThat(S3Keys.sessionFolderOf(S3Keys.base("spill"), folder + "lease")).isNull();
    assertThat(S3Keys.persistentFolder("", "s")).isEqualTo("persistent-s/");
  }
}
