package io.spillway.core.testing;

import io.spillway.api.spi.SpillPolicy;
import java.util.function.IntPredicate;

/**
 * A policy that ignores every event and chooses no victim: the base of test policies that watch one kind of event
 * and override only its method.
 */
public class IgnoringPolicy implements SpillPolicy {
  @Override
  public void onAdmit(int segment, String name, long size) {}

  @Override
  public void onAccess(int segment) {}

  @Override
  public void onResize(int segment, long oldSize, long newSize) {}

  @Override
  public void onSpill(int segment) {}

  @Override
  public void onReload(int segment) {}

  @Override
  public void onRemove(int segment) {}

  @Override
  public int[] selectVictims(long bytesToFree, IntPredicate eligible) {
    return new int[0];
  }
}
