package io.spillway.core.internal.jfr;

import java.net.URI;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import org.jspecify.annotations.Nullable;

/**
 * The Flight Recorder event {@value #NAME}, an instant event: a stored frame failed verification (see the package
 * documentation for its fields). Internal, may change.
 *
 * <p>Thread-safe: {@link #emit} makes an instance only when a recording takes the event.
 */
@Name(CorruptFrameJfrEvent.NAME)
@Label("Corrupt Frame")
@Category("Spillway")
@Description("A stored frame failed verification; the segment stays spilled and its copy is kept")
public final class CorruptFrameJfrEvent extends Event {
  /** The event's name. */
  public static final String NAME = "io.spillway.CorruptFrame";
  /** Asked whether any recording takes the event; never committed. */
  private static final CorruptFrameJfrEvent PROBE = new CorruptFrameJfrEvent();

  @Label("Segment")
  String segment = "";

  @Label("Store")
  @Description("The store provider's name")
  String store = "";

  @Label("Location")
  @Description("Where the frame is stored, if known")
  @Nullable String location;

  @Label("Operation")
  @Description("reload or recovery (a persistent session taken over)")
  String operation = "";

  @Label("Reason")
  @Description("The CorruptSegmentException reason, such as CHECKSUM_MISMATCH")
  String reason = "";

  @Label("Message")
  String message = "";

  private CorruptFrameJfrEvent() {}

  /** Whether a recording takes the event now: for a caller whose {@code location} would take work to find. */
  static boolean enabled() {
    return PROBE.isEnabled();
  }

  /** Commits the event now, if a recording takes it; allocates nothing otherwise. */
  static void emit(String segment, String store, @Nullable URI location, String operation, String reason,
      @Nullable String message) {
    if (!PROBE.isEnabled()) {
      return;
    }
    CorruptFrameJfrEvent event = new CorruptFrameJfrEvent();
    if (event.shouldCommit()) {
      event.segment = segment;
      event.store = store;
      event.location = location == null ? null : location.toString();
      event.operation = operation;
      event.reason = reason;
      event.message = message == null ? "" : message;
      event.commit();
    }
  }
}
