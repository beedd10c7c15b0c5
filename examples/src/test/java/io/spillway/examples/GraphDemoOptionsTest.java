package io.spillway.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class GraphDemoOptionsTest {
  @Test
  void noFlags_giveTheDefaults() {
    assertThat(GraphDemoOptions.parse()).contains(GraphDemoOptions.DEFAULTS);
  }

  @Test
  void everyFlag_isRead() {
    assertThat(GraphDemoOptions.parse("--scale", "13", "--budget", "384k", "--roots", "3", "--seed", "-5", "--dir",
        "/tmp/g", "--partitions", "32"))
        .contains(new GraphDemoOptions(13, 384 << 10, 3, -5, Path.of("/tmp/g"), 32));
    assertThat(GraphDemoOptions.parse("--budget", "1.5g").orElseThrow().budget()).isEqualTo(3L << 29);
    assertThat(GraphDemoOptions.parse("--budget", "4096").orElseThrow().budget()).isEqualTo(4096);
  }

  @Test
  void help_anywhere_asksForTheUsage() {
    assertThat(GraphDemoOptions.parse("--help")).isEmpty();
    assertThat(GraphDemoOptions.parse("--scale", "12", "-h")).isEmpty();
    assertThat(GraphDemoOptions.USAGE).contains("--scale", "--budget", "--roots", "--seed", "--dir", "--partitions",
        "Exit status");
  }

  @Test
  void aBadSize_namesTheFlagAndWhatItTakes() {
    assertThatThrownBy(() -> GraphDemoOptions.parse("--budget", "banana"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--budget needs a size (bytes, or a number with suffix k, m or g, e.g. 64m), was 'banana'");
    for (String bad : new String[] {"NaN", "1e9", "5d", "m", ""}) {
      assertThatThrownBy(() -> GraphDemoOptions.parse("--budget", bad)).as(bad)
          .hasMessageStartingWith("--budget needs a size");
    }
  }

  @Test
  void aNonPositiveBudget_isRefused() {
    assertThatThrownBy(() -> GraphDemoOptions.parse("--budget", "-5m"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("--budget must be a positive size, was -5m");
    assertThatThrownBy(() -> GraphDemoOptions.parse("--budget", "0"))
        .hasMessage("--budget must be a positive size, was 0");
  }

  @Test
  void numbersOutOfRangeOrNotNumbers_nameTheFlag() {
    assertThatThrownBy(() -> GraphDemoOptions.parse("--scale", "31"))
        .hasMessage("--scale must be from 1 to 30, was 31");
    assertThatThrownBy(() -> GraphDemoOptions.parse("--roots", "0")).hasMessage("--roots must be at least 1, was 0");
    assertThatThrownBy(() -> GraphDemoOptions.parse("--partitions", "many"))
        .hasMessage("--partitions needs a whole number, was 'many'");
    assertThatThrownBy(() -> GraphDemoOptions.parse("--seed", "1.5"))
        .hasMessage("--seed needs a whole number, was '1.5'");
  }

  @Test
  void unknownFlagsAndMissingValues_areNamed() {
    assertThatThrownBy(() -> GraphDemoOptions.parse("--scal", "3"))
        .hasMessageStartingWith("unknown flag --scal (known:");
    assertThatThrownBy(() -> GraphDemoOptions.parse("13")).hasMessageStartingWith("unknown flag 13");
    assertThatThrownBy(() -> GraphDemoOptions.parse("--roots")).hasMessage("--roots needs a value");
  }
}
