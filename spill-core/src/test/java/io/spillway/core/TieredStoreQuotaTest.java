package io.spillway.core;

import static io.spillway.core.testing.BytesCodec.matches;
import static io.spillway.core.testing.BytesCodec.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.api.StoreQuotaExceededException;
import io.spillway.core.testing.InMemorySpillStore;
import io.spillway.core.testing.InMemorySpillStoreProvider;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store quota over the {@code tiered} store: {@code maxStoreBytes} caps both tiers together, while the tiered
 * store's own primary quota still sends overflow to the secondary tier.
 */
class TieredStoreQuotaTest {
  private static final long FRAME = SpillFrames.create(SpillConfig.defaults()).frameLength("a", 400);

  @TempDir Path tmp;

  @Test
  void pastThePrimaryQuota_spillsGoToTheSecondary_andPastMaxStoreBytes_theyFail() {
    InMemorySpillStore fast = new InMemorySpillStore();
    InMemorySpillStore slow = new InMemorySpillStore();
    TieredSpillStore tiered = new TieredSpillStore(fast, "fast", slow, "slow", 2 * FRAME);
    SpillConfig config = SpillConfig.builder().maxMemory(1 << 20).spillDir(tmp).maxStoreBytes(3 * FRAME).build();
    try (SpillManager manager = Spillway.newManager(config, tiered)) {
      for (String name : List.of("a", "b", "c", "d", "e")) {
        manager.registerSegment(name, 400);
      }
      manager.spill("a", value("a", 400));
      manager.spill("b", value("b", 400));
      manager.spill("c", value("c", 400)); // the primary is full: to the secondary

      assertThatThrownBy(() -> manager.spill("d", value("d", 400)))
          .isInstanceOfSatisfying(StoreQuotaExceededException.class, e -> {
            assertThat(e.segment()).isEqualTo("d");
            assertThat(e.storeUsage()).isEqualTo(3 * FRAME);
            assertThat(e.maxStoreBytes()).isEqualTo(3 * FRAME);
            assertThat(e.getMessage()).contains("'d'", "maxStoreBytes");
          });
      assertThat(fast.keys()).containsExactly("a", "b");
      assertThat(slow.keys()).containsExactly("c");
      assertThat(manager.isSpilled("d")).isFalse();
      assertThat(tiered.inPrimary("d")).isNull();

      // Raised at run time, the cap lets the secondary take more.
      manager.setMaxStoreBytes(4 * FRAME);
      manager.spill("d", value("d", 400));
      assertThat(slow.keys()).containsExactly("c", "d");
      assertThatThrownBy(() -> manager.spill("e", value("e", 400))).isInstanceOf(StoreQuotaExceededException.class);

      // A reload from the primary gives room back in both: the next spill goes to the primary again.
      assertThat(manager.reload("a")).hasValueSatisfying(bytes -> assertThat(matches(bytes, "a", 400)).isTrue());
      manager.spill("e", value("e", 400));
      assertThat(tiered.inPrimary("e")).isTrue();
      assertThat(manager.stats().storeUsage()).isEqualTo(4 * FRAME);
      for (String name : List.of("b", "c", "d", "e")) {
        assertThat(manager.reload(name)).as(name)
            .hasValueSatisfying(bytes -> assertThat(matches(bytes, name, 400)).isTrue());
      }
      assertThat(fast.keys()).isEmpty();
      assertThat(slow.keys()).isEmpty();
    }
  }

  @Test
  void theTieredStoreChosenByName_isCappedAsAWhole() {
    SpillConfig config = SpillConfig.builder().maxMemory(1 << 20).spillDir(tmp).store("tiered")
        .option(TieredSpillStoreProvider.PRIMARY, "file")
        .option(TieredSpillStoreProvider.SECONDARY, InMemorySpillStoreProvider.NAME)
        .option(TieredSpillStoreProvider.PRIMARY_QUOTA, String.valueOf(FRAME))
        .maxStoreBytes(2 * FRAME).build();
    try (SpillManager manager = Spillway.newManager(config)) {
      for (String name : List.of("a", "b", "c")) {
        manager.registerSegment(name, 400);
      }
      manager.spill("a", value("a", 400)); // file
      manager.spill("b", value("b", 400)); // memory

      assertThatThrownBy(() -> manager.spill("c", value("c", 400)))
          .isInstanceOfSatisfying(StoreQuotaExceededException.class,
              e -> assertThat(e.getMessage()).contains("store 'tiered'", 2 * FRAME + " bytes"));
      assertThat(manager.stats().storeUsage()).isEqualTo(2 * FRAME);
      assertThat(manager.isSpilled("c")).isFalse();
      assertThat(manager.reload("b")).hasValueSatisfying(bytes -> assertThat(matches(bytes, "b", 400)).isTrue());
      manager.spill("c", value("c", 400));
      assertThat(manager.reload("c")).hasValueSatisfying(bytes -> assertThat(matches(bytes, "c", 400)).isTrue());
    }
  }
}
