package io.spillway.examples.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.api.SpillManager;
import io.spillway.core.Spillway;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin is found through this module's own META-INF/services and selected by name, as a user would. */
class CustomPolicySelectionTest {

  @TempDir
  Path spillDir;

  private SpillConfig.Builder config() {
    return SpillConfig.builder().maxMemory(1000).spillThreshold(0.5).targetAfterSpill(0.3).minSpillSize(0)
        .spillDir(spillDir);
  }

  @Test
  void policyByName_largestFirstChoosesTheBiggestSegmentWhateverItsAccesses() {
    try (SpillManager manager = Spillway.newManager(config().policy(LargestFirstPolicyProvider.NAME).build())) {
      manager.registerSegment("small", 100);
      manager.registerSegment("big", 300);
      manager.registerSegment("medium", 200);
      for (int i = 0; i < 50; i++) {
        manager.access("big");
      }

      // 600 of 1000 used, threshold 500, target 300: 300 bytes must go, and the biggest one holds them all.
      assertThat(manager.needsSpill()).containsExactly("big");
    }
  }

  @Test
  void defaultPolicy_isNotThePlugin() {
    try (SpillManager manager = Spillway.newManager(config().build())) {
      manager.registerSegment("small", 100);
      manager.registerSegment("big", 300);
      manager.registerSegment("medium", 200);
      for (int i = 0; i < 50; i++) {
        manager.access("big");
      }

      // The default, adaptive (a W-TinyLFU): 50 accesses make "big" the most frequent by far; the others go first.
      assertThat(manager.needsSpill()).doesNotContain("big").isNotEmpty();
    }
  }

  @Test
  void unknownPolicyName_listsThePluginAmongThoseFound() {
    assertThatThrownBy(() -> Spillway.newManager(config().policy("largest-frist").build()))
        .isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining("largest-frist")
        .hasMessageContaining(LargestFirstPolicyProvider.NAME);
  }
}
