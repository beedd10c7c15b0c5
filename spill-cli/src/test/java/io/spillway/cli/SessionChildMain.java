package io.spillway.cli;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.core.Spillway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child JVM of {@link CliJarIT}: opens an ephemeral session in the spill directory given, spills one segment, prints
 * {@code ready .} and holds the session until it is killed (or its input ends).
 */
final class SessionChildMain {
  private SessionChildMain() {}

  public static void main(String[] args) throws IOException {
    try (SpillManager manager = Spillway.newManager(SpillConfig.builder().spillDir(Path.of(args[0])).build())) {
      byte[] bytes = "held by a child JVM".getBytes(StandardCharsets.UTF_8);
      manager.registerSegment("child", bytes.length);
      manager.spill("child", bytes);
      System.out.println("ready .");
      System.out.flush();
      while (System.in.read() >= 0) {
        // hold the session until killed
      }
    }
  }
}
