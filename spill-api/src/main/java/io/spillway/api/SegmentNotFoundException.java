package io.spillway.api;

/** Thrown when an operation names a segment that is not registered with the manager. */
public class SegmentNotFoundException extends SpillException {
  private static final long serialVersionUID = 1L;

  private final String segment;

  public SegmentNotFoundException(String segment) {
    super("Segment '" + segment + "' is not registered");
    this.segment = segment;
  }

  /** The name that was not found. */
  public String segment() {
    return segment;
  }
}
