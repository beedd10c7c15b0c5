package io.spillway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphDemoTest {
  @TempDir Path dir;

  @Test
  void run_atASmallScaleWithAQuarterBudget_validatesEverySearchAndSpills() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    GraphDemo.Summary summary;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      summary = GraphDemo.run(new String[] {"--scale", "13", "--budget", "384k", "--roots", "3", "--seed", "5",
          "--dir", dir.toString(), "--partitions", "32"}, out);
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(summary.allValid()).as(text).isTrue();
    assertThat(summary.graphBytes()).as("graph at least 4x the budget").isGreaterThanOrEqualTo(4 * summary.budget());
    assertThat(summary.stats().spillOperations()).isPositive();
    assertThat(summary.stats().reloadOperations()).isPositive();
    assertThat(summary.stats().reloadFailures()).isZero();
    assertThat(summary.teps()).hasSize(3);
    assertThat(java.util.Arrays.stream(summary.teps()).min().orElseThrow()).isPositive();
    // Managed partitions never pass the budget; the loader's buffers (an eighth of it) may, briefly.
    assertThat(summary.peakResident()).isLessThanOrEqualTo(summary.budget() + summary.budget() / 8);
    assertThat(summary.graphEdges()).isPositive().isLessThanOrEqualTo(summary.inputEdges());
    assertThat(text).contains("Summary", "TEPS", "all 3 searches valid", "loading:", "Validated in ")
        .containsPattern("time +load [0-9.]+ s, BFS [0-9.]+ s in all, validation [0-9.]+ s");
  }

  @Test
  void validation_rejectsATreeThatMissesAReachableVertex() {
    // Path 0-1-2; a "search" from 0 that claims 2 is unreachable.
    long[] parent = {0, 0, -1};
    GraphDemo.Validation v = new GraphDemo.Validation(0, parent);
    v.edge(0, 1);
    v.edge(1, 2);
    assertThat(v.finish()).contains("reached and an unreached");
  }

  @Test
  void validation_rejectsACycleAndATreeEdgeThatIsNoInputEdge() {
    GraphDemo.Validation cycle = new GraphDemo.Validation(0, new long[] {0, 2, 1});
    assertThat(cycle.finish()).contains("cycle");
    GraphDemo.Validation fake = new GraphDemo.Validation(0, new long[] {0, 0, 0});
    fake.edge(0, 1);
    fake.edge(1, 2);
    assertThat(fake.finish()).contains("not an input edge");
    GraphDemo.Validation good = new GraphDemo.Validation(0, new long[] {0, 0, 1});
    good.edge(0, 1);
    good.edge(1, 2);
    assertThat(good.finish()).isNull();
  }
}
