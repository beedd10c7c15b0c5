package io.spillway.core;

import io.spillway.api.spi.ChecksumCodec;
import io.spillway.api.spi.ChecksumCodecProvider;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Adler32;
import java.util.zip.CRC32;
import java.util.zip.Checksum;

/** Checksum codec plugins, well-behaved and broken, and a class loader that registers them. */
final class TestCodecProviders {
  private TestCodecProviders() {}

  /**
   * A loader that sees the built-in providers (through its parent) and the given provider class names, registered in
   * a services file under {@code dir}. Names need not be loadable.
   */
  static URLClassLoader loaderWith(Path dir, String... providerClassNames) throws IOException {
    Path services = dir.resolve("META-INF/services/" + ChecksumCodecProvider.class.getName());
    Files.createDirectories(services.getParent());
    Files.writeString(services, String.join("\n", providerClassNames) + "\n", StandardCharsets.UTF_8);
    return new URLClassLoader(new URL[] {dir.toUri().toURL()}, TestCodecProviders.class.getClassLoader());
  }

  static URLClassLoader loaderWith(Path dir, Class<?>... providers) throws IOException {
    String[] names = new String[providers.length];
    for (int i = 0; i < providers.length; i++) {
      names[i] = providers[i].getName();
    }
    return loaderWith(dir, names);
  }

  record SimpleCodec(String name, int id, boolean writable, java.util.function.Supplier<Checksum> checksums)
      implements ChecksumCodec {
    @Override
    public Checksum newChecksum() {
      return checksums.get();
    }
  }

  /** A plugin codec: Adler-32 under id 64. */
  public static final class Adler32Provider implements ChecksumCodecProvider {
    @Override
    public String name() {
      return "adler32";
    }

    @Override
    public ChecksumCodec create() {
      return new SimpleCodec("adler32", 64, true, Adler32::new);
    }
  }

  /** Replaces the built-in crc32 by priority. */
  public static final class PriorityCrc32Provider implements ChecksumCodecProvider {
    static final ChecksumCodec CODEC = new SimpleCodec("crc32", 1, true, CRC32::new);

    @Override
    public String name() {
      return "crc32";
    }

    @Override
    public int priority() {
      return 10;
    }

    @Override
    public ChecksumCodec create() {
      return CODEC;
    }
  }

  /** Claims crc32c's id with a lower priority, so it is set aside. */
  public static final class ShadowedIdProvider implements ChecksumCodecProvider {
    @Override
    public String name() {
      return "shadow";
    }

    @Override
    public int priority() {
      return -1;
    }

    @Override
    public ChecksumCodec create() {
      return new SimpleCodec("shadow", 2, true, Adler32::new);
    }
  }

  /** Ties with {@link TwinBProvider} on the name "twin". */
  public static final class TwinAProvider implements ChecksumCodecProvider {
    @Override
    public String name() {
      return "twin";
    }

    @Override
    public ChecksumCodec create() {
      return new SimpleCodec("twin", 70, true, Adler32::new);
    }
  }

  /** Ties with {@link TwinAProvider} on the name "twin". */
  public static final class TwinBProvider implements ChecksumCodecProvider {
    @Override
    public String name() {
      return "twin";
    }

    @Override
    public ChecksumCodec create() {
      return new SimpleCodec("twin", 71, true, Adler32::new);
    }
  }

  /** Ties with {@link TwinAProvider} on the id 70 under another name. */
  public static final class SameIdProvider implements ChecksumCodecProvider {
    @Override
    public String name() {
      return "same-id";
    }

    @Override
    public ChecksumCodec create() {
      return new SimpleCodec("same-id", 70, true, Adler32::new);
    }
  }

  /** Cannot be instantiated: ServiceLoader reports a ServiceConfigurationError. */
  public static final class FailingConstructorProvider implements ChecksumCodecProvider {
    public FailingConstructorProvider() {
      throw new IllegalStateException("constructor failed on purpose");
    }

    @Override
    public String name() {
      return "never";
    }

    @Override
    public ChecksumCodec create() {
      throw new AssertionError("unreachable");
    }
  }

  /** Its create() throws. */
  public static final class FailingCreateProvider implements ChecksumCodecProvider {
    @Override
    public String name() {
      return "broken";
    }

    @Override
    public ChecksumCodec create() {
      throw new IllegalStateException("create failed on purpose");
    }
  }

  /** Its codec's id does not fit in a byte. */
  public static final class WideIdProvider implements ChecksumCodecProvider {
    @Override
    public String name() {
      return "wide";
    }

    @Override
    public ChecksumCodec create() {
      return new SimpleCodec("wide", 300, true, Adler32::new);
    }
  }
}
