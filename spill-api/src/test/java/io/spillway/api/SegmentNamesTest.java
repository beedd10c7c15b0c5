package io.spillway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SegmentNamesTest {

  @Test
  void validate_acceptsAnyWellFormedName() {
    for (String name :
        new String[] {"a", "../foo", "/etc/passwd", "a\\b", "..", "\u0000", "line\nbreak", "\uD83D\uDE00"}) {
      assertThat(SegmentNames.validate(name)).isEqualTo(name);
    }
  }

  @Test
  void validate_rejectsEmpty() {
    assertThatThrownBy(() -> SegmentNames.validate(""))
        .isInstanceOf(InvalidSegmentNameException.class).hasMessageContaining("empty");
  }

  @Test
  void validate_countsUtf8Bytes() {
    String ascii = "x".repeat(SegmentNames.MAX_LENGTH);
    assertThat(SegmentNames.validate(ascii)).isEqualTo(ascii);

    // 342 three-byte characters = 1026 bytes although only 342 chars long.
    String wide = "\u20AC".repeat(342);
    assertThatThrownBy(() -> SegmentNames.validate(wide))
        .isInstanceOf(InvalidSegmentNameException.class).hasMessageContaining("1024");
    assertThatThrownBy(() -> SegmentNames.validate(ascii + "y"))
        .isInstanceOf(InvalidSegmentNameException.class);
  }

  @Test
  void validate_rejectsUnpairedSurrogates() {
    assertThatThrownBy(() -> SegmentNames.validate("a\uD83Db"))
        .isInstanceOf(InvalidSegmentNameException.class).hasMessageContaining("surrogate");
    assertThatThrownBy(() -> SegmentNames.validate("\uDE00"))
        .isInstanceOf(InvalidSegmentNameException.class);
  }

  @Test
  void invalidNameMessage_escapesControlCharacters() {
    InvalidSegmentNameException e = new InvalidSegmentNameException("a\nb", "because");
    assertThat(e.getMessage()).contains("a\\u000ab").doesNotContain("\n");
    assertThat(e.segment()).isEqualTo("a\nb");
  }

  @Test
  void corruptSegmentException_forSegmentKeepsReasonAndDetail() {
    CorruptSegmentException e = new CorruptSegmentException(CorruptSegmentException.Reason.TRUNCATED, "need 17 bytes");
    CorruptSegmentException named = e.forSegment("seg");

    assertThat(named.reason()).isEqualTo(CorruptSegmentException.Reason.TRUNCATED);
    assertThat(named.segment()).isEqualTo("seg");
    assertThat(named.getMessage()).isEqualTo("Corrupt spill frame for segment 'seg' (TRUNCATED): need 17 bytes");
  }
}
