package io.spillway.core.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import org.jspecify.annotations.Nullable;

/**
 * The Flight Recorder event {@value #NAME}: one write of a frame to the store (see the package documentation for
 * its fields). Internal, may change.
 *
 * <p>Use: {@code SpillJfrEvent event = JfrEvents.spill();} before the work, then
 * {@code if (event != null) event.finish(...)} after it, whatever its outcome. Not thread-safe: one instance per
 * operation, on one thread.
 */
@Name(SpillJfrEvent.NAME)
@Label("Spill")
@Category("Spillway")
@Description("A segment framed and written to the store")
public final class SpillJfrEvent extends Event {
  /** The event's name. */
  public static final String NAME = "io.spillway.Spill";
  /** Asked whether any recording takes the event; never committed. */
  private static final SpillJfrEvent PROBE = new SpillJfrEvent();

  @Label("Segment")
  String segment = "";

  @Label("Store")
  @Description("The store provider's name")
  String store = "";

  @Label("Payload Bytes")
  @Description("The bytes handed to the frame, before compression and encryption")
  @DataAmount
  long bytes;

  @Label("Registered Bytes")
  @Description("The segment's registered size, which the spill frees in the budget")
  @DataAmount
  long registeredBytes;

  @Label("Frame Bytes")
  @Description("The bytes the store was asked to hold, headers included; 0 if framing failed")
  @DataAmount
  long frameBytes;

  @Label("Result")
  @Description("success, quota-exceeded or failure")
  String result = "";

  private SpillJfrEvent() {}

  /** A started event, or null (nothing allocated) when no recording takes it. */
  static @Nullable SpillJfrEvent start() {
    if (!PROBE.isEnabled()) {
      return null;
    }
    SpillJfrEvent event = new SpillJfrEvent();
    event.begin();
    return event;
  }

  /** Ends the event and commits it, if the recording keeps it (its threshold, say). */
  public void finish(String segment, String store, long bytes, long registeredBytes, long frameBytes, String result) {
    end();
    if (shouldCommit()) {
      this.segment = segment;
      this.store = store;
      this.bytes = bytes;
      this.registeredBytes = registeredBytes;
      this.frameBytes = frameBytes;
      this.result = result;
      commit();
    }
  }
}
