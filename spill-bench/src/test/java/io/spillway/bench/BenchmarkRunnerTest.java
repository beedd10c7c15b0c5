package io.spillway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchmarkRunnerTest {

  @Test
  void merge_noFile_writesTemplateWithCommandAndBlock() {
    String page = BenchmarkRunner.merge(null, "TABLE\n");
    assertThat(page).contains(BenchmarkRunner.COMMAND)
        .contains(BenchmarkRunner.START_MARKER + "\nTABLE\n" + BenchmarkRunner.END_MARKER);
  }

  @Test
  void merge_existingMarkers_replacesOnlyBetweenThem() {
    String before = "# Mine\nhand notes\n" + BenchmarkRunner.START_MARKER + "\nold\n" + BenchmarkRunner.END_MARKER
        + "\nmore notes\n";
    String page = BenchmarkRunner.merge(before, "new\n");
    assertThat(page).isEqualTo("# Mine\nhand notes\n" + BenchmarkRunner.START_MARKER + "\nnew\n"
        + BenchmarkRunner.END_MARKER + "\nmore notes\n");
  }

  @Test
  void table_marksMissedGoals() {
    String table = BenchmarkRunner.table(List.of(
        new BenchmarkRunner.Row("A", "1 thread", "1.0", "2.0", "ops/us", "0.50×", "≥ 1.0×", false),
        new BenchmarkRunner.Row("B", "x", "3", "—", "bytes", "—", "≤ 128", true)));
    assertThat(table.lines()).hasSize(4);
    assertThat(table).contains("| A | 1 thread | 1.0 | 2.0 | ops/us | 0.50× | ≥ 1.0× | **no** |")
        .contains("| B | x | 3 | — | bytes | — | ≤ 128 | yes |");
  }

  @Test
  void geometricMean_ratioAndItsInverse_averageToOne() {
    assertThat(BenchmarkRunner.geometricMean(List.of(2.0, 0.5))).isCloseTo(1.0, within(1e-12));
    assertThat(BenchmarkRunner.geometricMean(List.of(1.0, 4.0))).isCloseTo(2.0, within(1e-12));
  }

  @Test
  void ratios_divideRoundByRound() {
    assertThat(BenchmarkRunner.ratios(List.of(6.0, 3.0), List.of(3.0, 6.0))).containsExactly(2.0, 0.5);
  }

  @Test
  void summary_severalRounds_showsMeanAndRange() {
    assertThat(BenchmarkRunner.summary(List.of(1.0, 2.0, 6.0), 1)).isEqualTo("3.0 (1.0–6.0)");
    assertThat(BenchmarkRunner.summary(List.of(2.5), 2)).isEqualTo("2.50");
  }
}
