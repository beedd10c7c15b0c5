package io.spillway.core;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Child process of {@link RemoveStaleSessionsIT}: opens a manager over the {@code file} store in the directory given
 * as the only argument, spills {@value #SEGMENT}, prints {@code ready <pid>}, and holds the session until its
 * standard input ends; then reloads the segment and exits 0 if the bytes came back whole, 3 if not.
 */
final class StaleSessionChildMain {
  static final String SEGMENT = "child-segment";
  static final String READY = "ready ";
  static final byte[] BYTES = "held by a child".getBytes(StandardCharsets.UTF_8);

  private StaleSessionChildMain() {}

  public static void main(String[] args) throws Exception {
    SpillConfig config = SpillConfig.builder().spillDir(Path.of(args[0])).store("file").build();
    int exit;
    try (SpillManager manager = Spillway.newManager(config)) {
      manager.registerSegment(SEGMENT, BYTES.length);
      manager.spill(SEGMENT, BYTES);
      System.out.println(READY + ProcessHandle.current().pid());
      System.out.flush();
      InputStream in = System.in;
      while (in.read() >= 0) {
        // hold the session until the parent closes our input
      }
      exit = manager.reload(SEGMENT).filter(bytes -> Arrays.equals(bytes, BYTES)).isPresent() ? 0 : 3;
    }
    System.exit(exit);
  }
}
