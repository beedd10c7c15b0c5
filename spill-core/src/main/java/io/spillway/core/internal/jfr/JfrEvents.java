package io.spillway.core.internal.jfr;

import java.net.URI;
import jdk.jfr.FlightRecorder;
import org.jspecify.annotations.Nullable;

/**
 * Where spill-core starts its Flight Recorder events: each factory here returns null, or emits nothing, without
 * touching an event class while no recorder has been set up in this JVM. Internal, may change.
 *
 * <p>Why the gate: in a JVM that has never recorded, the first load of a {@code jdk.jfr.Event} subclass sets up the
 * recorder's machinery, about 80 ms of one thread's time on JDK 17 here (a class with one field, measured in a fresh
 * JVM each time: 81–91 ms), and the thread that paid it was the one making the first spill: 20% of a load phase of
 * 4,096 values of 64 KiB (BENCHMARKS.md, "Managed values against Ehcache 3"). Until a recorder exists no recording can
 * take an event, so nothing is lost; once one is started ({@code -XX:StartFlightRecording}, {@code jcmd JFR.start},
 * the {@code jdk.jfr} API), the next operation loads its event class and is recorded as usual.
 *
 * <p>Thread-safe; each check is a read of a static flag.
 */
public final class JfrEvents {
  private JfrEvents() {}

  /** A started {@code io.spillway.Spill} event, or null when no recording takes it. */
  public static @Nullable SpillJfrEvent spill() {
    return FlightRecorder.isInitialized() ? SpillJfrEvent.start() : null;
  }

  /** A started {@code io.spillway.Reload} event, or null when no recording takes it. */
  public static @Nullable ReloadJfrEvent reload() {
    return FlightRecorder.isInitialized() ? ReloadJfrEvent.start() : null;
  }

  /** A started {@code io.spillway.BudgetWait} event, or null when no recording takes it. */
  public static @Nullable BudgetWaitJfrEvent budgetWait() {
    return FlightRecorder.isInitialized() ? BudgetWaitJfrEvent.start() : null;
  }

  /** Whether a recording takes {@code io.spillway.CorruptFrame} now: for a caller whose location takes work to find. */
  public static boolean corruptFrameEnabled() {
    return FlightRecorder.isInitialized() && CorruptFrameJfrEvent.enabled();
  }

  /** Commits an {@code io.spillway.CorruptFrame} event now, if a recording takes it. */
  public static void corruptFrame(String segment, String store, @Nullable URI location, String operation,
      String reason, @Nullable String message) {
    if (FlightRecorder.isInitialized()) {
      CorruptFrameJfrEvent.emit(segment, store, location, operation, reason, message);
    }
  }
}
