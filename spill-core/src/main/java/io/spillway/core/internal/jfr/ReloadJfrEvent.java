package io.spillway.core.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import org.jspecify.annotations.Nullable;

/**
 * The Flight Recorder event {@value #NAME}: one read of a frame back from the store, with its verification (see the
 * package documentation for its fields). Internal, may change.
 *
 * <p>Used as {@link SpillJfrEvent} is. Not thread-safe: one instance per operation, on one thread.
 */
@Name(ReloadJfrEvent.NAME)
@Label("Reload")
@Category("Spillway")
@Description("A segment's frame read back from the store and verified")
public final class ReloadJfrEvent extends Event {
  /** The event's name. */
  public static final String NAME = "io.spillway.Reload";
  /** Asked whether any recording takes the event; never committed. */
  private static final ReloadJfrEvent PROBE = new ReloadJfrEvent();

  @Label("Segment")
  String segment = "";

  @Label("Store")
  @Description("The store provider's name")
  String store = "";

  @Label("Payload Bytes")
  @Description("The payload bytes read back and verified; 0 on failure")
  @DataAmount
  long bytes;

  @Label("Registered Bytes")
  @Description("The segment's registered size, which the reload adds back to the budget")
  @DataAmount
  long registeredBytes;

  @Label("Result")
  @Description("success, corrupt, missing or failure")
  String result = "";

  private ReloadJfrEvent() {}

  /** A started event, or null (nothing allocated) when no recording takes it. */
  static @Nullable ReloadJfrEvent start() {
    if (!PROBE.isEnabled()) {
      return null;
    }
    ReloadJfrEvent event = new ReloadJfrEvent();
    event.begin();
    return event;
  }

  /** Ends the event and commits it, if the recording keeps it. */
  public void finish(String segment, String store, long bytes, long registeredBytes, String result) {
    end();
    if (shouldCommit()) {
      this.segment = segment;
      this.store = store;
      this.bytes = bytes;
      this.registeredBytes = registeredBytes;
      this.result = result;
      commit();
    }
  }
}
