package io.spillway.core.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import org.jspecify.annotations.Nullable;

/**
 * The Flight Recorder event {@value #NAME}: a caller blocked waiting for room in the memory budget (see the package
 * documentation for its fields). Internal, may change.
 *
 * <p>Used as {@link SpillJfrEvent} is. Not thread-safe: one instance per wait, on the waiting thread.
 */
@Name(BudgetWaitJfrEvent.NAME)
@Label("Budget Wait")
@Category("Spillway")
@Description("A caller blocked until the memory budget had room for its bytes")
public final class BudgetWaitJfrEvent extends Event {
  /** The event's name. */
  public static final String NAME = "io.spillway.BudgetWait";
  /** Asked whether any recording takes the event; never committed. */
  private static final BudgetWaitJfrEvent PROBE = new BudgetWaitJfrEvent();

  @Label("Segment")
  String segment = "";

  @Label("Store")
  @Description("The store provider's name of the manager whose budget it is")
  String store = "";

  @Label("Bytes")
  @Description("The bytes the caller waited room for")
  @DataAmount
  long bytes;

  @Label("Result")
  @Description("granted, exceeded (SpillBudgetExceededException), closed, interrupted or failure")
  String result = "";

  private BudgetWaitJfrEvent() {}

  /** A started event, or null (nothing allocated) when no recording takes it. */
  static @Nullable BudgetWaitJfrEvent start() {
    if (!PROBE.isEnabled()) {
      return null;
    }
    BudgetWaitJfrEvent event = new BudgetWaitJfrEvent();
    event.begin();
    return event;
  }

  /** Ends the event and commits it, if the recording keeps it. */
  public void finish(String segment, String store, long bytes, String result) {
    end();
    if (shouldCommit()) {
      this.segment = segment;
      this.store = store;
      this.bytes = bytes;
      this.result = result;
      commit();
    }
  }
}
