package io.spillway.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spillway.api.CorruptSegmentException;
import io.spillway.api.SegmentHandle;
import io.spillway.api.SegmentPin;
import io.spillway.api.SpillBudgetExceededException;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillMode;
import io.spillway.api.StoreQuotaExceededException;
import io.spillway.core.SpillCodecs;
import io.spillway.core.Spillway;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SpillwayMetrics over a real manager on the file store in a temp dir, read from a real (simple) registry: spills,
 * reloads, a spill the store quota refuses, a corrupted frame on disk and two waits for room, one in vain.
 */
class SpillwayMetricsTest {
  private static final Duration MAX_BLOCK = Duration.ofMillis(50);
  private static final Set<String> METERS = Set.of("spillway.memory.used", "spillway.memory.max",
      "spillway.store.used", "spillway.segments", "spillway.spills", "spillway.reloads", "spillway.spilled.bytes",
      "spillway.reloaded.bytes", "spillway.spill.duration", "spillway.reload.duration",
      "spillway.budget.wait.duration", "spillway.budget.exceeded", "spillway.corrupt.frames");

  @TempDir
  Path tmp;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private SpillConfig.Builder config() {
    // Each value in a file of its own (the file store's option), so that a spill's location is its frame's file.
    return SpillConfig.builder().maxMemory(8192).spillDir(tmp).store("file").option("file.ownFileThreshold", "0")
        .spillMode(SpillMode.SYNCHRONOUS).maxBlock(MAX_BLOCK);
  }

  private static byte[] bytes(int length, int seed) {
    byte[] data = new byte[length];
    for (int i = 0; i < length; i++) {
      data[i] = (byte) (i * 31 + seed);
    }
    return data;
  }

  private double counter(String name, String... tags) {
    return registry.get(name).tags(tags).functionCounter().count();
  }

  private double gauge(String name, String... tags) {
    return registry.get(name).tags(tags).gauge().value();
  }

  private FunctionTimer timer(String name) {
    return registry.get(name).functionTimer();
  }

  @Test
  void realSpillsReloadsAndFailures_showInTheMeters_withTheirTags() throws Exception {
    try (SpillManager manager = Spillway.newManager(config().policy("coldness").build())) {
      new SpillwayMetrics(manager, "index", Tags.of("app", "test")).bindTo(registry);

      manager.registerSegment("m", 1000);
      manager.spill("m", bytes(600, 1));
      assertThat(manager.reload("m")).isPresent();

      manager.registerSegment("c", 700);
      URI location = manager.spill("c", bytes(500, 2));
      Path frame = Path.of(location);
      byte[] raw = Files.readAllBytes(frame);
      raw[raw.length - 100] ^= 0x01;
      Files.write(frame, raw);
      assertThatThrownBy(() -> manager.reload("c")).isInstanceOf(CorruptSegmentException.class);

      manager.registerSegment("q", 300);
      manager.setMaxStoreBytes(10);
      assertThatThrownBy(() -> manager.spill("q", bytes(300, 3))).isInstanceOf(StoreQuotaExceededException.class);
      manager.setMaxStoreBytes(Long.MAX_VALUE);
      manager.unregisterSegment("q");
      manager.unregisterSegment("m");

      SegmentHandle<byte[]> a = manager.put("a", bytes(5000, 4), SpillCodecs.bytes());
      SegmentPin pin = a.pin();
      assertThatThrownBy(() -> manager.put("b", bytes(4000, 5), SpillCodecs.bytes()))
          .isInstanceOf(SpillBudgetExceededException.class);
      pin.close();
      manager.put("b", bytes(4000, 5), SpillCodecs.bytes()); // waits while this thread spills "a"
      assertThat(manager.isSpilled("a")).isTrue();

      assertThat(registry.getMeters()).extracting(m -> m.getId().getName()).hasSameElementsAs(METERS)
          .hasSize(16);
      assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().getTags()).contains(
          Tag.of("name", "index"), Tag.of("store", "file"), Tag.of("policy", "coldness"), Tag.of("app", "test")));

      assertThat(counter("spillway.spills", "result", "success")).isEqualTo(3); // m, c, a
      assertThat(counter("spillway.spills", "result", "failure")).isEqualTo(1); // q, over the quota
      assertThat(counter("spillway.reloads", "result", "success")).isEqualTo(1);
      assertThat(counter("spillway.reloads", "result", "failure")).isEqualTo(1);
      long aBytes = SpillCodecs.bytes().encode(bytes(5000, 4)).length;
      assertThat(counter("spillway.spilled.bytes")).isEqualTo(600 + 500 + aBytes);
      assertThat(counter("spillway.reloaded.bytes")).isEqualTo(600);
      assertThat(counter("spillway.corrupt.frames")).isEqualTo(1);
      assertThat(counter("spillway.budget.exceeded")).isEqualTo(1);

      assertThat(timer("spillway.spill.duration").count()).isEqualTo(3);
      assertThat(timer("spillway.spill.duration").totalTime(TimeUnit.NANOSECONDS))
          .isEqualTo(manager.stats().spillLatency().total().toNanos()).isPositive();
      assertThat(timer("spillway.reload.duration").count()).isEqualTo(1);
      assertThat(timer("spillway.budget.wait.duration").count()).isEqualTo(2);
      assertThat(timer("spillway.budget.wait.duration").totalTime(TimeUnit.NANOSECONDS))
          .as("the wait in vain lasted maxBlock at least").isGreaterThanOrEqualTo(MAX_BLOCK.toNanos());
      assertThat(timer("spillway.budget.wait.duration").baseTimeUnit()).isEqualTo(TimeUnit.SECONDS);

      assertThat(gauge("spillway.memory.used")).isEqualTo(manager.memoryUsage())
          .isEqualTo(SpillCodecs.bytes().sizeOf(bytes(4000, 5)));
      assertThat(gauge("spillway.memory.max")).isEqualTo(8192);
      assertThat(gauge("spillway.store.used")).isEqualTo(manager.stats().storeUsage()).isPositive();
      assertThat(gauge("spillway.segments", "state", "resident")).isEqualTo(1); // b
      assertThat(gauge("spillway.segments", "state", "spilled")).isEqualTo(2); // c (corrupt, kept), a
      assertThat(registry.get("spillway.memory.used").gauge().getId().getBaseUnit()).isEqualTo("bytes");
      assertThat(registry.get("spillway.spilled.bytes").functionCounter().getId().getBaseUnit()).isEqualTo("bytes");
    }
  }

  @Test
  void bindingTwice_registersNothingTwice() {
    try (SpillManager manager = Spillway.newManager(config().build())) {
      SpillwayMetrics metrics = new SpillwayMetrics(manager, "index");
      metrics.bindTo(registry);
      List<Meter.Id> first = registry.getMeters().stream().map(Meter::getId).collect(Collectors.toList());

      metrics.bindTo(registry);
      new SpillwayMetrics(manager, "index").bindTo(registry);

      assertThat(registry.getMeters()).extracting(Meter::getId).containsExactlyInAnyOrderElementsOf(first);
      assertThat(first).hasSize(16).doesNotHaveDuplicates();
      // A second manager under another name has meters of its own.
      try (SpillManager other = SpillwayMetrics.monitor(registry, Spillway.newManager(config().build()), "other")) {
        other.registerSegment("x", 10);
        assertThat(registry.getMeters()).hasSize(32);
        assertThat(gauge("spillway.memory.used", "name", "other")).isEqualTo(10);
        assertThat(gauge("spillway.memory.used", "name", "index")).isZero();
      }
    }
  }

  @Test
  void theDefaultPolicy_isTaggedByTheNameOfTheProviderChosen() {
    try (SpillManager manager = Spillway.newManager(config().build())) {
      SpillwayMetrics.monitor(registry, manager, "index", "app", "test");

      assertThat(manager.policyName()).isEqualTo("adaptive");
      assertThat(registry.get("spillway.memory.max").tags("policy", "adaptive", "store", "file", "app", "test")
          .gauge().value()).isEqualTo(8192);
    }
  }

  @Test
  void afterClose_gaugesReadNaN_andCountersKeepTheirLastValues() {
    SpillManager manager = Spillway.newManager(config().build());
    SpillwayMetrics.monitor(registry, manager, "index");
    manager.registerSegment("s", 100);
    manager.spill("s", bytes(100, 7));
    assertThat(counter("spillway.spills", "result", "success")).isEqualTo(1);
    assertThat(timer("spillway.spill.duration").count()).isEqualTo(1);

    manager.close();

    assertThat(registry.get("spillway.memory.max").gauge().value()).isNaN();
    assertThat(gauge("spillway.segments", "state", "spilled")).isNaN();
    assertThat(counter("spillway.spills", "result", "success")).isEqualTo(1);
    assertThat(counter("spillway.spilled.bytes")).isEqualTo(100);
    assertThat(timer("spillway.spill.duration").count()).isEqualTo(1);
    assertThatThrownBy(() -> new SpillwayMetrics(manager, "again")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void meterTypes_areTheOnesDocumented() {
    try (SpillManager manager = Spillway.newManager(config().build())) {
      SpillwayMetrics.monitor(registry, manager, "index");

      assertThat(registry.get("spillway.memory.used").meter()).isInstanceOf(Gauge.class);
      assertThat(registry.get("spillway.spills").meters()).hasSize(2).allMatch(m -> m instanceof FunctionCounter);
      assertThat(registry.get("spillway.reloads").meters()).extracting(m -> m.getId().getTag("result"))
          .containsExactlyInAnyOrder("success", "failure");
      assertThat(registry.get("spillway.budget.wait.duration").meter()).isInstanceOf(FunctionTimer.class);
    }
  }
}
