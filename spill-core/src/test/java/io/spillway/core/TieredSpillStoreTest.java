package io.spillway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.api.spi.ForwardingSpillStore;
import io.spillway.api.spi.SpillStore;
import io.spillway.core.testing.InMemorySpillStoreProvider;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TieredSpillStoreTest {
  @TempDir
  Path tmp;

  private SpillStore memory() {
    return new InMemorySpillStoreProvider().create(SpillConfig.builder().spillDir(tmp).build());
  }

  /** A primary that fails every write, as a full disk would. */
  private static final class FullDisk extends ForwardingSpillStore {
    FullDisk(SpillStore delegate) {
      super(delegate);
    }

    @Override
    public URI write(String key, ByteBuffer... chunks) throws IOException {
      chunks[0].get(); // a failing store may have consumed part of what it was given
      throw new IOException("No space left on device");
    }
  }

  @Test
  void write_withinQuota_goesToPrimaryAndBeyondToSecondary() throws IOException {
    SpillStore primary = memory();
    SpillStore secondary = memory();
    try (TieredSpillStore store = new TieredSpillStore(primary, "a", secondary, "b", 100)) {
      store.write("x", ByteBuffer.wrap(new byte[60]));
      store.write("y", ByteBuffer.wrap(new byte[60]));
      store.write("z", ByteBuffer.wrap(new byte[40]));

      assertThat(primary.list()).containsExactlyInAnyOrder("x", "z");
      assertThat(secondary.list()).containsExactly("y");
      assertThat(store.primaryBytes()).isEqualTo(100);
      assertThat(store.list()).containsExactlyInAnyOrder("x", "y", "z");
      assertThat(store.usage()).isEqualTo(160);
    }
  }

  @Test
  void write_replacingAcrossTiers_keepsOneCopyAndExactQuota() throws IOException {
    SpillStore primary = memory();
    SpillStore secondary = memory();
    try (TieredSpillStore store = new TieredSpillStore(primary, "a", secondary, "b", 100)) {
      store.write("k", ByteBuffer.wrap(new byte[80]));
      store.write("k", ByteBuffer.wrap(new byte[150]));

      assertThat(primary.list()).isEmpty();
      assertThat(secondary.list()).containsExactly("k");
      assertThat(store.primaryBytes()).isZero();

      store.write("k", ByteBuffer.wrap(new byte[90]));

      assertThat(primary.list()).containsExactly("k");
      assertThat(secondary.list()).isEmpty();
      assertThat(store.read("k")).hasSize(90);
      assertThat(store.delete("k")).isTrue();
      assertThat(store.primaryBytes()).isZero();
    }
  }

  @Test
  void write_primaryFails_fallsBackToSecondaryWithTheWholeValue() throws IOException {
    SpillStore secondary = memory();
    byte[] value = {1, 2, 3, 4, 5};
    try (TieredSpillStore store = new TieredSpillStore(new FullDisk(memory()), "a", secondary, "b", 1000)) {
      ByteBuffer buffer = ByteBuffer.wrap(value);
      store.write("k", buffer);

      assertThat(buffer.hasRemaining()).isFalse();
      assertThat(secondary.read("k")).containsExactly(value);
      assertThat(store.read("k")).containsExactly(value);
      assertThat(store.primaryBytes()).as("failed reservation released").isZero();
    }
  }

  @Test
  void create_badOptions_failNamingTheOption() {
    assertThatThrownBy(() -> new TieredSpillStoreProvider().create(SpillConfig.builder().spillDir(tmp)
        .option(TieredSpillStoreProvider.SECONDARY, "memory").build()))
        .isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining(TieredSpillStoreProvider.PRIMARY_QUOTA);
    assertThatThrownBy(() -> new TieredSpillStoreProvider().create(SpillConfig.builder().spillDir(tmp)
        .option(TieredSpillStoreProvider.SECONDARY, "memory")
        .option(TieredSpillStoreProvider.PRIMARY_QUOTA, "lots").build()))
        .isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining(TieredSpillStoreProvider.PRIMARY_QUOTA);
    assertThatThrownBy(() -> new TieredSpillStoreProvider().create(SpillConfig.builder().spillDir(tmp)
        .option(TieredSpillStoreProvider.SECONDARY, "tiered")
        .option(TieredSpillStoreProvider.PRIMARY_QUOTA, "1MiB").build()))
        .isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining("itself");
  }

  @Test
  void parseSize_suffixes_areBinaryMultiples() {
    assertThat(TieredSpillStoreProvider.parseSize("123")).isEqualTo(123);
    assertThat(TieredSpillStoreProvider.parseSize("2KiB")).isEqualTo(2048);
    assertThat(TieredSpillStoreProvider.parseSize("3 MiB")).isEqualTo(3L << 20);
    assertThat(TieredSpillStoreProvider.parseSize("1TiB")).isEqualTo(1L << 40);
  }
}
