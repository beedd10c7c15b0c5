package io.spillway.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileNamesTest {

  @Test
  void logFile_padsToTenDigitsSoThatNamesSortInNumberOrder() {
    assertThat(FileNames.logFile(1)).isEqualTo("log-0000000001.log");
    assertThat(FileNames.logFile(1234567890)).isEqualTo("log-1234567890.log");
    assertThat(FileNames.logFile(-1)).as("the largest unsigned number").isEqualTo("log-4294967295.log");
    assertThat(FileNames.logFile(9).compareTo(FileNames.logFile(10))).isNegative();
  }

  @Test
  void logNumber_ofLogFile_returnsTheNumber() {
    for (int number : new int[] {1, 2, 99, 1 << 20, Integer.MAX_VALUE, -1}) {
      assertThat(FileNames.logNumber(FileNames.logFile(number))).hasValue(number);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"log-1.log", "log-00000000001.log", "log-000000000a.log", "log-4294967296.log",
      "log-0000000001.spill", "x-0000000001.log", "session.lock", "", "log-+000000001.log"})
  void logNumber_nameNeverProduced_isEmpty(String name) {
    assertThat(FileNames.logNumber(name)).isEqualTo(OptionalInt.empty());
  }

  @Test
  void describe_controlCharacters_spelledOut() {
    assertThat(FileNames.describe("a\nb\u0000")).isEqualTo("'a\\u000ab\\u0000'");
    assertThat(FileNames.describe("\u00e9t\u00e9 \uD83D\uDE80")).isEqualTo("'\u00e9t\u00e9 \uD83D\uDE80'");
  }
}
