package io.spillway.compress;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.CorruptSegmentException;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.core.Spillway;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * zstd-jni unpacks its native library into {@code java.io.tmpdir} and loads it from there, and has no Java
 * fallback: in a JVM whose temporary folder cannot take it (mounted {@code noexec}, as hardened containers do, or
 * missing) or that refuses native access (JDK 24+), its class fails to initialise. Three JVMs take over one
 * persistent session in turn: one writes a {@code zstd} frame; one whose temporary folder does not exist fails to
 * read it and writes another; one reads both. Nothing may be lost, and nothing intact may be called corrupt.
 */
class ZstdLibraryRefusedIT {
  private static final byte[] X = "a zstd frame, written where the library loads. ".repeat(2_000).getBytes(UTF_8);
  private static final byte[] Y = "a frame written where it does not. ".repeat(3_000).getBytes(UTF_8);

  @TempDir Path dir;

  @Test
  void whereZstdCannotLoad_spillsAreStoredUncompressed_itsFramesAreUnsupported_andNothingIsLost() throws Exception {
    Path spill = dir.resolve("spill");

    assertThat(runChild(spill, "write")).as("zstd works in a JVM whose java.io.tmpdir takes its library, as the"
        + " other compression tests need").containsExactly("x compressed: true");
    assertThat(runChild(spill, "refused", "-Djava.io.tmpdir=" + dir.resolve("no-such-folder")))
        .containsExactly("x: UNSUPPORTED_ENCODING, caused by a LinkageError", "y compressed: false");
    assertThat(runChild(spill, "read")).containsExactly("x reloaded", "y reloaded");
  }

  private List<String> runChild(Path spill, String mode, String... jvmOptions)
      throws IOException, InterruptedException {
    return ChildJvms.run(dir, mode, List.of(jvmOptions), Child.class, spill.toString(), mode);
  }

  /** One JVM's part, {@code args[1]}, on the persistent session "z" under {@code args[0]}. */
  public static final class Child {
    private Child() {}

    public static void main(String[] args) {
      SpillConfig config = SpillConfig.builder().spillDir(Path.of(args[0])).persistentSession("z")
          .compression("zstd").maxMemory(64L << 20).build();
      try (SpillManager manager = Spillway.newManager(config)) {
        switch (args[1]) {
          case "write" -> System.out.println("x compressed: " + (spill(manager, "x", X) < X.length / 2));
          case "refused" -> {
            try {
              manager.reload("x");
              System.out.println("x reloaded where zstd cannot run");
            } catch (CorruptSegmentException e) {
              System.out.println("x: " + e.reason()
                  + (e.getCause() instanceof LinkageError ? ", caused by a LinkageError" : ", caused by " + e));
            }
            // Not reloaded here: a manual reload takes the stored copy, and only what is stored outlives the JVM.
            System.out.println("y compressed: " + (spill(manager, "y", Y) < Y.length));
          }
          case "read" -> {
            reload(manager, "x", X);
            reload(manager, "y", Y);
          }
          default -> throw new IllegalArgumentException(args[1]);
        }
      }
    }

    /** Spills {@code bytes} as {@code name}; returns the store bytes it added. */
    private static long spill(SpillManager manager, String name, byte[] bytes) {
      long before = manager.stats().storeUsage();
      manager.registerSegment(name, bytes.length);
      manager.spill(name, bytes);
      return manager.stats().storeUsage() - before;
    }

    private static void reload(SpillManager manager, String name, byte[] expected) {
      if (!Arrays.equals(manager.reload(name).orElseThrow(), expected)) {
        throw new AssertionError(name + ": the reloaded bytes differ from the spilled ones");
      }
      System.out.println(name + " reloaded");
    }
  }
}
