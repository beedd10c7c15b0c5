package io.spillway.api;

/** The readable form of a {@link SpillConfig}, for {@link SpillConfig#toString()}. Internal, may change. */
final class ConfigText {
  private ConfigText() {}

  static String describe(SpillConfig c) {
    return "SpillConfig{maxMemory=" + c.maxMemory() + ", spillThreshold=" + c.spillThreshold() + ", targetAfterSpill="
        + c.targetAfterSpill() + ", minSpillSize=" + c.minSpillSize() + ", ioThreads="
        + (c.ioThreads() == 0 ? "store default" : c.ioThreads()) + ", accessDecay=" + c.accessDecay()
        + ", spillDirs=" + c.spillDirs() + ", policy=" + c.policy().orElse("(priority)") + ", store="
        + c.store().orElse("(priority)") + ", checksum=" + c.checksum() + ", frameVersion=" + c.frameVersion()
        + ", compression=" + c.compression() + ", encryption=" + c.encryption() + ", fsync=" + c.fsync()
        + ", persistentSession=" + c.persistentSession().orElse("(none)") + ", maxStoreBytes="
        + (c.maxStoreBytes() == SpillConfig.DEFAULT_MAX_STORE_BYTES ? "unlimited" : c.maxStoreBytes())
        + ", options=" + c.options().keySet() + ", spillMode=" + c.spillMode() + ", maxBlock=" + c.maxBlock()
        + ", listeners=" + c.listeners().size() + "}";
  }
}
