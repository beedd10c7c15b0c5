package io.spillway.graph;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillMode;
import io.spillway.core.Spillway;
import java.nio.file.Path;

/** Managers for the tests: the file store in a temporary folder, small budgets, no minimum spill size. */
final class TestManagers {
  private TestManagers() {}

  static SpillManager create(Path dir, long budget, SpillMode mode) {
    return Spillway.newManager(SpillConfig.builder()
        .maxMemory(budget)
        .spillThreshold(0.8)
        .targetAfterSpill(0.5)
        .minSpillSize(0)
        .spillDir(dir)
        .store("file")
        .spillMode(mode)
        .build());
  }
}
