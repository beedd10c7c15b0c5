package io.spillway.api;

/**
 * Thrown when room for a value cannot be made within {@link SpillConfig#maxBlock()}: what is pinned, in flight or
 * too small to spill already fills the budget, or spills kept failing. The message says which: the bytes pinned, in
 * flight, in managed values too small to spill, in manual segments (which the manager never spills itself), and the
 * spills that failed. Nothing is admitted or changed when it is thrown.
 */
public class SpillBudgetExceededException extends SpillException {
  private static final long serialVersionUID = 1L;

  private final String segment;
  private final long requestedBytes;
  private final long pinnedBytes;
  private final long maxMemory;

  public SpillBudgetExceededException(String segment, long requestedBytes, long usage, long pinnedBytes,
      long maxMemory, java.time.Duration waited) {
    this(segment, requestedBytes, usage, pinnedBytes, maxMemory, waited, "");
  }

  /**
   * With {@code why}, what kept memory from being freed, appended to the message (empty for nothing more to say).
   */
  public SpillBudgetExceededException(String segment, long requestedBytes, long usage, long pinnedBytes,
      long maxMemory, java.time.Duration waited, String why) {
    super("No room for segment '" + segment + "' (" + requestedBytes + " bytes) within the budget of " + maxMemory
        + " bytes after waiting " + waited.toMillis() + " ms: " + usage + " bytes in use, " + pinnedBytes
        + " of them pinned" + (why.isEmpty() ? "" : "; " + why));
    this.segment = segment;
    this.requestedBytes = requestedBytes;
    this.pinnedBytes = pinnedBytes;
    this.maxMemory = maxMemory;
  }

  /** The segment that could not be admitted or reloaded. */
  public String segment() {
    return segment;
  }

  /** The bytes it needed. */
  public long requestedBytes() {
    return requestedBytes;
  }

  /** The bytes pinned when the wait ended. */
  public long pinnedBytes() {
    return pinnedBytes;
  }

  /** The budget. */
  public long maxMemory() {
    return maxMemory;
  }
}
