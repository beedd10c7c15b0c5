package io.spillway.bench.shaper;

import java.util.ArrayList;
import java.util.List;

/** A {@link PaceClock} that stands still until slept on, then jumps to the deadline; records every wait. */
final class FakeClock implements PaceClock {
  private long now;
  private final List<Long> deadlines = new ArrayList<>();

  @Override
  public synchronized long nanoTime() {
    return now;
  }

  @Override
  public synchronized void sleepUntil(long deadline) {
    deadlines.add(deadline);
    now = Math.max(now, deadline);
  }

  /** Moves the clock on by {@code nanos}, as if the thread had spent that long elsewhere. */
  synchronized void advance(long nanos) {
    now += nanos;
  }

  synchronized List<Long> deadlines() {
    return List.copyOf(deadlines);
  }
}
