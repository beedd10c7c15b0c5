package io.spillway.config;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillMode;
import io.spillway.config.Source.RawValue;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The settings of {@link SpillConfig.Builder} that a text can give, by key: every one but the listeners and the
 * executor (objects, not text) and {@code option}, whose keys come from the plugins (see {@link KnownKeys}).
 * Stateless. Internal, may change.
 */
final class Settings {

  /**
   * One setting: its key (the builder method's name), what its value looks like, and how it goes into a builder.
   * {@code apply} throws {@link Values.BadValue} for a value not of the form, and whatever the builder throws for a
   * value of the form that the builder refuses.
   */
  record Setting(String key, String expected, BiConsumer<SpillConfig.Builder, RawValue> apply) {}

  /** Every setting, by key, in the builder's order. */
  static final Map<String, Setting> ALL = all();

  private Settings() {}

  private static Map<String, Setting> all() {
    Map<String, Setting> all = new LinkedHashMap<>();
    put(all, "maxMemory", Values.SIZE, (b, v) -> b.maxMemory(Values.size(v)));
    put(all, "spillThreshold", Values.FRACTION, (b, v) -> b.spillThreshold(Values.decimal(v, 0, false, 1)));
    put(all, "targetAfterSpill", Values.FRACTION, (b, v) -> b.targetAfterSpill(Values.decimal(v, 0, false, 1)));
    put(all, "minSpillSize", Values.SIZE, (b, v) -> b.minSpillSize(Values.size(v)));
    put(all, "accessDecay", Values.DECAY, (b, v) -> b.accessDecay(Values.decimal(v, 0, true, 1)));
    put(all, "ioThreads", Values.COUNT, (b, v) -> b.ioThreads(Values.count(v)));
    put(all, "spillDir", Values.PATH, (b, v) -> b.spillDir(Values.path(Values.scalar(v))));
    put(all, "spillDirs", Values.PATHS, (b, v) -> b.spillDirs(Values.paths(v).toArray(new Path[0])));
    put(all, "policy", Values.NAME, (b, v) -> b.policy(Values.name(v)));
    put(all, "store", Values.NAME, (b, v) -> b.store(Values.name(v)));
    put(all, "checksum", Values.NAME, (b, v) -> b.checksum(Values.name(v)));
    put(all, "frameVersion", Values.FRAME_VERSION,
        (b, v) -> b.frameVersion(Integer.parseInt(Values.choice(v, "2", "3"))));
    put(all, "encryption", Values.ENCRYPTION, (b, v) -> b.encryption(Values.choice(v, "none", "aes-gcm")));
    put(all, "compression", Values.NAME, (b, v) -> b.compression(Values.name(v)));
    put(all, "fsync", Values.BOOLEAN, (b, v) -> b.fsync(Values.bool(v)));
    put(all, "persistentSession", Values.NAME, (b, v) -> b.persistentSession(Values.name(v)));
    put(all, "maxStoreBytes", Values.STORE_BYTES, (b, v) -> b.maxStoreBytes(Values.storeBytes(v)));
    String[] modes = Arrays.stream(SpillMode.values()).map(m -> m.name().toLowerCase(Locale.ROOT))
        .toArray(String[]::new);
    put(all, "spillMode", String.join(" or ", modes),
        (b, v) -> b.spillMode(SpillMode.valueOf(Values.choice(v, modes).toUpperCase(Locale.ROOT))));
    put(all, "maxBlock", Values.DURATION, (b, v) -> b.maxBlock(Values.duration(v)));
    return Collections.unmodifiableMap(all);
  }

  private static void put(Map<String, Setting> all, String key, String expected,
      BiConsumer<SpillConfig.Builder, RawValue> apply) {
    all.put(key, new Setting(key, expected, apply));
  }
}
