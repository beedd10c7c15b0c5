package io.spillway.bench.tiered;

import java.nio.file.Path;
import org.ehcache.Cache;
import org.ehcache.PersistentCacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.config.units.MemoryUnit;

/**
 * Ehcache 3's tiered cache, the peer a Java user reaches for: a heap tier of the same budget (sized in bytes, as
 * Spillway's) over a disk tier three times the data, in a folder of its own. Ehcache keeps no checksum of what it
 * writes.
 */
final class EhcacheSide implements TieredSide {
  private final PersistentCacheManager manager;
  private final Cache<Integer, byte[]> cache;
  private final long budget;
  private final long disk;

  EhcacheSide(long budget, long dataBytes, Path dir) {
    this.budget = budget;
    this.disk = 3 * dataBytes;
    this.manager = CacheManagerBuilder.newCacheManagerBuilder()
        .with(CacheManagerBuilder.persistence(dir.toFile()))
        .withCache("values", CacheConfigurationBuilder.newCacheConfigurationBuilder(Integer.class, byte[].class,
            ResourcePoolsBuilder.newResourcePoolsBuilder()
                .heap(budget >> 20, MemoryUnit.MB)
                .disk(disk >> 20, MemoryUnit.MB, false)))
        .build(true);
    this.cache = manager.getCache("values", Integer.class, byte[].class);
  }

  @Override
  public void put(int key, byte[] value) {
    cache.put(key, value);
  }

  @Override
  public byte[] get(int key) {
    byte[] value = cache.get(key);
    if (value == null) {
      throw new IllegalStateException("Ehcache lost value " + key);
    }
    return value;
  }

  @Override
  public String describe() {
    return "Ehcache 3 heap(" + (budget >> 20) + " MB) + disk(" + (disk >> 20) + " MB), get/put";
  }

  @Override
  public void close() {
    manager.close();
  }
}
