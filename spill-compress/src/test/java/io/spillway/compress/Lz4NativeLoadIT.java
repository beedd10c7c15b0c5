package io.spillway.compress;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.core.Spillway;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import net.jpountz.util.Native;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * lz4-java's native library loads when LZ4 is first used, not when a manager opens: every manager creates the codecs
 * it finds, and JDK 24 and later print a warning on standard error when a library loads native code without
 * {@code --enable-native-access}. Each case runs a manager in a fresh JVM, since a loaded library stays loaded.
 */
class Lz4NativeLoadIT {
  @TempDir Path dir;

  @Test
  void aManagerThatDoesNotCompress_spillsAndReloads_withoutLoadingTheNativeLibrary() throws Exception {
    assertThat(runChild("none")).containsExactly("native after open: false", "native after spill and reload: false");
  }

  @Test
  void aManagerThatCompressesWithLz4_loadsTheNativeLibrary_atItsFirstSpill_notWhenItOpens() throws Exception {
    // Where the library cannot load (a java.io.tmpdir mounted noexec, say), lz4-java falls back to Java, and the
    // second line reads false; this JVM, whose state the children do not share, finds out which it is.
    assertThat(runChild("lz4")).containsExactly("native after open: false",
        "native after spill and reload: " + nativeLibraryLoadsHere());
  }

  private static boolean nativeLibraryLoadsHere() {
    try {
      Native.load();
      return Native.isLoaded();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  private List<String> runChild(String compression) throws IOException, InterruptedException {
    return ChildJvms.run(dir, compression, List.of(), Child.class, dir.resolve("spill").toString(), compression);
  }

  /** Opens a manager with the compression named by {@code args[1]}, spills and reloads one segment. */
  public static final class Child {
    private Child() {}

    public static void main(String[] args) {
      SpillConfig config = SpillConfig.builder().spillDir(Path.of(args[0])).compression(args[1])
          .maxMemory(64L << 20).build();
      try (SpillManager manager = Spillway.newManager(config)) {
        System.out.println("native after open: " + Native.isLoaded());
        byte[] text = "spill and reload ".repeat(60_000).getBytes(UTF_8);
        manager.registerSegment("s", text.length);
        manager.spill("s", text);
        long stored = manager.stats().storeUsage();
        if (args[1].equals("lz4") == stored >= text.length / 2) {
          throw new AssertionError(args[1] + ": " + stored + " bytes stored for " + text.length);
        }
        if (!Arrays.equals(manager.reload("s").orElseThrow(), text)) {
          throw new AssertionError("the reloaded bytes differ from the spilled ones");
        }
        System.out.println("native after spill and reload: " + Native.isLoaded());
      }
    }
  }
}
